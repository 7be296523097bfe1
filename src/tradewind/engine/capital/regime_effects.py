"""Regime actions applied to a run: budgets times the exposure factor, tighter stops.

Budgets: from a row on, every enabled market's budget is its share (the router's, or
its fixed allocation) times the exposure factor in force; a market without a budget
(NaN) gets the factor itself (a budget of `factor x equity`). Stops: the per-book
protective stop distance (`execution.stop_loss_pct`) is multiplied by the stop factor
for entries filled while it is in force, and a strategy's own stop level on an entry
row moves toward that row's close by the same factor. Everything is written at the
row where it applies, before the loop processes it, so a run driven row by row writes
the same values as one driven in spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from tradewind.engine.books import BookSet
from tradewind.engine.capital.regimes import RegimeTimeline
from tradewind.engine.panel import MarketPanel

__all__ = ["RegimeEffects", "write_budgets"]


def write_budgets(
    allocation: np.ndarray, rows: slice, shares: np.ndarray, factor: float, enabled: np.ndarray
) -> None:
    """Budgets of the enabled markets on `rows`: `shares x factor` (NaN share: `factor`
    when it is below 1, else no budget)."""
    budgets = shares * factor
    if factor < 1.0:
        budgets = np.where(np.isnan(shares), factor, budgets)
    allocation[rows, enabled] = budgets[enabled]


@dataclass(slots=True)
class RegimeEffects:
    """The regime actions on one run: which rows they act on, and what they write."""

    timeline: RegimeTimeline
    base_stop_pct: np.ndarray
    """Each book's configured stop distance (fraction, NaN = none) before any factor."""
    changes: np.ndarray
    """T: True on rows where the regime or its action changes."""
    _tightened: int = -1

    @classmethod
    def of(cls, timeline: RegimeTimeline, books: BookSet) -> RegimeEffects:
        changes = np.zeros(len(timeline.macro), dtype=bool)
        changes[timeline.change_rows(0, len(changes))] = True
        return cls(timeline, books.stop_pct.copy(), changes)

    def rows(self, entries: np.ndarray, t0: int, stop: int) -> np.ndarray:
        """Rows of `[t0, stop)` the effects need a `prepare` on: regime changes, and
        entry rows (`entries`, a mask over the same rows) while stops are tightened."""
        tighter = self.timeline.stop_factor[t0:stop] < 1.0
        rows: np.ndarray = self.changes[t0:stop] | (entries & tighter)
        return rows

    def stops(self, t: int, books: BookSet, panel: MarketPanel) -> None:
        """Set the stop distances in force at row `t` and tighten the strategies' own
        stop levels of the entries signalled on row `t` (once per row)."""
        factor = float(self.timeline.stop_factor[t])
        books.stop_pct[:] = self.base_stop_pct * factor
        if factor >= 1.0 or t <= self._tightened:
            return
        self._tightened = t
        for k in np.flatnonzero(books.edge[:, t] & (books.target[:, t] != 0)):
            level = float(books.stop[k, t])
            reference = float(panel.close[t, int(books.symbol[k])])
            if np.isfinite(level) and np.isfinite(reference):
                books.stop[k, t] = reference + (level - reference) * factor

    def apply(
        self,
        t: int,
        when: datetime,
        books: BookSet,
        panel: MarketPanel,
        budgets: tuple[np.ndarray, slice, np.ndarray, np.ndarray],
    ) -> dict[str, Any] | None:
        """Apply the action in force at row `t`: stops always; on a change row also the
        budgets (`(allocation, rows, base shares, enabled)`), returning the change's
        record (None on other rows)."""
        self.stops(t, books, panel)
        if not self.changes[t]:
            return None
        allocation, rows, shares, enabled = budgets
        write_budgets(allocation, rows, shares, float(self.timeline.exposure_factor[t]), enabled)
        reading = self.timeline.reading(t)
        return {
            "row": t,
            "ts": when,
            "regime": reading.regime,
            "macro_regime": None if reading.macro is None else reading.macro.value,
            "as_of": reading.as_of,
            "crisis": reading.crisis,
            "exposure_factor": reading.action.exposure_factor,
            "stop_factor": reading.action.stop_factor,
            "soft_stop": reading.action.soft_stop,
        }
