"""A ccxt exchange as the `CandleSource` of `tradewind data download`.

Public market data only (no credentials). ccxt paces the requests itself
(`enableRateLimit`). `endpoint` points every API URL of the exchange at another scheme
and host (an emulator on 127.0.0.1, a proxy), paths kept; only spot markets are loaded.
URL rewriting and error mapping are the ccxt adapter's (`tradewind.venues.ccxt`); the
client is built here because the adapter's builder needs the venue symbols first, and
a download learns them from the markets it loads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tradewind.app.data_download_pages import Candle
from tradewind.data.schema import DataError
from tradewind.domain.redaction import redact_url
from tradewind.domain.venue_errors import VenueError

__all__ = ["CcxtCandles", "check_endpoint", "check_exchange_id", "open_ccxt_source"]

_T = TypeVar("_T")
_DEFAULT_PAGE_BARS = 500


def check_exchange_id(exchange_id: str) -> str:
    """The ccxt id `exchange_id` names (any case).

    Raises:
        DataError: not a ccxt exchange id; names `--exchange` and close matches.
    """
    import difflib

    import ccxt

    wanted = exchange_id.strip().lower()
    if wanted in ccxt.exchanges:
        return wanted
    close = difflib.get_close_matches(wanted, ccxt.exchanges, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise DataError(
        f"--exchange {exchange_id!r}: not an exchange ccxt knows "
        f"(expected an id such as binance, coinbase or kraken){hint}"
    )


def check_endpoint(endpoint: str) -> str:
    """`endpoint` as `scheme://host[:port]`, if it is an http(s) URL with a host and no
    path (the exchange's API paths are kept).

    Raises:
        DataError: anything else; names `--endpoint`.
    """
    parts = urlsplit(endpoint.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
    ):
        raise DataError(
            f"--endpoint {redact_url(endpoint)!r}: expected an http(s) scheme and host "
            "without a path, e.g. http://127.0.0.1:8080"
        )
    return f"{parts.scheme}://{parts.netloc}"


def open_ccxt_source(
    exchange_id: str,
    endpoint: str | None = None,
    *,
    timeout_ms: int = 10_000,
    budget_dir: Path | None = None,
) -> CcxtCandles:
    """A rate-limited ccxt client of `exchange_id`, its URLs pointed at `endpoint`.

    With `budget_dir`, requests are spaced through the adapter's shared rate budget of
    the exchange's public (keyless) requests, so concurrent downloads and keyless
    sessions on this machine share one budget; without, by ccxt in this process only.
    Nothing is sent until a method is called.
    """
    from tradewind.venues.ccxt.client import attach_rate_budget, build_client

    exchange = build_client(exchange_id, endpoint=endpoint, timeout_ms=timeout_ms)
    if budget_dir is not None:
        attach_rate_budget(exchange, budget_dir, exchange_id)
    return CcxtCandles(exchange, endpoint or _main_url(exchange.urls.get("api")))


class CcxtCandles:
    """`CandleSource` over one ccxt exchange object; every ccxt error becomes a
    `VenueError` naming the exchange and URL (network errors retryable)."""

    def __init__(self, exchange: Any, url: str) -> None:
        self._exchange = exchange
        self._url = url

    @property
    def name(self) -> str:
        return str(self._exchange.id)

    @property
    def url(self) -> str:
        return redact_url(self._url)

    @property
    def max_page_bars(self) -> int:
        spot = (self._exchange.features or {}).get("spot") or {}
        limit = (spot.get("fetchOHLCV") or {}).get("limit")
        return int(limit) if limit else _DEFAULT_PAGE_BARS

    def spot_markets(self) -> Mapping[str, str]:
        markets = self._call("loading the markets", self._exchange.load_markets)
        return {str(m["symbol"]): str(m["id"]) for m in markets.values() if m.get("spot", True)}

    def timeframes(self) -> Collection[str]:
        return tuple(self._exchange.timeframes or ())

    def venue_time_ms(self) -> int:
        if not self._exchange.has.get("fetchTime"):
            return int(self._exchange.milliseconds())
        return int(self._call("reading the exchange's clock", self._exchange.fetch_time))

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[Candle]:
        what = f"fetching {timeframe} candles of {symbol}"
        exchange = self._exchange
        rows = self._call(what, lambda: exchange.fetch_ohlcv(symbol, timeframe, since_ms, limit))
        return list(rows or ())

    def _call(self, what: str, request: Callable[[], _T]) -> _T:
        import ccxt

        from tradewind.venues.ccxt.errors import map_error

        try:
            return request()
        except ccxt.BaseError as exc:
            mapped = map_error(exc, venue=f"{self.name} ({self.url})", action=what)
            raise VenueError(str(mapped), retryable=mapped.retryable) from None


def _main_url(api: Any) -> str:
    """The first URL of ccxt's `urls["api"]` (a string or nested dicts), scheme and host."""
    for url in _urls(api):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return "?"


def _urls(api: Any) -> list[str]:
    if isinstance(api, str):
        return [api]
    if isinstance(api, dict):
        return [url for value in api.values() for url in _urls(value)]
    return []
