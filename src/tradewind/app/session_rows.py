"""A session's journal writes, gathered per step and made durable in one transaction.

A session row has two journal steps (`2t`: the bar's open, `2t + 1`: its close; see
`app.session`). The session and its venue bridge add records as they happen; `flush`
writes what has gathered as one `store.RowBatch` with the step as its marker, so a
step is journaled whole or not at all, and writing it again after a crash changes
nothing (`Journal.write_row`). Orders are flushed before they are sent. While a
resumed run replays steps that are already journaled, the writer is disabled and
drops what it is given.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from tradewind.app.capital_journal import CapitalRows
from tradewind.store import Journal
from tradewind.store.errors import DuplicateOrderError
from tradewind.store.row_batch import CapitalStatus, RowBatch, StatusUpdate

__all__ = ["RowWriter"]


@dataclass(slots=True)
class RowWriter:
    """Gathers one run's journal records and writes them on `flush`."""

    journal: Journal
    run_id: str
    enabled: bool = True
    _records: dict[str, list[Any]] = field(default_factory=dict)
    _capital_status: CapitalStatus | None = None

    def order(self, record: dict[str, Any]) -> None:
        self._add("orders", record)

    def status(
        self, coid: str, status: str, ts: int, detail: str = "", venue_order_id: str | None = None
    ) -> None:
        update = StatusUpdate(client_order_id=coid, status=status, ts=ts, detail=detail,
                              venue_order_id=venue_order_id)  # fmt: skip
        self._add("status_updates", update)

    def fill(self, record: dict[str, Any]) -> None:
        self._add("fills", record)

    def decisions(self, records: list[dict[str, Any]]) -> None:
        self._records.setdefault("risk_decisions", []).extend(records)

    def signals(self, records: list[dict[str, Any]]) -> None:
        self._records.setdefault("signals", []).extend(records)

    def equity(self, record: dict[str, Any]) -> None:
        self._add("equity", record)

    def capital(self, rows: CapitalRows, status: CapitalStatus | None = None) -> None:
        """Sizing decisions, allocations and capital events (and the latest status)."""
        self._records.setdefault("sizing_decisions", []).extend(rows.sizing_decisions)
        self._records.setdefault("allocations", []).extend(rows.allocations)
        self._records.setdefault("capital_events", []).extend(rows.capital_events)
        if status is not None:
            self._capital_status = status

    def flush(self, step: int, ts: int, risk_state: dict[str, Any]) -> None:
        """Write everything gathered as journal step `step` (nothing while disabled)."""
        if self.enabled:
            batch = RowBatch(
                row=step,
                ts=ts,
                risk_state=risk_state,
                capital_status=self._capital_status,
                **{name: tuple(items) for name, items in self._records.items()},
            )
            self.journal.write_row(self.run_id, batch)
        self._records = {}
        self._capital_status = None

    def write_through(self) -> None:
        """Write the orders, fills and status updates gathered so far now, each with
        its own per-record writer (an operator command's work between two steps); they
        stay gathered, and the step's batch skips them as already written."""
        if not self.enabled:
            return
        for record in self._records.get("orders", ()):
            with contextlib.suppress(DuplicateOrderError):
                self.journal.record_order(self.run_id, record)
        for fill in self._records.get("fills", ()):
            self.journal.apply_fill(self.run_id, fill)
        for update in self._records.get("status_updates", ()):
            self.journal.update_order_status(
                update.client_order_id, update.status, update.ts,
                detail=update.detail, venue_order_id=update.venue_order_id,
            )  # fmt: skip
        self._records.pop("status_updates", None)

    def _add(self, name: str, record: Any) -> None:
        self._records.setdefault(name, []).append(record)
