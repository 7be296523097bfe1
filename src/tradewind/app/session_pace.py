"""Pacing a session's rows to a clock: row `t` is decided no earlier than its decision
instant, counted from the first new row at `speed` market seconds per wall second.

A session over live feeds is paced by the feeds themselves (they wait for each bar to
close) and never decides a row before its instant has passed on the wall clock
(`WallClockPace`, the default when a market has a live feed). `RowPace` keeps replayed
markets in step with a venue replaying history at a speed (an emulator), so that while
the venue is down the others trade on at the market's pace instead of racing to the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

__all__ = ["Pace", "RowPace", "WallClockPace"]


class Pace(Protocol):
    """Decides when a session may decide a row."""

    def wait_for(self, row: int, timestamps: np.ndarray) -> None: ...


@dataclass(slots=True)
class RowPace:
    """Waits before each row until its instant has come at `speed` (> 0)."""

    speed: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _anchor: tuple[float, int] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not self.speed > 0:
            raise ValueError(f"invalid pace speed {self.speed!r}: expected a number above 0")

    def wait_for(self, row: int, timestamps: np.ndarray) -> None:
        """Sleep until row `row` (instants in int64 ns) is due; the first call anchors."""
        instant_ns = int(timestamps[row])
        if self._anchor is None:
            self._anchor = (self.clock(), instant_ns)
            return
        wall0, instant0 = self._anchor
        due = wall0 + (instant_ns - instant0) / 1e9 / self.speed
        remaining = due - self.clock()
        if remaining > 0:
            self.sleep(remaining)


@dataclass(slots=True)
class WallClockPace:
    """Waits before each row until its decision instant has passed on the wall clock
    (a session over a real venue's live bars: a row in the future is not decided early)."""

    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    def wait_for(self, row: int, timestamps: np.ndarray) -> None:
        """Sleep until row `row`'s instant (int64 ns) is now or past."""
        remaining = int(timestamps[row]) / 1e9 - self.clock()
        if remaining > 0:
            self.sleep(remaining)
