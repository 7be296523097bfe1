"""What capital decided during a run: sizing decisions, allocations, events, status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

__all__ = ["DECISION_COLUMNS", "REGIME_COLUMNS", "CapitalRecord", "events_between"]

DECISION_COLUMNS = (
    "row", "book", "ts", "market", "symbol", "strategies", "method", "available_balance",
    "capital", "base_position", "vol_leverage", "regime", "regime_multiplier", "sharpe",
    "sharpe_factor", "protection_level", "protection_multiplier", "final_position",
    "binding", "factors",
)  # fmt: skip
_ALLOCATION_COLUMNS = ("row", "ts", "market", "strategy", "share", "amount", "bound",
                       "explanation")  # fmt: skip
_EVENT_COLUMNS = ("ts", "kind", "detail", "data")
REGIME_COLUMNS = ("row", "ts", "regime", "macro_regime", "as_of", "crisis", "exposure_factor",
                  "stop_factor", "soft_stop")  # fmt: skip


@dataclass(frozen=True, slots=True)
class CapitalRecord:
    """Every sizing decision (one row per sized entry, with all its factors and the one
    that bound it), every allocation the router set, capital events (rebalances,
    milestones, halts, protection changes, parameter changes and rollbacks) and the
    scaling engine's final status and one-line summary; with regime actions, each row
    where the regime or its action changed (`REGIME_COLUMNS`: the regime in force, the
    macro forecast's `as_of`, the crisis test and the action's factors)."""

    decisions: pd.DataFrame
    allocations: pd.DataFrame
    events: pd.DataFrame
    status: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""
    regimes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(REGIME_COLUMNS))
    )

    @classmethod
    def from_lists(
        cls,
        decisions: Sequence[Mapping[str, Any]],
        allocations: Sequence[Mapping[str, Any]],
        events: Sequence[Mapping[str, Any]],
        status: Mapping[str, Any],
        summary: str,
        regimes: Sequence[Mapping[str, Any]] = (),
    ) -> CapitalRecord:
        rows = [_flatten(d) for d in decisions]
        return cls(
            decisions=pd.DataFrame(rows, columns=list(DECISION_COLUMNS)),
            allocations=pd.DataFrame(list(allocations), columns=list(_ALLOCATION_COLUMNS)),
            events=pd.DataFrame(list(events), columns=list(_EVENT_COLUMNS)),
            status=dict(status),
            summary=summary,
            regimes=pd.DataFrame(list(regimes), columns=list(REGIME_COLUMNS)),
        )


def _flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    decision = row["decision"]
    return {
        "row": row["row"],
        "book": row["book"],
        "ts": row["ts"],
        "market": row["market"],
        "symbol": row["symbol"],
        "strategies": row["strategies"],
        "method": str(decision.method),
        "available_balance": decision.available_balance,
        "capital": decision.capital,
        "base_position": decision.base_position,
        "vol_leverage": decision.vol_leverage,
        "regime": None if decision.regime is None else str(decision.regime),
        "regime_multiplier": decision.regime_multiplier,
        "sharpe": decision.sharpe,
        "sharpe_factor": decision.sharpe_factor,
        "protection_level": str(decision.protection_level),
        "protection_multiplier": decision.protection_multiplier,
        "final_position": decision.final_position,
        "binding": decision.binding,
        "factors": dict(decision.factors()),
    }


def events_between(
    before: Mapping[str, Any], after: Mapping[str, Any], when: datetime
) -> list[dict[str, Any]]:
    """Capital events implied by two consecutive scaling-engine statuses."""
    events: list[dict[str, Any]] = []
    if after.get("halted") and not before.get("halted"):
        events.append(_event(when, "halt", f"trading halted at drawdown "
                             f"{float(after.get('drawdown_pct', 0.0)):.1f}%", after))  # fmt: skip
    elif before.get("halted") and not after.get("halted"):
        events.append(_event(when, "halt_reset", "halt reset", after))
    level_before, level_after = before.get("protection_level"), after.get("protection_level")
    if level_before != level_after and not (after.get("halted") and not before.get("halted")):
        events.append(
            _event(when, "protection_level", f"protection {level_before} -> {level_after}", after)
        )
    reached_before = list(before.get("milestones_reached", []) or [])
    for milestone in list(after.get("milestones_reached", []) or [])[len(reached_before) :]:
        label = milestone.get("label", milestone) if isinstance(milestone, Mapping) else milestone
        events.append(_event(when, "milestone", f"milestone {label} reached",
                             {"milestone": label}))  # fmt: skip
    changes_before = list(before.get("parameter_changes", []) or [])
    changes_after = list(after.get("parameter_changes", []) or [])
    for change in changes_after[len(changes_before) :]:
        data = dict(change) if isinstance(change, Mapping) else {"change": str(change)}
        kind = "rollback" if data.get("status") == "rollback" else "parameter_change"
        detail = (
            f"{data.get('parameter')}: {data.get('old')} -> {data.get('new')} "
            f"({data.get('reason', '')})"
        )
        events.append(_event(when, kind, detail, data))
    return events


def _event(when: datetime, kind: str, detail: str, data: Mapping[str, Any]) -> dict[str, Any]:
    keep = {k: v for k, v in data.items() if k in _EVENT_FIELDS} if kind != "milestone" else data
    return {"ts": when, "kind": kind, "detail": detail, "data": dict(keep)}


_EVENT_FIELDS = frozenset(
    {"current_capital", "drawdown_pct", "protection_level", "halted", "parameter", "old",
     "new", "reason", "status", "trades_used", "timestamp"}
)  # fmt: skip
