"""Low-level writes shared by the journal: raw bulk inserts and applying a fill to its
order."""

from __future__ import annotations

import functools
import sqlite3
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Dialect, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.batch import Batch, Repeated
from tradewind.store.documents import json_document
from tradewind.store.errors import JournalError
from tradewind.store.models import CapitalStatusRow, OrderEventRow, OrderRow
from tradewind.store.records import FillRecord, InstantLike
from tradewind.store.tables import stored_check
from tradewind.store.values import Converter, amount_text, to_amount, to_instant

__all__ = [
    "COPY_MIN_ROWS",
    "apply_fill_to_order",
    "capital_status_values",
    "convert_value",
    "insert_batch",
    "insert_rows",
    "order_status_values",
    "upsert_capital_status",
]

COPY_MIN_ROWS = 64
"""From this many rows a PostgreSQL bulk insert uses COPY (several times faster)."""

SQLITE_ROWS_PER_INSERT = 200
"""Rows per multi-row INSERT statement on SQLite (fewer if the parameters would not fit;
much longer statements get slower to prepare than they save)."""

_SQLITE_MAX_PARAMETERS = 32_766  # SQLite's default since 3.32; a build may allow fewer

_KEEP_STATUS_ON_FILL = (OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED)
_ORDER_STATUS = stored_check(OrderRow, "status")
_UPDATED_AT = stored_check(OrderRow, "updated_at")
_VENUE_ORDER_ID = stored_check(OrderRow, "venue_order_id")
_CAPITAL_TS = stored_check(CapitalStatusRow, "ts")
_CAPITAL_SUMMARY = stored_check(CapitalStatusRow, "summary")


def order_status_values(
    status: object, ts: InstantLike, venue_order_id: str | None
) -> dict[str, Any]:
    """The checked `orders` values of a status change (`venue_order_id` only when given),
    in the form the SQLAlchemy column types take.

    Raises:
        JournalError: an invalid status, instant or venue order id, named with its column.
    """
    values: dict[str, Any] = {
        "status": convert_value(_ORDER_STATUS, status, "orders.status"),
        "updated_at": convert_value(_UPDATED_AT, ts, "orders.updated_at"),
    }
    if venue_order_id is not None:
        values["venue_order_id"] = convert_value(
            _VENUE_ORDER_ID, venue_order_id, "orders.venue_order_id"
        )
    return values


def capital_status_values(
    run_id: str, ts: InstantLike, summary: str, status: Any
) -> dict[str, Any]:
    """The checked `capital_status` row of a run (`status` as canonical JSON).

    Raises:
        JournalError: an invalid `ts` or summary, or a status with no JSON form.
    """
    return {
        "run_id": run_id,
        "ts": convert_value(_CAPITAL_TS, ts, "capital_status.ts"),
        "summary": convert_value(_CAPITAL_SUMMARY, summary, "capital_status.summary"),
        "status": json_document(status, what="capital status"),
    }


def apply_fill_to_order(connection: Connection, run_id: str, fill: FillRecord) -> None:
    """Raise the fill's order filled quantity, set its status (partially filled or filled;
    canceled, expired and rejected stay) and append the status event, in `connection`'s
    transaction (the order row is locked first on PostgreSQL).

    Raises:
        JournalError: the order does not exist.
    """
    order = connection.execute(
        select(OrderRow.quantity, OrderRow.filled_qty, OrderRow.status)
        .where(OrderRow.client_order_id == fill.client_order_id)
        .with_for_update()
    ).one_or_none()
    if order is None:  # the foreign key normally refuses the fill before this point
        raise JournalError(f"fill {fill.trade_id} refers to unknown order {fill.client_order_id}")
    qty = to_amount(fill.qty)
    filled = to_amount(order.filled_qty + qty)
    status = OrderStatus(order.status)
    if status not in _KEEP_STATUS_ON_FILL:
        complete = filled >= order.quantity
        status = OrderStatus.FILLED if complete else OrderStatus.PARTIALLY_FILLED
    ts = to_instant(fill.ts)
    connection.execute(
        update(OrderRow)
        .where(OrderRow.client_order_id == fill.client_order_id)
        .values(filled_qty=filled, status=status.value, updated_at=ts)
    )
    connection.execute(
        insert(OrderEventRow).values(
            run_id=run_id,
            client_order_id=fill.client_order_id,
            ts=ts,
            status=status.value,
            detail=f"fill {fill.venue}:{fill.trade_id} "
            f"{amount_text(qty)} @ {amount_text(to_amount(fill.price))}",
        )
    )


def upsert_capital_status(connection: Connection, values: dict[str, Any]) -> None:
    """Insert the run's capital status row, or replace it when the run already has one
    (one atomic INSERT ... ON CONFLICT on both backends). `values` holds every column.

    Raises:
        sqlalchemy.exc.IntegrityError: the run does not exist.
    """
    dialect_insert = sqlite.insert if connection.dialect.name == "sqlite" else postgresql.insert
    statement = dialect_insert(CapitalStatusRow).values(values)
    replaced = {name: statement.excluded[name] for name in values if name != "run_id"}
    connection.execute(statement.on_conflict_do_update(index_elements=["run_id"], set_=replaced))


def insert_rows(
    connection: Connection, model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order, values already in stored form) with one
    driver executemany, or on PostgreSQL for many rows with COPY, bypassing SQLAlchemy's
    per-value type processing.

    Raises:
        sqlalchemy.exc.IntegrityError: a constraint refused a row (COPY included).
    """
    table = model.__tablename__
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        _copy_rows(connection, table, columns, rows)
        return
    connection.exec_driver_sql(_insert_sql(connection.dialect, table, columns), rows)


def insert_batch(connection: Connection, model: type[Any], batch: Batch) -> None:
    """Insert every row of `batch` (values already in stored form): on SQLite with
    multi-row INSERTs that bind each `Repeated` value once per statement, on PostgreSQL
    with COPY from `COPY_MIN_ROWS` rows on, else with one driver executemany.

    Raises:
        sqlalchemy.exc.IntegrityError: a constraint refused a row.
    """
    if batch.count == 0:
        return
    if connection.dialect.name == "sqlite":
        _insert_sqlite(connection, model.__tablename__, batch)
    else:
        insert_rows(connection, model, batch.names, list(batch.rows()))


def _insert_sqlite(connection: Connection, table: str, batch: Batch) -> None:
    fixed: list[Any] = []  # the repeated values, bound once per statement
    varying: list[list[Any]] = []  # other columns, each distinct list bound once per row
    layout: list[tuple[bool, int]] = []  # per column: (repeated, index in fixed or varying)
    for column in batch.columns:
        if isinstance(column, Repeated):
            layout.append((True, len(fixed)))
            fixed.append(column.value)
            continue
        index = next((i for i, seen in enumerate(varying) if seen is column), len(varying))
        if index == len(varying):
            varying.append(column)
        layout.append((False, index))
    width = len(varying)
    room = _sqlite_max_parameters(connection) - len(fixed)
    per_statement = max(1, min(SQLITE_ROWS_PER_INSERT, room // width if width else batch.count))
    values = list(chain.from_iterable(zip(*varying, strict=True)))
    full, rest = divmod(batch.count, per_statement)
    step = per_statement * width
    shape = (table, batch.names, tuple(layout), len(fixed), width)
    first = tuple(fixed)
    if full:
        sql = _multi_row_sql(connection.dialect, *shape, per_statement)
        if width:
            chunks = [first + tuple(values[at : at + step]) for at in range(0, full * step, step)]
        else:
            chunks = [first] * full
        connection.exec_driver_sql(sql, chunks)
    if rest:
        sql = _multi_row_sql(connection.dialect, *shape, rest)
        connection.exec_driver_sql(sql, first + tuple(values[full * step :]))


def _sqlite_max_parameters(connection: Connection) -> int:
    dbapi: Any = connection.connection.dbapi_connection
    return min(_SQLITE_MAX_PARAMETERS, int(dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))


@functools.lru_cache(maxsize=64)
def _multi_row_sql(
    dialect: Dialect,
    table: str,
    columns: tuple[str, ...],
    layout: tuple[tuple[bool, int], ...],
    fixed: int,
    width: int,
    rows: int,
) -> str:
    """INSERT of `rows` rows with numbered parameters: the `fixed` repeated values first
    (?1, ?2, ... shared by every row), then `width` values per row."""
    quote = dialect.identifier_preparer.quote
    tuples = [
        "("
        + ",".join(
            f"?{index + 1}" if repeated else f"?{fixed + row * width + index + 1}"
            for repeated, index in layout
        )
        + ")"
        for row in range(rows)
    ]
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
        f"VALUES {','.join(tuples)}"
    )


def _copy_rows(
    connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    import psycopg

    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from None
    except psycopg.OperationalError as exc:  # a full disk, a lost connection
        raise OperationalError(statement, None, exc) from None
    finally:
        cursor.close()


@functools.lru_cache(maxsize=64)
def _insert_sql(dialect: Dialect, table: str, columns: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )


def convert_value(convert: Converter, value: Any, column: str) -> Any:
    """`convert(value)`, with a `ValueError` turned into a `JournalError` naming `column`."""
    try:
        return convert(value)
    except ValueError as exc:
        raise JournalError(f"invalid {column} {value!r}: {exc}") from None
