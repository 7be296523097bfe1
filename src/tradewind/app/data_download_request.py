"""The options of `tradewind data download`, checked: provider, exchange, endpoint,
symbols, timeframe and the `[start, end)` range, and symbols resolved on the exchange
(the brokers' symbols in `app.data_download_brokers`).

Every refusal is a `DataError` naming the option and what was expected (exit 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tradewind.app.data_download_pages import BarGrid
from tradewind.config.symbols import normalize_symbol
from tradewind.data.schema import DataError
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

__all__ = [
    "BROKER_NAMES",
    "EXCHANGE_PROVIDERS",
    "DownloadRequest",
    "download_request",
    "resolve_symbol",
]

#: Providers that are a ccxt exchange of the same name.
EXCHANGE_PROVIDERS = ("binance", "coinbase", "kraken")
#: Forex and stocks brokers, through their adapters (`app.data_download_brokers`).
BROKER_NAMES = ("oanda", "alpaca", "interactive_brokers")


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """What to download: `symbols` as the user wrote them, bars opening in
    `[start_ms, end_ms)` (ms UTC; `end_ms` None: up to the venue's clock).

    `broker` is `oanda`, `alpaca` or `ib` for a broker (then `exchange_id` is the same
    name), None for a ccxt exchange."""

    exchange_id: str
    endpoint: str | None
    symbols: tuple[str, ...]
    timeframe: Timeframe
    start_ms: int
    end_ms: int | None
    catalog_dir: Path | None = None
    broker: str | None = None


def download_request(
    *,
    provider: str,
    exchange: str | None,
    endpoint: str | None,
    symbols: str,
    timeframe: str,
    start: str,
    end: str | None,
    catalog_dir: Path | None = None,
) -> DownloadRequest:
    """The checked request of the command's options.

    Raises:
        DataError: an option is unknown, malformed or inconsistent; names it.
    """
    from tradewind.app.data_download_brokers import broker_provider, check_broker_endpoint

    start_ms = _instant_ms("--start", start)
    end_ms = None if end is None else _instant_ms("--end", end)
    if end_ms is not None and end_ms <= start_ms:
        raise DataError(f"--end {end}: expected an instant after --start {start}")
    tf = _timeframe(timeframe)
    BarGrid.of(tf)
    broker = broker_provider(provider)
    exchange_id = _exchange_id(provider, exchange) if broker is None else broker
    if broker is not None and exchange:
        raise DataError(
            f"--exchange {exchange}: conflicts with --provider {provider}; leave it out "
            "(--exchange names a ccxt exchange)"
        )
    return DownloadRequest(
        exchange_id=exchange_id,
        endpoint=None if endpoint is None else check_broker_endpoint(broker or "", endpoint),
        symbols=_symbols(symbols),
        timeframe=tf,
        start_ms=start_ms,
        end_ms=end_ms,
        catalog_dir=catalog_dir,
        broker=broker,
    )


def resolve_symbol(text: str, markets: Mapping[str, str], exchange: str) -> tuple[str, str]:
    """`(our symbol, venue symbol)` of a symbol as written (`BTCUSDT`, `BTC/USDT`,
    `btc-usdt`), given the exchange's spot markets (venue symbol -> venue id).

    Raises:
        DataError: the exchange has no such spot market; names the symbol and close matches.
    """
    venue = _venue_symbol(text, markets)
    if venue is not None:
        try:
            return normalize_symbol(venue, MarketClass.CRYPTO), venue
        except ValueError as exc:
            raise DataError(f"--symbols {text}: {exc}") from None
    close = difflib.get_close_matches(text.strip().upper().replace("-", "/"), list(markets), n=3)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise DataError(
        f"--symbols {text}: {exchange} has no spot market {text.strip()!r} "
        f"(expected a pair it lists, such as BTC/USDT){hint}"
    )


def _venue_symbol(text: str, markets: Mapping[str, str]) -> str | None:
    try:
        ours = normalize_symbol(text, MarketClass.CRYPTO)
    except ValueError:
        ours = None
    if ours is not None and ours.replace("-", "/") in markets:
        return ours.replace("-", "/")
    compact = text.strip().upper().replace("-", "").replace("/", "").replace("_", "")
    for venue, venue_id in markets.items():
        if compact in (venue_id.upper(), venue.replace("/", "").upper()):
            return venue
    return None


def _exchange_id(provider: str, exchange: str | None) -> str:
    from tradewind.app.data_download_ccxt import check_exchange_id

    name = provider.strip().lower()
    if name == "ccxt":
        if not exchange:
            raise DataError("--provider ccxt needs --exchange, e.g. --exchange binance")
        return check_exchange_id(exchange)
    if name in EXCHANGE_PROVIDERS:
        if exchange and exchange.strip().lower() != name:
            raise DataError(
                f"--exchange {exchange}: conflicts with --provider {provider}; "
                f"leave it out or use --provider ccxt --exchange {exchange}"
            )
        return name
    known = ", ".join(("ccxt", *EXCHANGE_PROVIDERS, *BROKER_NAMES))
    raise DataError(f"--provider {provider!r}: unknown; expected one of {known}")


def _symbols(text: str) -> tuple[str, ...]:
    symbols = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    if not symbols:
        raise DataError(
            f"--symbols {text!r}: expected one or more symbols, e.g. BTC/USDT,ETHUSDT or AAPL"
        )
    return symbols


def _timeframe(text: str) -> Timeframe:
    try:
        return Timeframe.parse(text)
    except DomainError as exc:
        raise DataError(f"--timeframe: {exc}") from None


def _instant_ms(option: str, text: str) -> int:
    """`text` (a date or ISO date-time; naive is UTC) as ms since the epoch."""
    try:
        parsed = pd.Timestamp(text.strip())
    except (ValueError, TypeError):
        parsed = None
    if not isinstance(parsed, pd.Timestamp) or pd.isna(parsed):
        raise DataError(
            f"{option} {text!r}: expected a date or date-time such as 2024-01-01 or "
            "2024-01-01T12:00 (UTC unless an offset is given)"
        )
    stamp = parsed
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.value // 1_000_000)
