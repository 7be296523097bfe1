"""Low-level writes shared by the journal: raw bulk inserts and applying a fill to its
order."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Dialect, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.errors import JournalError
from tradewind.store.models import OrderEventRow, OrderRow
from tradewind.store.records import FillRecord
from tradewind.store.values import Converter, amount_text, to_amount, to_instant

__all__ = ["COPY_MIN_ROWS", "apply_fill_to_order", "convert_value", "insert_rows"]

COPY_MIN_ROWS = 64
"""From this many rows a PostgreSQL bulk insert uses COPY (several times faster)."""

_KEEP_STATUS_ON_FILL = (OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED)


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
