"""Row feeds: where a stepping (paper or advisory) run gets each market's next bars.

A feed answers, for one market's symbols, which of them have a new bar at row `t` and
its prices. `ReplayFeed` replays recorded bars; a live feed (a later venue adapter)
implements the same two methods. A feed that raises, or stops delivering, affects only
its own market: the session pauses that market and the others carry on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tradewind.engine.panel import MarketPanel

__all__ = ["FeedRow", "ReplayFeed", "RowFeed"]


@dataclass(frozen=True, slots=True)
class FeedRow:
    """New bars of a feed's symbols at one row (prices NaN where `fresh` is False).

    `volume` (NaN where the source has none) and `bar_time` (int64 ns, each bar's open
    instant as in `BarWindow.timestamp`) feed the streaming strategies; a feed that
    leaves them None delivers no volume and bars stamped with the row's instant.
    """

    fresh: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray | None = None
    bar_time: np.ndarray | None = None


class RowFeed(Protocol):
    """Bars of one market's symbols, one timeline row at a time."""

    @property
    def symbols(self) -> Sequence[int]:
        """Panel column of each symbol the feed delivers."""
        ...

    def poll(self, row: int) -> FeedRow:
        """The bars that closed by row `row`'s decision instant.

        Raises:
            Exception: any failure of the source; the session isolates the market.
        """
        ...


class ReplayFeed:
    """Replays a recorded panel's bars for some of its symbols."""

    def __init__(self, recording: MarketPanel, symbols: Sequence[int]) -> None:
        self._recording = recording
        self._symbols = tuple(int(n) for n in symbols)
        n_rows = recording.shape[0]
        self._bar_time = np.zeros((n_rows, len(self._symbols)), dtype=np.int64)
        for i, n in enumerate(self._symbols):
            name = recording.symbols[n]
            self._bar_time[recording.bar_rows[name], i] = recording.bar_times[name]
        self._volume = (
            recording.volume[:, list(self._symbols)]
            if recording.volume is not None
            else np.full((n_rows, len(self._symbols)), np.nan)
        )

    @property
    def symbols(self) -> Sequence[int]:
        return self._symbols

    def poll(self, row: int) -> FeedRow:
        r, cols = self._recording, list(self._symbols)
        return FeedRow(
            fresh=r.fresh[row, cols],
            open=r.open[row, cols],
            high=r.high[row, cols],
            low=r.low[row, cols],
            close=r.close[row, cols],
            volume=self._volume[row],
            bar_time=self._bar_time[row],
        )
