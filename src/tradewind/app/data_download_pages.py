"""Paging through an exchange's candles for `tradewind data download`.

What the catalog lacks of a requested range (`missing_spans`), and the complete candles
of one missing span, page by page (`fetch_span`), over a small `CandleSource` protocol
that the ccxt binding (`app.data_download_ccxt`) or a test fake implements. Requests that
fail with a retryable `VenueError` are sent again with exponential backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from tradewind.data.schema import DataError
from tradewind.domain.timeframe import Timeframe, TimeUnit
from tradewind.domain.venue_errors import VenueError

__all__ = [
    "BarGrid",
    "Candle",
    "CandleSource",
    "RetryPolicy",
    "fetch_span",
    "missing_spans",
    "with_retries",
]

#: One candle as exchanges send it (ccxt's shape): open time in ms UTC, O, H, L, C, V.
Candle = Sequence[Any]

_T = TypeVar("_T")
# 1970-01-05 was a Monday: exchanges open weekly candles on Mondays 00:00 UTC.
_MONDAY_MS = 4 * 86_400_000


class CandleSource(Protocol):
    """An exchange's public candle history, as `tradewind data download` needs it.

    Every request raises `VenueError` on failure (`retryable` for network trouble) with a
    message naming the exchange and its URL.
    """

    @property
    def name(self) -> str:
        """The exchange's id, e.g. `binance`."""
        ...

    @property
    def url(self) -> str:
        """The base URL requests go to (shown in messages)."""
        ...

    @property
    def max_page_bars(self) -> int:
        """The most candles one request may ask for."""
        ...

    def spot_markets(self) -> Mapping[str, str]:
        """Venue symbol (`BTC/USDT`) -> the exchange's own id (`BTCUSDT`), spot markets."""
        ...

    def timeframes(self) -> Collection[str]:
        """The candle timeframes the exchange offers (`1m`, `1h`, `1d`, ...)."""
        ...

    def venue_time_ms(self) -> int:
        """The exchange's clock, ms since the epoch (UTC)."""
        ...

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[Candle]:
        """Up to `limit` candles opening at or after `since_ms`, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often a retryable failure is retried, and the waits between attempts."""

    attempts: int = 5
    first_delay_s: float = 0.5
    max_delay_s: float = 8.0


@dataclass(frozen=True, slots=True)
class BarGrid:
    """The open instants of a fixed-length timeframe: `anchor_ms + k * step_ms`."""

    step_ms: int
    anchor_ms: int = 0

    @classmethod
    def of(cls, timeframe: Timeframe) -> BarGrid:
        """The grid exchanges use for `timeframe` (weeks open on Mondays).

        Raises:
            DataError: a month-based timeframe (no fixed length).
        """
        if timeframe.unit is TimeUnit.MONTH:
            raise DataError(
                f"--timeframe {timeframe}: downloads need a fixed-length timeframe "
                "(minutes, hours, days or weeks); months are not in this version yet"
            )
        anchor = _MONDAY_MS if timeframe.unit is TimeUnit.WEEK else 0
        return cls(step_ms=timeframe.seconds * 1000, anchor_ms=anchor)

    def ceil(self, ms: int) -> int:
        """The first open instant at or after `ms`."""
        return ms + (-(ms - self.anchor_ms)) % self.step_ms

    def count(self, start_ms: int, end_ms: int) -> int:
        """How many bars open in `[start_ms, end_ms)`."""
        first = self.ceil(start_ms)
        return 0 if end_ms <= first else (end_ms - first - 1) // self.step_ms + 1


def missing_spans(
    present_ms: np.ndarray, start_ms: int, end_ms: int, grid: BarGrid
) -> list[tuple[int, int]]:
    """The spans `[a, b)` of `[start_ms, end_ms)` with no bar in `present_ms`.

    `present_ms` holds the open instants (ms) already stored. Head, tail and interior
    gaps are all returned; a span shorter than one bar is not.
    """
    first = grid.ceil(start_ms)
    inside = np.unique(present_ms[(present_ms >= first) & (present_ms < end_ms)])
    starts = np.concatenate([[first], inside + grid.step_ms])
    stops = np.concatenate([inside, [end_ms]])
    return [
        (int(a), int(b))
        for a, b in zip(starts, stops, strict=True)
        if grid.count(int(a), int(b)) > 0
    ]


def fetch_span(
    source: CandleSource,
    symbol: str,
    timeframe: str,
    grid: BarGrid,
    span: tuple[int, int],
    now_ms: Callable[[], int],
    *,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[list[Candle]]:
    """The complete candles opening in `span`, one list per page, oldest first.

    A candle is complete once its close (open + one bar) is at or before `now_ms()`, the
    venue's clock; the rest are never yielded. Paging stops at the end of the span, at
    the first incomplete candle, or when the exchange sends nothing new.
    """
    since, stop = span
    while since < stop:
        limit = max(1, min(source.max_page_bars, -(-(stop - since) // grid.step_ms)))
        rows = with_retries(_page_request(source, symbol, timeframe, since, limit), retry, sleep)
        clock_ms = now_ms()
        opens = [int(row[0]) for row in rows]
        page = sorted(
            (row for row, t in zip(rows, opens, strict=True) if since <= t < stop),
            key=lambda row: int(row[0]),
        )
        complete = [row for row in page if int(row[0]) + grid.step_ms <= clock_ms]
        if complete:
            yield complete
        newest = max(opens, default=since - 1)
        if newest < since or len(complete) < len(page):
            return
        since = newest + grid.step_ms


def _page_request(
    source: CandleSource, symbol: str, timeframe: str, since_ms: int, limit: int
) -> Callable[[], Sequence[Candle]]:
    return lambda: source.fetch_ohlcv(symbol, timeframe, since_ms, limit)


def with_retries(
    call: Callable[[], _T],
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """`call()`, sent again after a retryable `VenueError` with doubling waits.

    Raises:
        VenueError: not retryable, or still failing after the last attempt (the message
            says how many attempts were made).
    """
    rules = policy or RetryPolicy()
    delay_s = rules.first_delay_s
    for attempt in range(1, rules.attempts + 1):
        try:
            return call()
        except VenueError as exc:
            if not exc.retryable:
                raise
            if attempt == rules.attempts:
                raise VenueError(
                    f"{exc} (gave up after {attempt} attempts)", retryable=True
                ) from exc
        sleep(delay_s)
        delay_s = min(delay_s * 2, rules.max_delay_s)
    raise VenueError("no attempt was made: RetryPolicy.attempts must be at least 1")
