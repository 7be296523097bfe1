"""Building the synchronous ccxt client for one exchange.

Credentials come in through `CcxtVenueConfig` (never from the environment here). The
client's HTTP wire log is kept off: ccxt logs request headers (API key included) at
DEBUG, so its logger is a private one that drops DEBUG records whatever the root
logging level. With `endpoint` set, every URL of `exchange.urls['api']` points at it
with its path kept, so the official client talks to a local emulator unchanged.
Coinbase gets ccxt's class with the bridges of `coinbase_quirks.CoinbaseClient`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import ccxt

from tradewind.domain.errors import DomainError
from tradewind.venues.ccxt.coinbase_quirks import CoinbaseClient
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.rate_budget import RateBudget

__all__ = ["build_exchange", "point_urls_at", "share_rate_budget"]

_WIRE_LOGGER = "tradewind.venues.ccxt.wire"

# Spot only: skip derivative market lists and the key-only currency endpoint.
_SPOT_OPTIONS: dict[str, dict[str, Any]] = {
    "binance": {
        "fetchMarkets": {"types": ["spot"]},
        "fetchCurrencies": False,
        "warnOnFetchOpenOrdersWithoutSymbol": False,
    },
}

# ccxt classes whose departures from ccxt's unified API the adapter bridges (see each).
_BRIDGED: dict[str, type[Any]] = {"coinbase": CoinbaseClient}


class _NoWireDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _wire_logger() -> logging.Logger:
    logger = logging.getLogger(_WIRE_LOGGER)
    if not any(isinstance(f, _NoWireDebug) for f in logger.filters):
        logger.addFilter(_NoWireDebug())
    return logger


def build_exchange(config: CcxtVenueConfig) -> Any:
    """A ccxt sync client for `config.exchange_id`: rate limiting on, `timeout_ms`,
    credentials set, spot options, URLs pointed at `config.endpoint` when given.

    Raises:
        DomainError: ccxt has no exchange with that id.
    """
    exchange_class = _BRIDGED.get(config.exchange_id) or getattr(ccxt, config.exchange_id, None)
    if config.exchange_id not in ccxt.exchanges or exchange_class is None:
        raise DomainError(
            f"unknown ccxt exchange id {config.exchange_id!r}: expected one of ccxt.exchanges"
        )
    options = {"defaultType": "spot", **_SPOT_OPTIONS.get(config.exchange_id, {})}
    options.update(config.options)
    settings: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": config.timeout_ms,
        "options": options,
        "logger": _wire_logger(),
    }
    for name, secret in (
        ("apiKey", config.api_key),
        ("secret", config.secret),
        ("password", config.password),
    ):
        if secret:
            settings[name] = secret.reveal()
    exchange = exchange_class(settings)
    if config.endpoint is not None:
        exchange.urls["api"] = point_urls_at(exchange.urls["api"], config.endpoint)
    return exchange


def point_urls_at(urls: Any, endpoint: str) -> Any:
    """`urls` (a URL, or nested dicts/lists of them) with every scheme and host
    replaced by `endpoint`'s, paths and queries kept (`ws(s)` URLs get ws/wss)."""
    if isinstance(urls, str):
        return _rewrite(urls, endpoint)
    if isinstance(urls, Mapping):
        return {key: point_urls_at(value, endpoint) for key, value in urls.items()}
    if isinstance(urls, list):
        return [point_urls_at(value, endpoint) for value in urls]
    return urls


def _rewrite(url: str, endpoint: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    target = urlsplit(endpoint)
    scheme = target.scheme
    if parts.scheme in ("ws", "wss"):
        scheme = "wss" if target.scheme == "https" else "ws"
    return urlunsplit((scheme, target.netloc, parts.path, parts.query, parts.fragment))


def share_rate_budget(exchange: Any, budget: RateBudget) -> None:
    """Make `exchange` space its requests through `budget` (shared across processes)
    instead of its own in-process throttle; each request reserves its ccxt cost."""

    def throttle(cost: float | None = None) -> None:
        budget.acquire(1.0 if cost is None else float(cost))

    exchange.throttle = throttle
