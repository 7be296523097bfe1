"""The monitor's queries: narrow selects over the journal's tables, faster than the
record reads for a dashboard that asks several times a second (amounts come back as
floats, not `Decimal` records; nothing is cached).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, type_coerce
from sqlalchemy.types import NullType

from tradewind.app.monitor.positions import FillTuple
from tradewind.store.models import AllocationRow, EquityRow, FillRow, RiskStateRow, SignalRow

__all__ = [
    "EquityRow3",
    "LastEquity",
    "LastRiskState",
    "equity_points",
    "fill_tuples",
    "last_equity",
    "last_risk_state",
    "newest_allocations",
    "newest_signals",
]

EquityRow3 = tuple[datetime, float, float]
"""(ts, equity, drawdown fraction)."""


def _raw(column: Any) -> Any:
    # The stored value as the driver gives it (text on SQLite, Decimal on PostgreSQL):
    # float() of either is far cheaper than the Amount type's exact Decimal.
    return type_coerce(column, NullType())


@dataclass(frozen=True, slots=True)
class LastRiskState:
    """The run's latest risk state (row marker) and its bar-clock instant."""

    ts: datetime
    state: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LastEquity:
    """The run's latest equity point (amounts in base currency, drawdown a fraction)."""

    ts: datetime
    equity: float
    gross_exposure: float
    net_exposure: float
    leverage: float
    drawdown: float


def fill_tuples(connection: Connection, run_id: str) -> list[FillTuple]:
    """The run's fills in journal order as (ts, market, symbol, side, qty, price,
    commission)."""
    query = (
        select(
            FillRow.ts,
            FillRow.market,
            FillRow.symbol,
            FillRow.side,
            _raw(FillRow.qty),
            _raw(FillRow.price),
            _raw(FillRow.commission),
        )
        .where(FillRow.run_id == run_id)
        .order_by(FillRow.fill_id)
    )
    return [
        (ts, market, symbol, side, float(qty), float(price), float(commission))
        for ts, market, symbol, side, qty, price, commission in connection.execute(query)
    ]


def newest_signals(
    connection: Connection, run_id: str, markets: Sequence[str], limit: int
) -> dict[str, list[Any]]:
    """Each market's newest `limit` signal rows (newest first): one indexed scan per
    market, backwards over the run's sequence numbers."""
    found: dict[str, list[Any]] = {}
    for market in markets:
        query = (
            select(
                SignalRow.ts,
                SignalRow.market,
                SignalRow.symbol,
                SignalRow.strategy,
                SignalRow.direction,
                SignalRow.confidence,
                SignalRow.strength,
                SignalRow.decision,
            )
            .where(SignalRow.run_id == run_id, SignalRow.market == market)
            .order_by(SignalRow.seq.desc())
            .limit(limit)
        )
        found[market] = list(connection.execute(query))
    return found


def last_risk_state(connection: Connection, run_id: str) -> LastRiskState | None:
    """The run's latest risk state, or None."""
    query = (
        select(RiskStateRow.ts, RiskStateRow.state_json)
        .where(RiskStateRow.run_id == run_id)
        .order_by(RiskStateRow.state_id.desc())
        .limit(1)
    )
    row = connection.execute(query).one_or_none()
    return None if row is None else LastRiskState(ts=row[0], state=json.loads(row[1]))


def last_equity(connection: Connection, run_id: str) -> LastEquity | None:
    """The run's latest equity point, or None."""
    query = (
        select(
            EquityRow.ts,
            _raw(EquityRow.equity),
            _raw(EquityRow.gross_exposure),
            _raw(EquityRow.net_exposure),
            EquityRow.leverage,
            EquityRow.drawdown,
        )
        .where(EquityRow.run_id == run_id)
        .order_by(EquityRow.point_id.desc())
        .limit(1)
    )
    row = connection.execute(query).one_or_none()
    if row is None:
        return None
    ts, equity, gross, net, leverage, drawdown = row
    return LastEquity(ts, float(equity), float(gross), float(net), leverage, drawdown)


def equity_points(connection: Connection, run_id: str) -> list[EquityRow3]:
    """The run's whole equity curve in journal order."""
    query = (
        select(EquityRow.ts, _raw(EquityRow.equity), EquityRow.drawdown)
        .where(EquityRow.run_id == run_id)
        .order_by(EquityRow.point_id)
    )
    return [(ts, float(equity), float(dd)) for ts, equity, dd in connection.execute(query)]


def newest_allocations(connection: Connection, run_id: str) -> list[Any]:
    """Each market's rows of its latest allocation decision (latest `ts`), in decision
    order: (market, strategy, share, amount, bound, explanation JSON text)."""
    latest = (
        select(AllocationRow.market, func.max(AllocationRow.ts).label("ts"))
        .where(AllocationRow.run_id == run_id)
        .group_by(AllocationRow.market)
        .subquery()
    )
    query = (
        select(
            AllocationRow.market,
            AllocationRow.strategy,
            AllocationRow.share,
            AllocationRow.amount,
            AllocationRow.bound,
            AllocationRow.explanation,
        )
        .join(latest, (latest.c.market == AllocationRow.market) & (latest.c.ts == AllocationRow.ts))
        .where(AllocationRow.run_id == run_id)
        .order_by(AllocationRow.seq)
    )
    return list(connection.execute(query))
