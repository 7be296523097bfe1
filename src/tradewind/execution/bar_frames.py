"""Venue bars as the normalized bar frame, and the rule for a stale live feed.

The venue adapters read bars in their own shapes; each turns them into rows of
(open, close, open price, high, low, close price, volume) with instants as integers
since the epoch, and `bar_frame` makes the frame every part exchanges: the columns
`BAR_COLUMNS`, `timestamp` and `close_time` as `datetime64[ns, UTC]`, prices and
volume as float64, ascending, one row per `timestamp` (the last row given wins).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.venue_errors import VenueError

__all__ = ["BAR_COLUMNS", "BarRow", "bar_frame", "check_fresh", "checked_stale_after_bars"]

BAR_COLUMNS = ("timestamp", "close_time", "open", "high", "low", "close", "volume")
"""The normalized bar frame's columns, in order."""
BarRow = tuple[int, int, float, float, float, float, float]
"""(open instant, close instant, open, high, low, close, volume); instants in one unit."""

_NS_PER = {"ms": 1_000_000, "ns": 1}


def bar_frame(rows: Iterable[BarRow], *, unit: Literal["ms", "ns"] = "ms") -> pd.DataFrame:
    """Rows as a normalized bar frame (see the module docstring).

    Args:
        rows: bar rows whose instants count `unit`s since the epoch (UTC).
        unit: `ms` or `ns`.
    """
    unique = {row[0]: row for row in rows}
    ordered = [unique[key] for key in sorted(unique)]
    frame = pd.DataFrame(ordered, columns=list(BAR_COLUMNS))
    for column in BAR_COLUMNS[:2]:
        ns = frame[column].astype("int64") * _NS_PER[unit]
        frame[column] = pd.to_datetime(ns, unit="ns", utc=True).astype("datetime64[ns, UTC]")
    for column in BAR_COLUMNS[2:]:
        frame[column] = frame[column].astype("float64")
    return frame.reset_index(drop=True)


def checked_stale_after_bars(stale_after_bars: int) -> int:
    """`stale_after_bars` when it is a positive integer count of bars.

    Raises:
        DomainError: not positive (or a bool).
    """
    if isinstance(stale_after_bars, bool) or stale_after_bars <= 0:
        raise DomainError(f"invalid stale_after_bars {stale_after_bars!r}: expected > 0")
    return stale_after_bars


def check_fresh(
    instrument_id: InstrumentId,
    venue: str,
    *,
    lag_ns: int,
    bar_ns: int,
    stale_after_bars: int,
) -> None:
    """Refuse a live feed whose newest closed bar lags the venue clock too far.

    Args:
        lag_ns: venue clock minus the newest bar's close, in ns.
        bar_ns: one bar's length in ns.
        stale_after_bars: how many bar lengths the lag may be.

    Raises:
        VenueError: retryable, when `lag_ns > stale_after_bars * bar_ns`.
    """
    if lag_ns > stale_after_bars * bar_ns:
        raise VenueError(
            f"stale feed for {instrument_id} at {venue}: the newest closed "
            f"bar closed {lag_ns / 1e9:.0f} s before the venue clock, more than "
            f"{stale_after_bars} bars",
            retryable=True,
        )
