"""The journal schema, defined once: each table's columns are its model in
`tradewind.store.models` (type, length, nullability and, in `Column.info`, anything the
type does not say; see `tradewind.store.column_checks`), and the record type written to
it names, by its fields and in their order, the columns a caller provides.

Everything else is derived here: the check of every written column (record writes, bulk
columns and a session's row batches alike), which tables the journal numbers with `seq`,
the columns a raw insert writes, and how a stored value is read back into a record.
Adding a column is one edit to the model and one field of the record (plus its
migration).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, String

from tradewind.store.capital_records import (
    AllocationRecord,
    CapitalEventRecord,
    SizingDecisionRecord,
)
from tradewind.store.column_checks import ACCEPTS, JSON, NAN_IS_NONE, READ
from tradewind.store.column_types import Amount, Instant
from tradewind.store.models import (
    AllocationRow,
    CapitalEventRow,
    EquityRow,
    FillRow,
    OrderRow,
    PositionRow,
    RiskDecisionRow,
    SignalRow,
    SizingDecisionRow,
)
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    OrderRecord,
    PositionRecord,
    RiskDecisionRecord,
    SignalRecord,
)
from tradewind.store.values import (
    Converter,
    amount_storage_text,
    instant_storage_text,
    optional_amount_storage_text,
    to_amount,
    to_flag,
    to_instant,
    to_int,
    to_optional_amount,
    to_optional_label,
    to_optional_ratio,
    to_optional_text,
    to_ratio,
    to_text,
)

__all__ = [
    "AMOUNT",
    "INSTANT",
    "OPTIONAL_AMOUNT",
    "TABLES",
    "RecordTable",
    "RowSpec",
    "column_check",
    "converter",
    "json_columns",
    "read_conversions",
    "record_names",
    "stored_check",
    "written_columns",
]

# Kinds whose stored form depends on the backend (and that bulk columns convert
# array-wise); any other check is a converter used as is.
AMOUNT = "amount"
OPTIONAL_AMOUNT = "optional amount"
INSTANT = "instant"
_BY_BACKEND: dict[str, dict[bool, Converter]] = {
    AMOUNT: {True: amount_storage_text, False: to_amount},
    OPTIONAL_AMOUNT: {True: optional_amount_storage_text, False: to_optional_amount},
    INSTANT: {True: instant_storage_text, False: to_instant},
}
_TEXT_LENGTH = 100_000
"""Characters a `Text` column (no declared length) takes."""

RowSpec = tuple[tuple[str, Converter | str], ...]
"""(column, converter or kind) pairs; the record field of the same name feeds each column."""


def column_check(column: Column[Any]) -> Converter | str:
    """The check of a written value of `column`: its `info` converter if it declares one,
    else one derived from its type and nullability (a kind for amounts and instants).

    Raises:
        TypeError: a column type with no derived check (a programming error).
    """
    info = column.info
    if ACCEPTS in info:
        convert: Converter = info[ACCEPTS]
        return convert
    kind = column.type
    optional = bool(column.nullable)
    if isinstance(kind, Instant):
        return INSTANT
    if isinstance(kind, Amount):
        return OPTIONAL_AMOUNT if optional else AMOUNT
    if isinstance(kind, Boolean):
        return to_flag
    if isinstance(kind, Float):
        return to_optional_ratio if optional else to_ratio
    if isinstance(kind, Integer):
        return to_int
    if isinstance(kind, String):
        length = kind.length or _TEXT_LENGTH
        if not optional:
            return to_text(length)
        return to_optional_label(length) if info.get(NAN_IS_NONE) else to_optional_text(length)
    raise TypeError(f"no check for column {column} of type {kind!r}")


def converter(kind: Converter | str, *, text_storage: bool) -> Converter:
    """The converter for a check; `text_storage` is True on SQLite."""
    if isinstance(kind, str):
        return _BY_BACKEND[kind][text_storage]
    return kind


def stored_check(model: type[Any], name: str, *, text_storage: bool = False) -> Converter:
    """The converter of column `name` of `model` (without `text_storage`, the form the
    SQLAlchemy column types take, for writes that go through them)."""
    return converter(column_check(model.__table__.c[name]), text_storage=text_storage)


def written_columns(model: type[Any]) -> tuple[str, ...]:
    """The columns an insert into `model` names: all but an auto-incremented key."""
    table = model.__table__
    return tuple(
        column.name for column in table.columns if column is not table.autoincrement_column
    )


def record_names(record_type: type[Any]) -> tuple[str, ...]:
    """The field names of a record type, in order."""
    return tuple(field.name for field in fields(record_type))


def read_conversions(model: type[Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    """For each column, what its stored value goes through when read into a record (its
    `info` reader, `bool` for booleans), or None."""
    columns = model.__table__.c
    return tuple(
        columns[name].info.get(READ) or (bool if isinstance(columns[name].type, Boolean) else None)
        for name in names
    )


def json_columns(model: type[Any]) -> tuple[str, ...]:
    """The columns of `model` that hold JSON documents."""
    return tuple(column.name for column in model.__table__.columns if column.info.get(JSON))


@dataclass(frozen=True, slots=True)
class RecordTable:
    """A journal table and the record type written to it: `columns` are the record's
    fields in order with their checks; with `numbered`, the journal numbers the rows
    (`seq`, counting on from the run's last)."""

    record: type[Any]
    model: type[Any]
    columns: RowSpec
    numbered: bool

    @property
    def name(self) -> str:
        """The table name."""
        return str(self.model.__tablename__)

    @property
    def names(self) -> tuple[str, ...]:
        """The record's columns, in field order."""
        return tuple(name for name, _ in self.columns)


def _record_table(record_type: type[Any], model: type[Any]) -> RecordTable:
    columns = model.__table__.c
    names = record_names(record_type)
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise TypeError(
            f"{record_type.__name__} field(s) {', '.join(unknown)} are not columns of "
            f"{model.__tablename__}"
        )
    spec = tuple((name, column_check(columns[name])) for name in names)
    return RecordTable(record_type, model, spec, "seq" in columns and "seq" not in names)


TABLES: dict[type[Any], RecordTable] = {
    table.record: table
    for table in (
        _record_table(SignalRecord, SignalRow),
        _record_table(RiskDecisionRecord, RiskDecisionRow),
        _record_table(OrderRecord, OrderRow),
        _record_table(FillRecord, FillRow),
        _record_table(PositionRecord, PositionRow),
        _record_table(EquityRecord, EquityRow),
        _record_table(SizingDecisionRecord, SizingDecisionRow),
        _record_table(AllocationRecord, AllocationRow),
        _record_table(CapitalEventRecord, CapitalEventRow),
    )
}
"""Every record type the journal writes, with its table."""
