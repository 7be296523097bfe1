"""Turning records, plain mappings or columns into a validated batch of storage-ready values
(each column checked as `tradewind.store.tables` derives from the journal schema).

Values are converted once, in Python, into the form the backend stores (on SQLite,
amounts and instants are canonical text; on PostgreSQL, `Decimal` and aware datetimes),
so bulk inserts go straight to the driver (multi-row inserts on SQLite, COPY on
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

from tradewind.store.batch import Batch, Column, Repeated
from tradewind.store.columnar import is_columnar, stored_column, take_columns
from tradewind.store.errors import JournalError
from tradewind.store.tables import TABLES, converter
from tradewind.store.values import Converter

__all__ = ["build_rows", "coerce_record"]

R = TypeVar("R")


def coerce_record(record_type: type[R], row: R | Mapping[str, Any], *, where: str) -> R:
    """`row` itself, or a `record_type` built from a mapping with the same field names.

    Raises:
        JournalError: the row is neither, or the mapping has unknown or missing fields.
    """
    if isinstance(row, record_type):
        return row
    if not isinstance(row, Mapping):
        raise JournalError(
            f"invalid {where}: expected a {record_type.__name__} or a mapping, "
            f"found {type(row).__name__}"
        )
    known = {field.name for field in fields(record_type)}  # type: ignore[arg-type]
    unknown = sorted(set(row) - known)
    if unknown:
        raise JournalError(
            f"invalid {where}: unknown field(s) {', '.join(map(str, unknown))}; "
            f"expected fields of {record_type.__name__}: {', '.join(sorted(known))}"
        )
    try:
        return record_type(**row)
    except TypeError as exc:
        raise JournalError(f"invalid {where}: {exc}") from None


def build_rows(
    record_type: type[Any],
    rows: Any,
    *,
    text_storage: bool,
    run_id: str,
    seq_from: int | None = None,
) -> Batch:
    """The storage-ready batch of `rows` of `record_type`.

    `rows` is an iterable of records or mappings, or columns (a mapping of arrays or a
    pandas DataFrame; see `tradewind.store.columnar`). The batch's columns are `run_id`,
    then (with `seq_from`) a sequence number counting up from `seq_from`, then the
    record's columns in spec order.

    Raises:
        JournalError: a row is not a record or mapping, or a value is invalid; the
            message names the table, column, row number (0-based) and the value.
    """
    spec = TABLES[record_type]
    table, names = spec.name, spec.names
    leading = ("run_id",) if seq_from is None else ("run_id", "seq")
    converters = [converter(kind, text_storage=text_storage) for _, kind in spec.columns]
    if is_columnar(rows):
        count, columns = take_columns(record_type, table, rows)
        converted = tuple(
            stored_column(
                table,
                column,
                kind if isinstance(kind, str) else "",
                convert,
                columns[column],
                count,
                text_storage=text_storage,
            )
            for (column, kind), convert in zip(spec.columns, converters, strict=True)
        )
        firsts: tuple[Column, ...] = (Repeated(run_id),)
        if seq_from is not None:
            firsts += (list(range(seq_from, seq_from + count)),)
        return Batch((*leading, *names), (*firsts, *converted), count)
    get_values = attrgetter(*names)
    built: list[tuple[Any, ...]] = []
    for index, raw in enumerate(rows):
        record = (
            raw
            if type(raw) is record_type
            else coerce_record(record_type, raw, where=f"{table} row {index}")
        )
        values = get_values(record)
        try:
            stored = [convert(value) for convert, value in zip(converters, values, strict=True)]
        except ValueError:
            raise _invalid_value(table, names, converters, values, index) from None
        if seq_from is None:
            built.append((run_id, *stored))
        else:
            built.append((run_id, seq_from + index, *stored))
    return Batch.from_rows((*leading, *names), built)


def _invalid_value(
    table: str, names: tuple[str, ...], converters: list[Converter], values: Any, index: int
) -> JournalError:
    for column, convert, value in zip(names, converters, values, strict=True):
        try:
            convert(value)
        except ValueError as exc:
            return JournalError(f"invalid {table}.{column} {value!r} in row {index}: {exc}")
    return JournalError(f"invalid {table} row {index}")
