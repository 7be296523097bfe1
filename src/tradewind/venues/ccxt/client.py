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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import ccxt

from tradewind.domain.errors import DomainError
from tradewind.venues.ccxt.coinbase_quirks import CoinbaseClient
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.rate_budget import RateBudget

__all__ = [
    "RATE_HEADROOM",
    "attach_rate_budget",
    "build_client",
    "build_exchange",
    "point_urls_at",
    "share_rate_budget",
]

RATE_HEADROOM = 1.1
"""The shared budget spaces requests this much wider than ccxt's `rateLimit`: ccxt's
spacing for Binance is exactly its 6000 weight a minute, which a rolling window on the
venue's side meets with jitter (measured: a 429 within 70 s of sustained orders)."""

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
    credentials = {
        name: secret.reveal()
        for name, secret in (
            ("apiKey", config.api_key),
            ("secret", config.secret),
            ("password", config.password),
        )
        if secret
    }
    return build_client(
        config.exchange_id,
        endpoint=config.endpoint,
        timeout_ms=config.timeout_ms,
        options=config.options,
        credentials=credentials,
    )


def build_client(
    exchange_id: str,
    *,
    endpoint: str | None = None,
    timeout_ms: int = 10_000,
    options: Mapping[str, Any] | None = None,
    credentials: Mapping[str, str] | None = None,
) -> Any:
    """The ccxt sync client `build_exchange` makes, without an adapter config: for
    public data (a history download) no symbols or keys are needed.

    Raises:
        DomainError: ccxt has no exchange with that id.
    """
    exchange_class = _BRIDGED.get(exchange_id) or getattr(ccxt, exchange_id, None)
    if exchange_id not in ccxt.exchanges or exchange_class is None:
        raise DomainError(
            f"unknown ccxt exchange id {exchange_id!r}: expected one of ccxt.exchanges"
        )
    settings: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": timeout_ms,
        "options": {"defaultType": "spot", **_SPOT_OPTIONS.get(exchange_id, {}), **(options or {})},
        "logger": _wire_logger(),
        **(credentials or {}),
    }
    exchange = exchange_class(settings)
    if endpoint is not None:
        exchange.urls["api"] = point_urls_at(exchange.urls["api"], endpoint)
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


def attach_rate_budget(
    exchange: Any, directory: Path, exchange_id: str, api_key: str = ""
) -> RateBudget:
    """Space `exchange`'s requests through the budget file of `exchange_id` and
    `api_key` in `directory` ("" for keyless requests), `RATE_HEADROOM` wider than its
    `rateLimit`; returns the budget (to pause it after a 429)."""
    interval_ms = float(getattr(exchange, "rateLimit", 0) or 50) * RATE_HEADROOM
    budget = RateBudget(directory, exchange_id, api_key, interval_ms)
    share_rate_budget(exchange, budget)
    return budget


def share_rate_budget(exchange: Any, budget: RateBudget) -> None:
    """Make `exchange` space its requests through `budget` (shared across processes)
    instead of its own in-process throttle; each request reserves its ccxt cost."""

    def throttle(cost: float | None = None) -> None:
        budget.acquire(1.0 if cost is None else float(cost))

    exchange.throttle = throttle
