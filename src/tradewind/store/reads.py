"""Read side of the journal: runs, records, open orders, restart state (and, through
`CapitalReader`, the capital tables)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.capital_reads import CapitalReader
from tradewind.store.errors import UnknownRunError
from tradewind.store.failures import journal_label
from tradewind.store.models import (
    CapitalStatusRow,
    EquityRow,
    FillRow,
    OrderEventRow,
    OrderRow,
    PositionRow,
    RiskDecisionRow,
    RiskStateRow,
    RunRow,
    SignalRow,
)
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    PositionRecord,
    RiskDecisionRecord,
    RunInfo,
    RunMode,
    RunStatus,
    SignalRecord,
    StoredOrder,
)
from tradewind.store.tables import read_conversions, record_names

__all__ = ["JournalReader"]

R = TypeVar("R")

_TERMINAL = tuple(status.value for status in OrderStatus if status.is_terminal)
_TIMED: dict[str, Any] = {
    "signals": SignalRow,
    "risk_decisions": RiskDecisionRow,
    "equity": EquityRow,
    "fills": FillRow,
}


class JournalReader(CapitalReader):
    """Queries over a migrated journal database (the base of `Journal`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._label = journal_label(engine)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tools and tests; prefer the journal's methods)."""
        return self._engine

    @property
    def label(self) -> str:
        """Where the journal is, for messages: its SQLite file, or its URL without the
        password."""
        return self._label

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self._engine.dialect.name

    # -- runs ----------------------------------------------------------------------------

    def run(self, run_id: str) -> RunInfo:
        """The stored run `run_id`.

        Raises:
            UnknownRunError: no such run.
        """
        with self._engine.connect() as connection:
            row = connection.execute(select(RunRow).where(RunRow.run_id == run_id)).one_or_none()
        if row is None:
            raise UnknownRunError(f"unknown run {run_id!r}")
        return _run_info(row)

    def runs(self, mode: RunMode | str | None = None) -> list[RunInfo]:
        """Every run (of `mode`, if given), oldest first."""
        query = select(RunRow).order_by(RunRow.created_at, RunRow.run_id)
        if mode is not None:
            query = query.where(RunRow.mode == str(mode).lower())
        with self._engine.connect() as connection:
            return [_run_info(row) for row in connection.execute(query)]

    def latest_run(self, mode: RunMode | str | None = None) -> RunInfo | None:
        """The most recently started run (of `mode`, if given), or None."""
        query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.run_id.desc()).limit(1)
        if mode is not None:
            query = query.where(RunRow.mode == str(mode).lower())
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        return None if row is None else _run_info(row)

    def latest_capital_run(self, mode: RunMode | str | None = None) -> RunInfo | None:
        """The most recently started run (of `mode`, if given) that has a saved capital
        status, or None."""
        query = (
            select(RunRow)
            .join(CapitalStatusRow, CapitalStatusRow.run_id == RunRow.run_id)
            .order_by(RunRow.created_at.desc(), RunRow.run_id.desc())
            .limit(1)
        )
        if mode is not None:
            query = query.where(RunRow.mode == str(mode).lower())
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        return None if row is None else _run_info(row)

    # -- records -------------------------------------------------------------------------

    def signals(self, run_id: str, *, advisory_only: bool = False) -> list[SignalRecord]:
        """The run's signals and aggregation decisions in emission order."""
        where = [SignalRow.run_id == run_id]
        if advisory_only:
            where.append(SignalRow.advisory.is_(True))
        return self._records(SignalRecord, SignalRow, where, SignalRow.seq)

    def risk_decisions(self, run_id: str) -> list[RiskDecisionRecord]:
        """The run's pre-trade risk decisions in order."""
        where = [RiskDecisionRow.run_id == run_id]
        return self._records(RiskDecisionRecord, RiskDecisionRow, where, RiskDecisionRow.seq)

    def orders(self, run_id: str) -> list[StoredOrder]:
        """The run's orders by sequence number, with their current status."""
        return self._orders(OrderRow.run_id == run_id)

    def open_orders(self, run_id: str) -> list[StoredOrder]:
        """Orders not yet in a terminal state, including INITIALIZED ones (journaled but
        perhaps never sent): a restart reconciles each with the venue."""
        return self._orders(OrderRow.run_id == run_id, OrderRow.status.not_in(_TERMINAL))

    def order(self, client_order_id: str) -> StoredOrder | None:
        """The order with this client order id, or None."""
        found = self._orders(OrderRow.client_order_id == client_order_id)
        return found[0] if found else None

    def _orders(self, *where: Any) -> list[StoredOrder]:
        return self._records(StoredOrder, OrderRow, where, OrderRow.run_id, OrderRow.seq)

    def _records(
        self, record_type: type[R], model: type[Any], where: Any, *order_by: Any
    ) -> list[R]:
        """The rows of `model` matching `where` (in `order_by` order) as `record_type`
        records, built from the columns named by the record's fields."""
        names = record_names(record_type)
        reads = read_conversions(model, names)
        table = model.__table__
        query = select(*(table.c[name] for name in names)).where(*where).order_by(*order_by)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            record_type(
                **{
                    name: value if read is None else read(value)
                    for name, read, value in zip(names, reads, row, strict=True)
                }
            )
            for row in rows
        ]

    def order_history(self, client_order_id: str) -> list[tuple[datetime, OrderStatus, str]]:
        """The order's status events `(ts, status, detail)`, oldest first."""
        query = (
            select(OrderEventRow.ts, OrderEventRow.status, OrderEventRow.detail)
            .where(OrderEventRow.client_order_id == client_order_id)
            .order_by(OrderEventRow.event_id)
        )
        with self._engine.connect() as connection:
            return [
                (ts, OrderStatus(status), detail)
                for ts, status, detail in connection.execute(query)
            ]

    def next_order_seq(self, run_id: str) -> int:
        """The sequence number for the run's next order (1 for the first; continues after
        a restart, so no client order id is ever reused)."""
        with self._engine.connect() as connection:
            last = connection.scalar(
                select(func.max(OrderRow.seq)).where(OrderRow.run_id == run_id)
            )
        return int(last or 0) + 1

    def fills(self, run_id: str) -> list[FillRecord]:
        """The run's fills in the order they were stored."""
        return self._records(FillRecord, FillRow, [FillRow.run_id == run_id], FillRow.fill_id)

    def positions(self, run_id: str) -> list[PositionRecord]:
        """The run's position snapshots in the order they were stored."""
        where = [PositionRow.run_id == run_id]
        return self._records(PositionRecord, PositionRow, where, PositionRow.snapshot_id)

    def equity(self, run_id: str) -> list[EquityRecord]:
        """The run's equity curve in the order it was stored."""
        where = [EquityRow.run_id == run_id]
        return self._records(EquityRecord, EquityRow, where, EquityRow.point_id)

    def last_ts(self, run_id: str, table: str) -> datetime | None:
        """The latest `ts` stored for the run in `table` (`signals`, `risk_decisions`,
        `equity` or `fills`), or None when it has no row: how far a row-by-row
        writer got before it was interrupted.

        Raises:
            ValueError: an unknown table (a programming error).
        """
        model = _TIMED.get(table)
        if model is None:
            raise ValueError(f"table {table!r}: expected one of {', '.join(_TIMED)}")
        with self._engine.connect() as connection:
            found: datetime | None = connection.scalar(
                select(func.max(model.ts)).where(model.run_id == run_id)
            )
        return found

    def signal_decisions(self, run_id: str) -> list[str]:
        """The `decision` of each of the run's signals, in emission order."""
        query = select(SignalRow.decision).where(SignalRow.run_id == run_id).order_by(SignalRow.seq)
        with self._engine.connect() as connection:
            return list(connection.scalars(query))

    def risk_states(self, run_id: str) -> list[dict[str, Any]]:
        """Every risk state (step marker) saved for the run, oldest first."""
        query = (
            select(RiskStateRow.state_json)
            .where(RiskStateRow.run_id == run_id)
            .order_by(RiskStateRow.state_id)
        )
        with self._engine.connect() as connection:
            return [json.loads(text) for text in connection.scalars(query)]

    def load_risk_state(self, run_id: str) -> dict[str, Any] | None:
        """The latest risk state saved for the run, or None if none was saved."""
        query = (
            select(RiskStateRow.state_json)
            .where(RiskStateRow.run_id == run_id)
            .order_by(RiskStateRow.state_id.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            state_json = connection.scalar(query)
        if state_json is None:
            return None
        state: dict[str, Any] = json.loads(state_json)
        return state


def _run_info(run: Any) -> RunInfo:
    return RunInfo(
        run_id=run.run_id,
        mode=RunMode(run.mode),
        status=RunStatus(run.status),
        created_at=run.created_at,
        finished_at=run.finished_at,
        config_json=run.config_json,
        config_hash=run.config_hash,
        code_version=run.code_version,
        summary=None if run.summary_json is None else json.loads(run.summary_json),
    )
