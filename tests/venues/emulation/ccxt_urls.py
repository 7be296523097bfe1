"""Point a ccxt exchange at a local emulator: same paths, the emulator's scheme and host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

__all__ = ["point_ccxt_at", "rewrite_urls"]


def rewrite_urls(urls: Any, base_url: str) -> Any:
    """A copy of a (nested) dict of URL strings with every scheme+host replaced by base_url."""
    if isinstance(urls, dict):
        return {key: rewrite_urls(value, base_url) for key, value in urls.items()}
    if isinstance(urls, str) and urls.startswith(("http://", "https://")):
        parts = urlsplit(urls)
        rest = urls[len(f"{parts.scheme}://{parts.netloc}") :]
        return base_url.rstrip("/") + rest
    return urls


def point_ccxt_at(exchange: Any, base_url: str) -> None:
    """Replace the scheme and host of every URL in exchange.urls['api'], keeping paths."""
    exchange.urls["api"] = rewrite_urls(exchange.urls["api"], base_url)
