"""Writing a `RowBatch` inside one transaction, each record at most once.

Order of the writes (the same as a session's separate writes before, so a run journaled
either way has the same digest): orders with their first status event, risk decisions,
fills (each applied to its order), status updates, signals, equity, capital records, and
the risk state with the row marker last.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.batch import Batch, Repeated
from tradewind.store.capital_records import (
    AllocationRecord,
    CapitalEventRecord,
    SizingDecisionRecord,
)
from tradewind.store.errors import JournalError
from tradewind.store.models import FillRow, OrderEventRow, OrderRow, RiskStateRow
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    OrderRecord,
    RiskDecisionRecord,
    SignalRecord,
    client_order_ids,
)
from tradewind.store.row_batch import RowBatch, StatusUpdate
from tradewind.store.rows import build_rows, coerce_record
from tradewind.store.runs import canonical_json
from tradewind.store.tables import TABLES, stored_check, written_columns
from tradewind.store.writes import (
    apply_fill_to_order,
    capital_status_values,
    convert_value,
    insert_batch,
    insert_rows,
    order_status_values,
    upsert_capital_status,
)

__all__ = [
    "ORDER_EVENT_COLUMNS",
    "RISK_STATE_COLUMNS",
    "first_events",
    "marked_row",
    "order_batch",
    "risk_state_row",
    "write_row_batch",
]

ORDER_EVENT_COLUMNS = written_columns(OrderEventRow)
RISK_STATE_COLUMNS = written_columns(RiskStateRow)


def order_batch(run_id: str, orders: Any, *, text_storage: bool) -> Batch:
    """The storage-ready batch of `orders`, with the columns derived from `seq` and
    `ts_created` (client order id, first `updated_at`, no venue order id yet)."""
    batch = build_rows(OrderRecord, orders, text_storage=text_storage, run_id=run_id)
    ids = client_order_ids(run_id, batch.values("seq"))
    return batch.extended(
        ("client_order_id", "updated_at", "venue_order_id"),
        (ids, batch.column("ts_created"), Repeated(None)),
    )


def marked_row(connection: Connection, run_id: str) -> int:
    """The `row` of the run's latest risk state (the row marker), or -1."""
    state_json = connection.scalar(
        select(RiskStateRow.state_json)
        .where(RiskStateRow.run_id == run_id)
        .order_by(RiskStateRow.state_id.desc())
        .limit(1)
    )
    if state_json is None:
        return -1
    row = json.loads(state_json).get("row")
    return row if isinstance(row, int) else -1


def write_row_batch(
    connection: Connection, run_id: str, batch: RowBatch, *, text_storage: bool
) -> bool:
    """Write `batch` in `connection`'s transaction; False (nothing written) when the
    run's marker already reached `batch.row`.

    Raises:
        JournalError: an invalid value (named with its table, column and row), a status
            update of an unknown order, two records of the batch with one key, or a risk
            state that holds another row.
    """
    marker = _marker_json(batch)
    if marked_row(connection, run_id) >= batch.row:
        return False
    _write_orders(connection, run_id, batch.orders, text_storage)
    _append_new(connection, RiskDecisionRecord, run_id, batch.risk_decisions,
                ("client_order_id",), text_storage)  # fmt: skip
    _write_fills(connection, run_id, batch.fills, text_storage)
    for update_ in batch.status_updates:
        _set_status(connection, run_id, coerce_record(StatusUpdate, update_, where="status update"))
    _append_new(connection, SignalRecord, run_id, batch.signals,
                ("ts", "market", "symbol", "strategy"), text_storage)  # fmt: skip
    _append_new(connection, EquityRecord, run_id, batch.equity, ("ts",), text_storage)
    for record_type, rows in (
        (SizingDecisionRecord, batch.sizing_decisions),
        (AllocationRecord, batch.allocations),
        (CapitalEventRecord, batch.capital_events),
    ):
        _append_new(connection, record_type, run_id, rows, (), text_storage)
    if batch.capital_status is not None:
        status = batch.capital_status
        upsert_capital_status(
            connection, capital_status_values(run_id, status.ts, status.summary, status.status)
        )
    row = risk_state_row(run_id, batch.ts, marker, text_storage=text_storage)
    insert_rows(connection, RiskStateRow, RISK_STATE_COLUMNS, [row])
    return True


def risk_state_row(
    run_id: str, ts: object, state_json: str, *, text_storage: bool
) -> tuple[Any, ...]:
    """The stored `risk_state` row (in `RISK_STATE_COLUMNS` order) of a saved state.

    Raises:
        JournalError: an invalid `ts`.
    """
    to_stored = stored_check(RiskStateRow, "ts", text_storage=text_storage)
    return (run_id, convert_value(to_stored, ts, "risk_state.ts"), state_json)


def _marker_json(batch: RowBatch) -> str:
    if isinstance(batch.row, bool) or not isinstance(batch.row, int) or batch.row < 0:
        raise JournalError(f"invalid row batch row {batch.row!r}: expected an integer >= 0")
    state = dict(batch.risk_state)
    if state.setdefault("row", batch.row) != batch.row:
        raise JournalError(f"invalid risk state of row {batch.row}: it holds row {state['row']!r}")
    return canonical_json(state, what="risk state")


def _write_orders(connection: Connection, run_id: str, orders: Sequence[Any], text: bool) -> None:
    if not orders:
        return
    new = _unstored(connection, OrderRow, order_batch(run_id, orders, text_storage=text),
                    ("client_order_id",), None)  # fmt: skip
    if not new.count:
        return
    insert_batch(connection, OrderRow, new)
    insert_rows(connection, OrderEventRow, ORDER_EVENT_COLUMNS, first_events(run_id, new))


def first_events(run_id: str, orders: Batch) -> list[tuple[Any, ...]]:
    """The first status event of each order of an order batch (its creation: the status
    at `ts_created`, the reason as detail), as rows in `ORDER_EVENT_COLUMNS` order."""
    source = {"ts": "ts_created", "detail": "reason"}  # event column -> order column
    columns = [
        repeat(run_id, orders.count) if name == "run_id" else orders.values(source.get(name, name))
        for name in ORDER_EVENT_COLUMNS
    ]
    return list(zip(*columns, strict=True))


def _write_fills(connection: Connection, run_id: str, fills: Sequence[Any], text: bool) -> None:
    if not fills:
        return
    records = [
        coerce_record(FillRecord, fill, where=f"fills row {i}") for i, fill in enumerate(fills)
    ]
    built = build_rows(FillRecord, records, text_storage=text, run_id=run_id)
    keep = _unstored_mask(connection, FillRow, built, ("venue", "trade_id"), None)
    new = _subset(built, keep)
    insert_batch(connection, FillRow, new)
    for record, kept in zip(records, keep, strict=True):
        if kept and record.client_order_id is not None:
            apply_fill_to_order(connection, run_id, record)


_FILLED = frozenset({OrderStatus.PARTIALLY_FILLED.value, OrderStatus.FILLED.value})
_NOT_AFTER_A_FILL = frozenset({OrderStatus.SUBMITTED.value, OrderStatus.ACCEPTED.value})


def _set_status(connection: Connection, run_id: str, change: StatusUpdate) -> None:
    values = order_status_values(change.status, change.ts, change.venue_order_id)
    current = connection.execute(
        select(OrderRow.status, OrderRow.venue_order_id).where(
            OrderRow.client_order_id == change.client_order_id, OrderRow.run_id == run_id
        )
    ).one_or_none()
    if current is None:
        raise JournalError(f"status update of unknown order {change.client_order_id!r}")
    unchanged = values.get("venue_order_id") in (None, current.venue_order_id)
    if values["status"] in _NOT_AFTER_A_FILL and current.status in _FILLED:
        # a venue's "accepted" reaches the step after the fill it reported with it: the
        # order keeps its filled status and only learns its venue id
        if not unchanged:
            connection.execute(
                update(OrderRow)
                .where(OrderRow.client_order_id == change.client_order_id)
                .values(venue_order_id=values["venue_order_id"])
            )
        return
    if current.status == values["status"] and unchanged:
        return
    connection.execute(
        update(OrderRow).where(OrderRow.client_order_id == change.client_order_id).values(values)
    )
    connection.execute(
        insert(OrderEventRow).values(
            run_id=run_id,
            client_order_id=change.client_order_id,
            ts=values["updated_at"],
            status=values["status"],
            detail=change.detail,
        )
    )


def _append_new(
    connection: Connection,
    record_type: type[Any],
    run_id: str,
    rows: Sequence[Any],
    keys: tuple[str, ...],
    text: bool,
) -> None:
    """Append the rows whose `keys` are not stored yet (all rows when `keys` is empty),
    numbered after the run's last `seq` when the table has one."""
    if not rows:
        return
    table = TABLES[record_type]
    model = table.model
    built = build_rows(record_type, rows, text_storage=text, run_id=run_id)
    new = _unstored(connection, model, built, keys, run_id) if keys else built
    if not new.count:
        return
    if table.numbered:
        last = connection.scalar(select(func.max(model.seq)).where(model.run_id == run_id))
        first = int(last or 0) + 1
        new = new.extended(("seq",), (list(range(first, first + new.count)),))
    insert_batch(connection, model, new)


def _unstored(
    connection: Connection, model: type[Any], batch: Batch, keys: tuple[str, ...],
    run_id: str | None,
) -> Batch:  # fmt: skip
    return _subset(batch, _unstored_mask(connection, model, batch, keys, run_id))


def _unstored_mask(
    connection: Connection, model: type[Any], batch: Batch, keys: tuple[str, ...],
    run_id: str | None,
) -> list[bool]:  # fmt: skip
    """For each row of `batch`, whether its key is not stored yet (in run `run_id`, or
    anywhere when None); a key with a None in it is never stored. Keys are compared in
    stored form, as the driver returns them.

    Raises:
        JournalError: two rows of the batch have the same key.
    """
    table = model.__tablename__
    key_rows = list(zip(*(batch.values(name) for name in keys), strict=True))
    seen: set[tuple[Any, ...]] = set()
    for key in key_rows:
        if None not in key and key in seen:
            raise JournalError(
                f"cannot write {table}: two records of one row have the key "
                f"{dict(zip(keys, key, strict=True))}"
            )
        seen.add(key)
    stored = _stored_keys(connection, table, keys, key_rows, run_id)
    return [None in key or key not in stored for key in key_rows]


def _stored_keys(
    connection: Connection, table: str, keys: tuple[str, ...], key_rows: list[tuple[Any, ...]],
    run_id: str | None,
) -> set[tuple[Any, ...]]:  # fmt: skip
    """The keys among `key_rows` that `table` holds (one indexed query: each key column
    IN its distinct values)."""
    distinct = [sorted({key[i] for key in key_rows if None not in key}, key=str)
                for i in range(len(keys))]  # fmt: skip
    if not distinct[0]:
        return set()
    quote = connection.dialect.identifier_preparer.quote
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    where = [f"{quote(name)} IN ({', '.join([marker] * len(values))})"
             for name, values in zip(keys, distinct, strict=True)]  # fmt: skip
    params: list[Any] = [value for values in distinct for value in values]
    if run_id is not None:
        where.insert(0, f"run_id = {marker}")
        params.insert(0, run_id)
    columns = ", ".join(map(quote, keys))
    sql = f"SELECT {columns} FROM {quote(table)} WHERE {' AND '.join(where)}"
    return {tuple(row) for row in connection.exec_driver_sql(sql, tuple(params))}


def _subset(batch: Batch, keep: list[bool]) -> Batch:
    if all(keep):
        return batch
    return Batch.from_rows(
        batch.names, [row for row, kept in zip(batch.rows(), keep, strict=True) if kept]
    )
