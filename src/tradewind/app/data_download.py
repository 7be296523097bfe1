"""`tradewind data download` through `app`: an exchange's candle history into the catalog.

Each symbol is stored as market `crypto`, symbol `BASE-QUOTE` (a broker's as `forex`
`EUR-USD` or `equities` `AAPL`, see `app.data_download_brokers`), with the same
validation as `tradewind data import` (`Catalog.ingest`, strict). Only the bars of
`[start, end)` the catalog lacks in trading hours are asked for (head, tail and gaps),
only complete candles (closed on the venue's clock) are kept, and what was fetched is
written every `flush_rows` candles and on Ctrl-C, so an interrupted download resumes
where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tradewind.app.data_download_brokers import (
    broker_hint,
    open_broker_source,
    open_spans,
    resolve_broker_symbol,
)
from tradewind.app.data_download_pages import (
    BarGrid,
    CandleSource,
    RetryPolicy,
    fetch_span,
    missing_spans,
    with_retries,
)
from tradewind.app.data_download_request import (
    DownloadRequest,
    download_request,
    resolve_symbol,
)
from tradewind.app.data_download_writer import SeriesWriter, stored_opens_ms
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError

__all__ = [
    "DownloadInterrupted",
    "DownloadProgress",
    "DownloadRequest",
    "RetryPolicy",
    "SymbolDownload",
    "download_history",
    "download_request",
]


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    """Candles fetched so far of one symbol, against those expected (missing, closed)."""

    symbol: str
    fetched: int
    expected: int


@dataclass(frozen=True, slots=True)
class SymbolDownload:
    """What a download did for one symbol.

    `rows_written` new bars were stored, opening from `first` to `last` (ms UTC, None when
    none); `already_present` bars of the range were in the catalog before; `expected` bars
    were missing and closed on the venue's clock when the download started.
    """

    symbol: str
    venue_symbol: str
    exchange: str
    timeframe: str
    rows_written: int
    first_ms: int | None
    last_ms: int | None
    already_present: int
    expected: int
    interrupted: bool = False

    def summary(self) -> str:
        """One line, e.g. `BTC-USDT (binance BTC/USDT, 1h): 720 rows written, ...`."""
        head = f"{self.symbol} ({self.exchange} {self.venue_symbol}, {self.timeframe}): "
        present = f"{self.already_present:,} already present (skipped)"
        if self.rows_written:
            daily = not Timeframe.parse(self.timeframe).is_intraday
            span = f"{_label(self.first_ms, daily)} .. {_label(self.last_ms, daily)}"
            text = f"{self.rows_written:,} rows written, {span}; {present}"
        elif self.expected:
            text = f"nothing new from the exchange for {self.expected:,} missing bars; {present}"
        else:
            text = f"up to date, nothing fetched; {present}"
        return head + text + ("; interrupted" if self.interrupted else "")


class DownloadInterrupted(KeyboardInterrupt):
    """Ctrl-C during a download; what was fetched before it is stored. `results` holds
    the finished symbols and the interrupted one."""

    def __init__(self, results: Sequence[SymbolDownload]) -> None:
        super().__init__("download interrupted")
        self.results = tuple(results)


@dataclass(frozen=True, slots=True)
class _Tools:
    """What the download of each symbol works with."""

    source: CandleSource
    catalog: Catalog
    retry: RetryPolicy
    sleep: Callable[[float], None]
    progress: Callable[[DownloadProgress], None]
    flush_rows: int


@dataclass(frozen=True, slots=True)
class _Plan:
    """The missing spans of one symbol's range, and what they hold."""

    spans: list[tuple[int, int]]
    expected: int
    already_present: int


def download_history(
    request: DownloadRequest,
    *,
    progress: Callable[[DownloadProgress], None] | None = None,
    source: CandleSource | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    flush_rows: int = 10_000,
) -> list[SymbolDownload]:
    """Download every symbol of `request` into its catalog; one result per symbol.

    `source` defaults to the ccxt exchange or the broker of the request (`endpoint`
    applied; a broker's credentials read from the environment and `.env`, and its
    connections closed at the end); `retry` and `sleep` (default `time.sleep`) pace the
    retries of failed requests.

    Raises:
        DataError: an unknown symbol or timeframe, a broker credential that is not set,
            or a candle that fails validation (names the symbol, the candle's time and
            what was expected; the bars before it are kept).
        VenueError: the exchange cannot be reached after the retries, or refused a
            request (names the exchange and URL).
        DownloadInterrupted: Ctrl-C; what was fetched is written first.
    """
    opened = source or _open_source(request)
    tools = _Tools(
        source=opened,
        catalog=Catalog(request.catalog_dir, include_bundled=False),
        retry=retry or RetryPolicy(),
        sleep=sleep or time.sleep,
        progress=progress or (lambda _: None),
        flush_rows=flush_rows,
    )
    results: list[SymbolDownload] = []
    try:
        for symbol, venue_symbol, market in _resolved_symbols(request, tools):
            results.append(_download_symbol(request, tools, symbol, venue_symbol, market))
    except DownloadInterrupted as stop:
        raise DownloadInterrupted([*results, *stop.results]) from None
    except KeyboardInterrupt:
        raise DownloadInterrupted(results) from None
    finally:
        if source is None and callable(getattr(opened, "close", None)):
            opened.close()  # type: ignore[attr-defined]
    return results


def _resolved_symbols(
    request: DownloadRequest, tools: _Tools
) -> list[tuple[str, str, MarketClass]]:
    """`(our symbol, venue symbol, market)` of each requested symbol, after checking the
    timeframe; two spellings of one pair (BTCUSDT, BTC/USDT) are downloaded once."""
    markets = _first_contact(tools, request)
    _check_timeframe(tools.source, str(request.timeframe))
    name = tools.source.name
    if request.broker is not None:
        broker = request.broker
        resolved = [resolve_broker_symbol(broker, t, markets) for t in request.symbols]
    else:
        pairs = [resolve_symbol(t, markets, name) for t in request.symbols]
        resolved = [(ours, venue, MarketClass.CRYPTO) for ours, venue in pairs]
    return list(dict.fromkeys(resolved))


def _first_contact(tools: _Tools, request: DownloadRequest) -> dict[str, str]:
    """The exchange's spot markets; a failure says which option or link to check."""
    endpoint = request.endpoint
    try:
        return dict(with_retries(tools.source.spot_markets, tools.retry, tools.sleep))
    except VenueError as exc:
        if request.broker is not None:
            hint = broker_hint(request.broker, endpoint, exc)
        else:
            hint = f"check --endpoint {endpoint}" if endpoint else "check the network connection"
        raise VenueError(f"{exc}; {hint}", retryable=exc.retryable) from None


def _open_source(request: DownloadRequest) -> CandleSource:
    if request.broker is not None:
        return open_broker_source(request.broker, request.symbols, request.endpoint)
    from tradewind.app.data_download_ccxt import open_ccxt_source
    from tradewind.app.rate_budget_dir import rate_budget_dir

    return open_ccxt_source(request.exchange_id, request.endpoint, budget_dir=rate_budget_dir())


def _check_timeframe(source: CandleSource, timeframe: str) -> None:
    offered = list(source.timeframes())
    if timeframe not in offered:
        raise DataError(
            f"--timeframe {timeframe}: {source.name} does not offer it; "
            f"expected one of {', '.join(offered) or '(none listed)'}"
        )


def _plan(
    request: DownloadRequest,
    tools: _Tools,
    symbol: str,
    market: MarketClass,
    grid: BarGrid,
    venue_now_ms: int,
) -> _Plan:
    """What the catalog lacks of the requested range in trading hours, up to the last
    closed bar."""
    end_ms = request.end_ms if request.end_ms is not None else venue_now_ms
    present = stored_opens_ms(tools.catalog, symbol, str(request.timeframe), market)
    # Only bars closed on the venue's clock are asked for: opens up to now - one bar.
    closed_end_ms = min(end_ms, venue_now_ms - grid.step_ms + 1)
    spans = missing_spans(present, request.start_ms, closed_end_ms, grid)
    spans, expected = open_spans(spans, grid, market, tools.source.max_page_bars)
    in_range = (present >= request.start_ms) & (present < end_ms)
    return _Plan(
        spans=spans,
        expected=expected,
        already_present=int(np.count_nonzero(in_range)),
    )


def _download_symbol(
    request: DownloadRequest,
    tools: _Tools,
    symbol: str,
    venue_symbol: str,
    market: MarketClass,
) -> SymbolDownload:
    grid = BarGrid.of(request.timeframe)
    timeframe = str(request.timeframe)
    now_ms = _venue_clock(tools)
    plan = _plan(request, tools, symbol, market, grid, now_ms())
    source_name = f"{tools.source.name} {venue_symbol}"
    writer = SeriesWriter(
        tools.catalog, symbol, timeframe, source_name, tools.flush_rows, market=market
    )

    def result(*, interrupted: bool = False) -> SymbolDownload:
        return SymbolDownload(
            symbol=symbol,
            venue_symbol=venue_symbol,
            exchange=tools.source.name,
            timeframe=timeframe,
            rows_written=writer.rows_written,
            first_ms=writer.first_ms,
            last_ms=writer.last_ms,
            already_present=plan.already_present,
            expected=plan.expected,
            interrupted=interrupted,
        )

    tools.progress(DownloadProgress(symbol, 0, plan.expected))
    try:
        for span in plan.spans:
            for page in fetch_span(
                tools.source, venue_symbol, timeframe, grid, span, now_ms,
                retry=tools.retry, sleep=tools.sleep,
            ):  # fmt: skip
                writer.add(page)
                tools.progress(DownloadProgress(symbol, writer.fetched, plan.expected))
        writer.flush()
    except KeyboardInterrupt:
        writer.flush()
        raise DownloadInterrupted([result(interrupted=True)]) from None
    return result()


def _venue_clock(tools: _Tools) -> Callable[[], int]:
    """The venue's clock: read once, then advanced with the local monotonic clock."""
    venue_ms = with_retries(tools.source.venue_time_ms, tools.retry, tools.sleep)
    local_s = time.monotonic()
    return lambda: venue_ms + int((time.monotonic() - local_s) * 1000)


def _label(ms: int | None, daily: bool) -> str:
    if ms is None:
        return "-"
    return time.strftime("%Y-%m-%d" if daily else "%Y-%m-%d %H:%M", time.gmtime(ms / 1000))
