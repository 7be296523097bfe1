"""The runs page: every run with its counts and headline figures, and a comparison."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, type_coerce
from sqlalchemy.types import NullType

from tradewind.app.monitor.views import MonitorError, RunComparison, RunSummary
from tradewind.store import Journal
from tradewind.store.models import EquityRow, FillRow, OrderRow, RunRow

__all__ = ["compare_runs", "list_runs"]

_REPORT_KEYS = ("report", "report_path", "report_html")


def list_runs(journal: Journal, *, limit: int = 200) -> tuple[RunSummary, ...]:
    """The newest `limit` runs, newest first. Final equity is the last equity point (or
    the summary's `final_equity`), the return is against the summary's `initial_cash`
    (or the first equity point), the drawdown the deepest of the equity curve (or the
    summary's `max_drawdown`).

    Raises:
        MonitorError: `limit` below 1.
    """
    if limit < 1:
        raise MonitorError(f"invalid limit {limit}: expected a count of at least 1")
    query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.run_id.desc()).limit(limit)
    return _summaries(journal, query)


def compare_runs(journal: Journal, run_ids: Sequence[str]) -> RunComparison:
    """`run_ids` side by side, in the order given.

    Raises:
        MonitorError: an unknown run id (named), or no run id.
    """
    if not run_ids:
        raise MonitorError("no run to compare: expected at least one run id")
    found = {
        s.run_id: s for s in _summaries(journal, select(RunRow).where(RunRow.run_id.in_(run_ids)))
    }
    missing = [run_id for run_id in run_ids if run_id not in found]
    if missing:
        raise MonitorError(f"unknown run {missing[0]!r} in journal {journal.label}")
    runs = tuple(found[run_id] for run_id in run_ids)
    rows = tuple((name, tuple(_cell(getattr(s, field)) for s in runs)) for name, field in _METRICS)
    return RunComparison(runs=runs, rows=rows)


_METRICS = (
    ("mode", "mode"),
    ("status", "status"),
    ("started (UTC)", "created_at"),
    ("finished (UTC)", "finished_at"),
    ("markets", "markets"),
    ("orders", "orders"),
    ("fills", "fills"),
    ("final equity", "final_equity_usd"),
    ("return %", "return_pct"),
    ("max drawdown %", "max_drawdown_pct"),
)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, tuple):
        return ", ".join(value) or "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _summaries(journal: Journal, query: Any) -> tuple[RunSummary, ...]:
    with journal.engine.connect() as connection:
        runs = list(connection.execute(query))
        ids = [run.run_id for run in runs]
        orders = _counts(connection, OrderRow, ids)
        fills = _counts(connection, FillRow, ids)
        curves = _curves(connection, ids)
    return tuple(_summary(run, orders, fills, curves.get(run.run_id)) for run in runs)


def _counts(connection: Connection, model: Any, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    query = select(model.run_id, func.count()).where(model.run_id.in_(ids)).group_by(model.run_id)
    return {run_id: int(count) for run_id, count in connection.execute(query)}


def _curves(connection: Connection, ids: list[str]) -> dict[str, tuple[float, float, float]]:
    """run -> (first equity, last equity, deepest drawdown fraction)."""
    if not ids:
        return {}
    ends = (
        select(
            EquityRow.run_id,
            func.min(EquityRow.point_id).label("first"),
            func.max(EquityRow.point_id).label("last"),
            func.max(func.abs(EquityRow.drawdown)).label("deepest"),
        )
        .where(EquityRow.run_id.in_(ids))
        .group_by(EquityRow.run_id)
    )
    found = {
        run_id: (first, last, deepest) for run_id, first, last, deepest in connection.execute(ends)
    }
    points = [pid for first, last, _ in found.values() for pid in (first, last)]
    values: dict[int, float] = {}
    if points:
        equity_value: Any = type_coerce(EquityRow.equity, NullType())
        query = select(EquityRow.point_id, equity_value).where(EquityRow.point_id.in_(points))
        values = {pid: float(equity) for pid, equity in connection.execute(query)}
    return {
        run_id: (values[first], values[last], float(deepest or 0.0))
        for run_id, (first, last, deepest) in found.items()
    }


def _summary(
    run: Any,
    orders: dict[str, int],
    fills: dict[str, int],
    curve: tuple[float, float, float] | None,
) -> RunSummary:
    summary: dict[str, Any] = json.loads(run.summary_json) if run.summary_json else {}
    final = curve[1] if curve else _float(summary.get("final_equity"))
    start = _float(summary.get("initial_cash")) or (curve[0] if curve else None)
    deepest = curve[2] if curve else _float(summary.get("max_drawdown"))
    return RunSummary(
        run_id=run.run_id,
        mode=run.mode,
        status=run.status,
        created_at=run.created_at,
        finished_at=run.finished_at,
        markets=_markets(run.config_json),
        orders=orders.get(run.run_id, 0),
        fills=fills.get(run.run_id, 0),
        final_equity_usd=final,
        return_pct=None if final is None or not start else (final / start - 1.0) * 100.0,
        max_drawdown_pct=None if deepest is None else abs(deepest) * 100.0,
        report=next(
            (summary[key] for key in _REPORT_KEYS if isinstance(summary.get(key), str)), None
        ),
    )


def _float(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _markets(config_json: str) -> tuple[str, ...]:
    try:
        document = json.loads(config_json)
    except json.JSONDecodeError:
        return ()
    markets = document.get("markets") if isinstance(document, dict) else None
    return tuple(str(name) for name in markets) if isinstance(markets, dict) else ()
