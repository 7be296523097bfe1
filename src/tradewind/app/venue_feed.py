"""A session's row feed over a venue's live bars (`LiveMarketData`).

For each row, the feed delivers the bar the recording expects for each symbol (the
same open instant), with the prices the venue reports. A bar that has not closed on
the venue yet is waited for, up to `FeedTiming.max_wait_s`; a venue that does not
deliver it in that time is stale, and the feed raises, which pauses the market (the
session retries it with backoff). Bars are fetched with `closed_bars(since=last close
seen)`, so after an outage the first successful poll backfills every bar the venue
closed meanwhile: none is lost, and the feed counts them in `backfilled`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.engine.feeds import FeedRow
from tradewind.engine.panel import MarketPanel
from tradewind.ports.calendar import TradingCalendar
from tradewind.ports.live_data import LiveMarketData

__all__ = ["FeedTiming", "StaleFeedError", "VenueBarFeed"]


class StaleFeedError(VenueError):
    """The venue did not deliver an expected bar in time (retryable)."""

    retryable = True


@dataclass(frozen=True, slots=True)
class FeedTiming:
    """How long a poll waits for a bar that has not closed yet, and how often it asks."""

    max_wait_s: float = 30.0
    poll_interval_s: float = 0.1


@dataclass(frozen=True, slots=True)
class _Bar:
    open: float
    high: float
    low: float
    close: float
    volume: float


class VenueBarFeed:
    """Row feed of some panel columns from a venue's closed bars.

    Args:
        data: the venue's live market data.
        recording: the session's panel; its bar times say which bar each row expects.
        columns: panel column of each symbol, in the order of `instruments`.
        instruments: the venue's instrument for each column.
        timeframe: the bars' timeframe.
        calendar: the market's sessions: past the recording, a bar of the timeframe's
            grid is expected only if it opens in a session (no waiting for weekend
            bars of forex or stocks); None expects every bar (24/7).
    """

    def __init__(
        self,
        data: LiveMarketData,
        recording: MarketPanel,
        columns: Sequence[int],
        instruments: Sequence[InstrumentId],
        timeframe: Timeframe,
        timing: FeedTiming | None = None,
        *,
        calendar: TradingCalendar | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._data = data
        self._columns = tuple(int(c) for c in columns)
        self._instruments = tuple(instruments)
        self._timeframe = timeframe
        self._timing = timing or FeedTiming()
        self._clock, self._sleep = clock, sleep
        self._expected = _expected_bar_times(recording, self._columns, timeframe, calendar)
        self._bars: list[dict[int, _Bar]] = [{} for _ in self._columns]
        self._last_close: list[datetime | None] = [None] * len(self._columns)
        self._newest_open = np.full(len(self._columns), -1, dtype=np.int64)
        self.backfilled = 0
        """Bars fetched in one poll beyond the one that poll was waiting for."""
        self._latency_ms: float | None = None

    @property
    def latency_ms(self) -> float | None:
        """How long the most recent request for bars took, failed or not (None before
        the first). One float, replaced whole: safe to read from another thread."""
        return self._latency_ms

    @property
    def bar_interval_s(self) -> float | None:
        """The bars' length in seconds (None for a timeframe without a fixed length)."""
        try:
            return float(self._timeframe.seconds)
        except DomainError:
            return None

    @property
    def symbols(self) -> Sequence[int]:
        return self._columns

    def sleep_with(self, sleep: Callable[[float], None]) -> None:
        """Wait for forming bars with `sleep` (a session's, which wakes for operator
        commands) instead of `time.sleep`."""
        self._sleep = sleep

    def poll(self, row: int) -> FeedRow:
        """The venue's bars of row `row`; waits for bars still forming.

        Raises:
            StaleFeedError: an expected bar did not arrive within `max_wait_s`.
            VenueError: the venue failed (down, refused, rate limited).
        """
        wanted = self._expected[row]
        deadline = self._clock() + self._timing.max_wait_s
        for i, open_ns in enumerate(wanted):
            if open_ns:
                self._await_bar(i, int(open_ns), deadline)
        return self._row(wanted)

    def _await_bar(self, i: int, open_ns: int, deadline: float) -> None:
        """Fetch until the bar opened at `open_ns` is in, or the venue has moved past it
        (a gap: the row gets no bar), or the deadline passes."""
        while open_ns not in self._bars[i] and self._newest_open[i] < open_ns:
            self._fetch(i, open_ns)
            if open_ns in self._bars[i] or self._newest_open[i] >= open_ns:
                return
            if self._clock() >= deadline:
                raise StaleFeedError(
                    f"{self._data.venue} delivered no closed {self._timeframe} bar of "
                    f"{self._instruments[i]} opened {instant_from_ns(open_ns).isoformat()} "
                    f"within {self._timing.max_wait_s:g} s: the feed is stale"
                )
            self._sleep(self._timing.poll_interval_s)

    def _fetch(self, i: int, waited_ns: int) -> None:
        # the first fetch starts at the bar waited for (its close is after its open)
        since = self._last_close[i] or instant_from_ns(waited_ns)
        started = time.perf_counter()
        try:
            frame = self._data.closed_bars(self._instruments[i], self._timeframe, since)
        finally:
            self._latency_ms = (time.perf_counter() - started) * 1000.0
        if frame.empty:
            return
        opens = pd.DatetimeIndex(frame["timestamp"]).as_unit("ns").asi8
        names = ("open", "high", "low", "close", "volume")
        columns = [frame[c].to_numpy(dtype=float) for c in names]
        for k, open_ns in enumerate(opens):
            self._bars[i][int(open_ns)] = _Bar(*(float(col[k]) for col in columns))
        self.backfilled += int((opens > waited_ns).sum())
        for old in [k for k in self._bars[i] if k < waited_ns]:  # rows only move forward
            del self._bars[i][old]
        self._newest_open[i] = max(int(self._newest_open[i]), int(opens.max()))
        self._last_close[i] = pd.Timestamp(frame["close_time"].iloc[-1]).to_pydatetime()

    def _row(self, wanted: np.ndarray) -> FeedRow:
        n = len(self._columns)
        prices = np.full((5, n), np.nan)
        fresh = np.zeros(n, dtype=bool)
        for i, open_ns in enumerate(wanted):
            bar = self._bars[i].pop(int(open_ns), None) if open_ns else None
            if bar is not None:
                fresh[i] = True
                prices[:, i] = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        return FeedRow(fresh, prices[0], prices[1], prices[2], prices[3], prices[4],
                       np.where(fresh, wanted, 0).astype(np.int64))  # fmt: skip


def _expected_bar_times(
    recording: MarketPanel,
    columns: Sequence[int],
    timeframe: Timeframe,
    calendar: TradingCalendar | None = None,
) -> np.ndarray:
    """(rows, len(columns)) int64: the open instant (ns) of the bar each row expects for
    each column, 0 where the row expects no new bar.

    Up to a symbol's last recorded bar, the recording says (so a replayed venue gives
    the recording's rows); after it, the latest bar of the timeframe's grid that has
    closed by the row's decision instant, when it is newer than the previous row's and
    opens in one of the `calendar`'s sessions: a session runs on past the history in the
    catalog on the venue's live bars.
    """
    expected = np.zeros((recording.shape[0], len(columns)), dtype=np.int64)
    step_ns = timeframe.seconds * 1_000_000_000
    grid = (recording.timestamps // step_ns) * step_ns - step_ns  # closed by each row
    if calendar is not None and len(grid):
        grid = np.where(_in_sessions(grid, calendar, timeframe), grid, 0)
    for i, n in enumerate(columns):
        name = recording.symbols[n]
        rows, times = recording.bar_rows[name], recording.bar_times[name]
        expected[rows, i] = times
        first = int(rows[-1]) if len(rows) else 0
        last = int(times[-2]) if len(times) > 1 else -1
        for t in range(first, recording.shape[0]):
            newest = max(int(expected[t, i]), int(grid[t]))
            expected[t, i] = newest if newest > last else 0
            last = max(last, newest)
    return expected


def _in_sessions(opens_ns: np.ndarray, calendar: TradingCalendar, timeframe: Timeframe) -> Any:
    """Whether each bar open is one the calendar's sessions hold."""
    start, end = (pd.Timestamp(int(t), tz="UTC") for t in (opens_ns.min(), opens_ns.max()))
    held = pd.DatetimeIndex(calendar.expected_bar_times(start, end, timeframe))
    return np.isin(opens_ns, held.as_unit("ns").asi8)
