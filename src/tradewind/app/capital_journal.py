"""Capital decisions into the journal: every sizing decision (linked to the order it
sized), the router's allocations, capital events and the scaling engine's status."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tradewind.engine.capital import CapitalDriver, CapitalRecord
from tradewind.engine.state import KernelState
from tradewind.store import Journal
from tradewind.store.records import client_order_id

__all__ = ["CapitalJournalCursor", "CapitalRows", "journal_capital"]

_MARKET_ORDER = 0


def journal_capital(
    journal: Journal,
    run_id: str,
    record: CapitalRecord,
    orders: pd.DataFrame,
    coids: list[str],
    ts_end: int,
) -> None:
    """Write a finished run's capital record (backtests: in bulk after the loop)."""
    market = (orders["kind"] == "market").to_numpy()
    order_ids = {
        (int(row), int(book)): coid
        for row, book, coid, is_market in zip(
            orders["row"], orders["book"], coids, market, strict=True
        )
        if is_market
    }
    journal.record_sizing_decisions(run_id, _sizing_rows(record.decisions, order_ids))
    journal.record_allocations(run_id, _allocation_rows(record.allocations))
    journal.record_capital_events(run_id, _event_rows(record.events))
    journal.save_capital_status(run_id, ts_end, record.summary, record.status)


@dataclass(frozen=True, slots=True)
class CapitalRows:
    """Capital records for one journal step (the fields of a `store.RowBatch`)."""

    sizing_decisions: list[dict[str, Any]]
    allocations: list[dict[str, Any]]
    capital_events: list[dict[str, Any]]


@dataclass(slots=True)
class CapitalJournalCursor:
    """How much of a paper session's capital record has been handed to the journal."""

    decisions: int = 0
    allocations: int = 0
    events: int = 0

    def take(self, run_id: str, driver: CapitalDriver, state: KernelState) -> CapitalRows:
        """What the driver decided since the last call (after the row ran, so each
        sizing decision links to the order it produced)."""
        sizing: list[dict[str, Any]] = []
        new = driver.decisions[self.decisions :]
        if new:
            order_ids = {
                (int(state.o_row[i]), int(state.o_book[i])): client_order_id(run_id, i)
                for i in range(state.n_orders)
                if state.o_kind[i] == _MARKET_ORDER
            }
            frame = CapitalRecord.from_lists(new, [], [], {}, "").decisions
            sizing = _sizing_rows(frame, order_ids)
            self.decisions += len(new)
        allocations = driver.allocations[self.allocations :]
        self.allocations += len(allocations)
        events = driver.events[self.events :]
        self.events += len(events)
        return CapitalRows(
            sizing,
            _allocation_rows(pd.DataFrame(allocations)) if allocations else [],
            _event_rows(pd.DataFrame(events)) if events else [],
        )


def _sizing_rows(
    decisions: pd.DataFrame, order_ids: Mapping[tuple[int, int], str]
) -> list[dict[str, Any]]:
    rows = []
    for d in decisions.to_dict("records"):
        rows.append(
            {
                "ts": d["ts"],
                "market": d["market"],
                "symbol": d["symbol"],
                "strategies": d["strategies"],
                "method": d["method"],
                "available_balance": d["available_balance"],
                "capital": d["capital"],
                "base_position": d["base_position"],
                "vol_leverage": d["vol_leverage"],
                "regime": d["regime"],
                "regime_multiplier": d["regime_multiplier"],
                "sharpe": _optional(d["sharpe"]),
                "sharpe_factor": d["sharpe_factor"],
                "protection_level": d["protection_level"],
                "protection_multiplier": d["protection_multiplier"],
                "final_position": d["final_position"],
                "binding": d["binding"],
                "client_order_id": order_ids.get((int(d["row"]), int(d["book"]))),
                "factors": d["factors"],
            }
        )
    return rows


def _allocation_rows(allocations: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "ts": a["ts"],
            "market": a["market"],
            "strategy": a["strategy"],
            "share": float(a["share"]),
            "amount": float(a["amount"]),
            "bound": a["bound"],
            "explanation": a["explanation"],
        }
        for a in allocations.to_dict("records")
    ]


def _event_rows(events: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"ts": e["ts"], "kind": e["kind"], "detail": e["detail"], "data": e["data"]}
        for e in events.to_dict("records")
    ]


def _optional(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or not np.isfinite(number) else number
