"""How far a paper or advisory session's row-by-row records reached in the journal.

A session journals each row in several writes (orders, risk decisions, fills, status
changes, signals, equity, then the row marker). A crash or a failed write (a full disk)
can stop it between two of them; the rerun replays the loop up to the last marker and
journals the interrupted row again. Orders and fills are refused as duplicates by
their ids; for the rest this cursor says what is already there, so that the rerun
writes exactly what is missing and the journal ends up as an uninterrupted run's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from tradewind.store import Journal

__all__ = ["SessionJournalCursor"]

# Journal order status -> the loop's status code (open, filled, canceled, denied).
_LOOP_STATUS = {"initialized": 0, "submitted": 0, "accepted": 0, "pending_cancel": 0,
                "partially_filled": 1, "filled": 1, "canceled": 2, "expired": 2,
                "rejected": 3}  # fmt: skip


@dataclass(slots=True)
class SessionJournalCursor:
    """The last row whose signals, risk decisions and equity are journaled, and the
    journaled status of each order (as loop status codes, by sequence number)."""

    signals_through: int = -1
    decisions_through: int = -1
    equity_through: int = -1
    statuses: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def read(cls, journal: Journal, run_id: str, timestamps: np.ndarray) -> SessionJournalCursor:
        """The cursor of `run_id` (all empty for a run that journaled nothing yet);
        `timestamps` are the session's row instants (int64 ns)."""
        orders = journal.orders(run_id)
        statuses = np.full(max((o.seq for o in orders), default=-1) + 1, -1, dtype=np.int64)
        for order in orders:
            statuses[order.seq] = _LOOP_STATUS[str(order.status)]
        return cls(
            signals_through=_row_of(journal.last_ts(run_id, "signals"), timestamps),
            decisions_through=_row_of(journal.last_ts(run_id, "risk_decisions"), timestamps),
            equity_through=_row_of(journal.last_ts(run_id, "equity"), timestamps),
            statuses=statuses,
        )


def _row_of(ts: datetime | None, timestamps: np.ndarray) -> int:
    if ts is None:
        return -1
    return int(np.searchsorted(timestamps, pd.Timestamp(ts).value, side="right")) - 1
