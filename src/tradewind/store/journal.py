"""`Journal`: the durable record of runs, signals, risk decisions, orders, fills, state and
capital decisions (position sizing, allocations, capital events and status).

Guarantees:
- `record_order` commits before it returns (SQLite: WAL with `synchronous=FULL`, so the
  commit is on disk; PostgreSQL: a committed transaction). Callers send an order to a
  venue only after `record_order` returned, so an order a venue saw is always journaled.
- Client order ids are `{run_id}-{seq:08d}`; a sequence number is stored once per run
  (`DuplicateOrderError` otherwise) and `next_order_seq` continues after a restart.
- `apply_fill` stores a fill at most once per `(venue, trade_id)` (a unique constraint,
  so this holds across processes too) and updates its order's filled quantity and status
  in the same transaction.
- One process writes a run at a time: `start_run`, `resume_run` and `write_row` take the
  run's writer lease (a file lock beside a SQLite journal, an advisory lock on
  PostgreSQL), held until `close`; a second writer gets `WriterBusyError`. Readers may
  open the journal concurrently and are never blocked.
- `write_row` writes everything one session row produced in one transaction, each
  record at most once (see `tradewind.store.row_batch`), with the row marker last: a
  crash leaves a row either whole or absent, and writing it again changes nothing.

Bulk writers (`record_orders`, `record_fills`, ...) validate in Python (array-wise for
columns) and insert in bulk (multi-row INSERTs on SQLite, COPY on PostgreSQL); backtests
use them to journal a whole run at the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.batch import Batch
from tradewind.store.capital_records import (
    AllocationRecord,
    CapitalEventRecord,
    SizingDecisionRecord,
)
from tradewind.store.control_records import ControlLedger
from tradewind.store.digest import journal_digest
from tradewind.store.errors import DuplicateOrderError, JournalError, UnknownRunError
from tradewind.store.failures import write_failures
from tradewind.store.models import (
    CapitalStatusRow,
    FillRow,
    OrderEventRow,
    OrderRow,
    RiskStateRow,
    RunRow,
)
from tradewind.store.reconciliation_records import ReconciliationLedger
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    InstantLike,
    OrderRecord,
    PositionRecord,
    RiskDecisionRecord,
    Rows,
    SignalRecord,
)
from tradewind.store.row_batch import RowBatch
from tradewind.store.row_writes import (
    ORDER_EVENT_COLUMNS,
    RISK_STATE_COLUMNS,
    first_events,
    order_batch,
    risk_state_row,
    write_row_batch,
)
from tradewind.store.rows import build_rows, coerce_record
from tradewind.store.runs import RunLedger, canonical_json
from tradewind.store.schema import create_journal_engine, migrate
from tradewind.store.sweep_records import SweepLedger
from tradewind.store.tables import TABLES
from tradewind.store.user_records import UserLedger
from tradewind.store.writes import (
    apply_fill_to_order,
    capital_status_values,
    insert_batch,
    insert_rows,
    order_status_values,
    upsert_capital_status,
)

__all__ = ["Journal"]


class Journal(ControlLedger, ReconciliationLedger, UserLedger, SweepLedger, RunLedger):
    """The journal of one database (SQLite file, in-memory SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose schema is already migrated; use `Journal.open` instead."""
        super().__init__(engine)
        self._text_storage = engine.dialect.name == "sqlite"

    @classmethod
    def open(
        cls, target: str | Path, *, create: bool = True, password: str | None = None
    ) -> Journal:
        """Open (with `create`, create if needed) a journal and migrate its schema to head.

        `target` is a SQLite file path, `:memory:`, a `sqlite:///` URL or a
        `postgresql://` URL; `password` is used when that URL names a user but no
        password (or `***`). With `create=False` a missing SQLite file or an empty
        database is an error instead of a new journal.

        Raises:
            JournalError: unsupported URL, missing journal, unreachable database, or a
                schema newer than this version of Tradewind.
        """
        engine = create_journal_engine(target, create=create, password=password)
        try:
            migrate(engine, create=create)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        """Give up the writer leases and release every pooled connection (the journal
        must not be used afterwards)."""
        try:
            self.release_writers()
        finally:
            self._engine.dispose()

    def check_writable(self) -> None:
        """Try a write and roll it back: cheap, and done before a long run so that a
        read-only journal (file, directory or database user) fails at once.

        Raises:
            JournalError: the journal cannot be written; names the journal and why.
        """
        with (
            write_failures(self._label),
            self._engine.connect() as connection,
            connection.begin() as transaction,
        ):
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            transaction.rollback()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- a session row ------------------------------------------------------------------

    def write_row(self, run_id: str, batch: RowBatch) -> bool:
        """Write everything row `batch.row` of a session produced in one transaction,
        taking the run's writer lease first if this journal does not hold it yet.

        Each record is stored at most once (orders by client order id, fills by venue
        and trade id, risk decisions by client order id, signals by ts, market, symbol
        and strategy, equity by ts; status updates are sets), and the risk state with
        `"row": batch.row` is saved last as the row marker. Returns False, having written
        nothing, when the run's marker already reached `batch.row`: writing a row again,
        after a crash anywhere, changes nothing.

        Raises:
            UnknownRunError: no such run.
            WriterBusyError: another process is writing the run.
            JournalError: an invalid value (named with its table, column and row), a
                status update of an unknown order, or two records of the batch with one
                key.
        """
        self.acquire_writer(run_id)
        try:
            with self._transaction() as connection:
                return write_row_batch(connection, run_id, batch, text_storage=self._text_storage)
        except IntegrityError as exc:
            if self._run_missing(run_id):
                raise UnknownRunError(
                    f"unknown run {run_id!r}: start it with start_run first"
                ) from None
            reason = str(exc.orig).splitlines()[0]
            raise JournalError(f"cannot write row {batch.row} of run {run_id}: {reason}") from None

    # -- signals and risk decisions ------------------------------------------------------

    def record_signals(self, run_id: str, rows: Rows[SignalRecord]) -> int:
        """Append signals (and aggregation decisions) in order; returns how many."""
        return self._append(SignalRecord, run_id, rows)

    def record_risk_decisions(self, run_id: str, rows: Rows[RiskDecisionRecord]) -> int:
        """Append pre-trade risk decisions in order; returns how many."""
        return self._append(RiskDecisionRecord, run_id, rows)

    # -- orders and fills ----------------------------------------------------------------

    def record_order(self, run_id: str, order: OrderRecord | Mapping[str, Any]) -> str:
        """Store one order durably and return its client order id.

        The transaction is committed (on disk for SQLite) before this returns: send the
        order to a venue only afterwards. Also appends the order's first status event.

        Raises:
            DuplicateOrderError: this run already has an order with this `seq`.
            UnknownRunError: no such run.
            JournalError: an invalid value (named with its column).
        """
        batch = self._order_batch(run_id, [order])
        with self._writing(OrderRow, run_id) as connection:
            insert_rows(connection, OrderRow, batch.names, list(batch.rows()))
            insert_rows(connection, OrderEventRow, ORDER_EVENT_COLUMNS, first_events(run_id, batch))
        return str(batch.values("client_order_id")[0])

    def record_orders(self, run_id: str, orders: Rows[OrderRecord]) -> int:
        """Bulk-store orders with their final status and filled quantity (backtests);
        returns how many. No status events are written for bulk orders.

        Raises:
            DuplicateOrderError: a `seq` repeats or is already stored for this run.
        """
        batch = self._order_batch(run_id, orders)
        if batch.count:
            with self._writing(OrderRow, run_id) as connection:
                insert_batch(connection, OrderRow, batch)
        return batch.count

    def _order_batch(self, run_id: str, orders: Rows[Any]) -> Batch:
        return order_batch(run_id, orders, text_storage=self._text_storage)

    def update_order_status(
        self,
        client_order_id: str,
        status: OrderStatus | str,
        ts: InstantLike,
        *,
        detail: str = "",
        venue_order_id: str | None = None,
    ) -> None:
        """Set an order's status (and venue order id) and append the status event.

        Transition rules are the domain `Order`'s job; the journal records what it is told.

        Raises:
            JournalError: unknown order, or an invalid status or timestamp.
        """
        values = order_status_values(status, ts, venue_order_id)
        with self._transaction() as connection:
            run_id = connection.scalar(
                select(OrderRow.run_id).where(OrderRow.client_order_id == client_order_id)
            )
            if run_id is None:
                raise JournalError(f"unknown order {client_order_id!r}")
            connection.execute(
                update(OrderRow).where(OrderRow.client_order_id == client_order_id).values(values)
            )
            connection.execute(
                insert(OrderEventRow).values(
                    run_id=run_id,
                    client_order_id=client_order_id,
                    ts=values["updated_at"],
                    status=values["status"],
                    detail=detail,
                )
            )

    def apply_fill(self, run_id: str, fill: FillRecord | Mapping[str, Any]) -> bool:
        """Store a fill exactly once; False (and nothing changed) if it is already stored.

        In the same transaction the fill's order (if any) gets its filled quantity raised
        and its status set to partially filled or filled (a canceled, expired or rejected
        order keeps its status), with a status event.

        Raises:
            UnknownRunError: no such run.
            JournalError: the fill names an unknown order, or a value is invalid.
        """
        record = coerce_record(FillRecord, fill, where="fill")
        batch = build_rows(FillRecord, [record], text_storage=self._text_storage, run_id=run_id)
        try:
            with self._writing(FillRow, run_id) as connection:
                insert_batch(connection, FillRow, batch)
                if record.client_order_id is not None:
                    apply_fill_to_order(connection, run_id, record)
        except JournalError:
            if self._fill_exists(record.venue, record.trade_id):
                return False
            raise
        return True

    def record_fills(self, run_id: str, fills: Rows[FillRecord]) -> int:
        """Bulk-store the fills of bulk-stored orders (backtests); orders are not updated.

        Raises:
            JournalError: a `(venue, trade_id)` repeats or is already stored, or a fill
                refers to an unknown order (use `apply_fill` for fills that may repeat).
        """
        return self._append(FillRecord, run_id, fills)

    def _fill_exists(self, venue: str, trade_id: str) -> bool:
        with self._engine.connect() as connection:
            found = connection.scalar(
                select(FillRow.fill_id).where(FillRow.venue == venue, FillRow.trade_id == trade_id)
            )
        return found is not None

    # -- portfolio and risk state --------------------------------------------------------

    def record_positions(self, run_id: str, rows: Rows[PositionRecord]) -> int:
        """Append position snapshots; returns how many."""
        return self._append(PositionRecord, run_id, rows)

    def record_equity(self, run_id: str, rows: Rows[EquityRecord]) -> int:
        """Append equity curve points; returns how many."""
        return self._append(EquityRecord, run_id, rows)

    def save_risk_state(self, run_id: str, ts: InstantLike, state: Mapping[str, Any]) -> None:
        """Durably save the risk state as of `ts` (high-water mark, day start equity,
        day, trading state, frozen flag, ...); `load_risk_state` returns the latest.

        Raises:
            JournalError: unknown run, invalid `ts`, or a state that is not JSON-compatible.
        """
        state_json = canonical_json(dict(state), what="risk state")
        row = risk_state_row(run_id, ts, state_json, text_storage=self._text_storage)
        with self._writing(RiskStateRow, run_id) as connection:
            insert_rows(connection, RiskStateRow, RISK_STATE_COLUMNS, [row])

    # -- capital -------------------------------------------------------------------------

    def record_sizing_decisions(self, run_id: str, rows: Rows[SizingDecisionRecord]) -> int:
        """Append position-sizing decisions in decision order; returns how many.

        Raises:
            UnknownRunError: no such run.
            JournalError: an invalid value (NaN in a required figure, an unknown method,
                a factor that is not a finite multiplier), named with its column and row.
        """
        return self._append(SizingDecisionRecord, run_id, rows)

    def record_allocations(self, run_id: str, rows: Rows[AllocationRecord]) -> int:
        """Append capital router allocations (one row per market and decision) in order;
        returns how many.

        Raises:
            UnknownRunError: no such run.
            JournalError: an invalid value, named with its column and row.
        """
        return self._append(AllocationRecord, run_id, rows)

    def record_capital_events(self, run_id: str, rows: Rows[CapitalEventRecord]) -> int:
        """Append capital events (milestones, halts, parameter changes, ...) in order;
        returns how many.

        Raises:
            UnknownRunError: no such run.
            JournalError: an unknown kind or another invalid value.
        """
        return self._append(CapitalEventRecord, run_id, rows)

    def save_capital_status(
        self, run_id: str, ts: InstantLike, summary: str, status: Mapping[Any, Any]
    ) -> None:
        """Replace the run's capital status with the one as of `ts`: the one-line
        `summary` and the scaling engine's `status` document (stored as canonical JSON;
        see `tradewind.store.documents` for how enums, datetimes and numpy values become
        JSON). `capital_status(run_id)` reads it back.

        Raises:
            UnknownRunError: no such run.
            JournalError: an invalid `ts` or summary, or a status with no JSON form.
        """
        values = capital_status_values(run_id, ts, summary, status)
        with self._writing(CapitalStatusRow, run_id) as connection:
            upsert_capital_status(connection, values)

    # -- digest --------------------------------------------------------------------------

    def digest(self, run_id: str) -> str:
        """SHA-256 (hex) of a canonical dump of every stored row of the run.

        Wall-clock fields (`created_at`, `finished_at`), the code version, surrogate ids
        and the run id itself (also inside client order ids and trade ids) are left out,
        so two runs of the same inputs have the same digest, on SQLite or PostgreSQL.

        Raises:
            UnknownRunError: no such run.
        """
        self.run(run_id)
        with self._engine.connect() as connection:
            return journal_digest(connection, run_id)

    # -- helpers -------------------------------------------------------------------------

    def _append(self, record_type: type[Any], run_id: str, rows: Rows[Any]) -> int:
        """Append rows of `record_type` to its table (numbered after the run's last `seq`
        when the journal numbers that table); returns how many."""
        table = TABLES[record_type]
        model = table.model
        if not table.numbered:
            batch = build_rows(record_type, rows, text_storage=self._text_storage, run_id=run_id)
            if batch.count:
                with self._writing(model, run_id) as connection:
                    insert_batch(connection, model, batch)
            return batch.count
        with self._writing(model, run_id) as connection:
            last = connection.scalar(select(func.max(model.seq)).where(model.run_id == run_id))
            batch = build_rows(
                record_type,
                rows,
                text_storage=self._text_storage,
                run_id=run_id,
                seq_from=int(last or 0) + 1,
            )
            insert_batch(connection, model, batch)
        return batch.count

    @contextmanager
    def _writing(self, model: type[Any], run_id: str) -> Iterator[Connection]:
        """A write transaction whose integrity errors become journal errors (explained
        after the rollback, when the database can be asked what was wrong)."""
        try:
            with self._transaction() as connection:
                yield connection
        except IntegrityError as exc:
            raise self._explain(exc, model, run_id) from None

    def _explain(self, exc: IntegrityError, model: type[Any], run_id: str) -> JournalError:
        if self._run_missing(run_id):
            return UnknownRunError(f"unknown run {run_id!r}: start it with start_run first")
        reason = str(exc.orig).splitlines()[0]
        message = f"cannot store {model.__tablename__} of run {run_id}: {reason}"
        if model is OrderRow:
            return DuplicateOrderError(f"{message} (an order sequence number was already used)")
        return JournalError(message)

    def _run_missing(self, run_id: str) -> bool:
        with self._engine.connect() as connection:
            found = connection.scalar(select(RunRow.run_id).where(RunRow.run_id == run_id))
        return found is None
