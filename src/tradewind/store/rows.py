"""Turning records, plain mappings or columns into a validated batch of storage-ready values.

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

from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.store.batch import Batch, Column, Repeated
from tradewind.store.capital_records import (
    AllocationBound,
    AllocationRecord,
    CapitalEventKind,
    CapitalEventRecord,
    SizingDecisionRecord,
    SizingMethod,
)
from tradewind.store.columnar import is_columnar, stored_column, take_columns
from tradewind.store.documents import to_factors_json, to_json_object
from tradewind.store.errors import JournalError
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    OrderRecord,
    PositionRecord,
    RiskAction,
    RiskDecisionRecord,
    SignalRecord,
)
from tradewind.store.values import (
    Converter,
    amount_storage_text,
    choice,
    instant_storage_text,
    is_missing,
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
    to_unit,
)

__all__ = ["ORDER_STATUS", "SPECS", "RowSpec", "build_rows", "coerce_record", "converter"]

R = TypeVar("R")

_MARKET = to_text(32)
_SYMBOL = to_text(64)
_NAME = to_text(128)
_VENUE = to_text(32)
_NOTE = to_text(100_000)
_LABEL = to_text(32)
_SIDE = choice(("buy", "sell"), {1: "buy", -1: "sell"})
ORDER_STATUS = choice(tuple(status.value for status in OrderStatus))
_BOUND = choice(tuple(bound.value for bound in AllocationBound))


def _optional_bound(value: object) -> object:
    return None if is_missing(value) else _BOUND(value)


# Kinds whose stored form depends on the backend; any other converter is used as is.
AMOUNT = "amount"
OPTIONAL_AMOUNT = "optional amount"
INSTANT = "instant"
_BY_BACKEND: dict[str, dict[bool, Converter]] = {
    AMOUNT: {True: amount_storage_text, False: to_amount},
    OPTIONAL_AMOUNT: {True: optional_amount_storage_text, False: to_optional_amount},
    INSTANT: {True: instant_storage_text, False: to_instant},
}

RowSpec = tuple[tuple[str, Converter | str], ...]
"""(column, converter or kind) pairs; the record field of the same name feeds each column."""

SIGNAL_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("strategy", _NAME),
    ("direction", choice(("long", "short", "flat"), {1: "long", -1: "short", 0: "flat"})),
    ("strength", to_unit),
    ("confidence", to_unit),
    ("stop", OPTIONAL_AMOUNT),
    ("target", OPTIONAL_AMOUNT),
    ("advisory", to_flag),
    ("aggregated", to_flag),
    ("decision", _NOTE),
    ("contributors", _NOTE),
)
RISK_DECISION_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("strategies", _NOTE),
    ("requested_qty", AMOUNT),
    ("approved_qty", AMOUNT),
    ("action", choice(tuple(action.value for action in RiskAction))),
    ("reason_code", to_int),
    ("reason", _NOTE),
    ("client_order_id", to_optional_text(96)),
)
ORDER_SPEC: RowSpec = (
    ("seq", to_int),
    ("ts_created", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("side", _SIDE),
    ("order_type", choice(tuple(kind.value for kind in OrderType))),
    ("quantity", AMOUNT),
    ("price", OPTIONAL_AMOUNT),
    ("trigger_price", OPTIONAL_AMOUNT),
    ("status", ORDER_STATUS),
    ("filled_qty", AMOUNT),
    ("strategies", _NOTE),
    ("reason", _NOTE),
    ("venue", to_optional_text(32)),
)
FILL_SPEC: RowSpec = (
    ("trade_id", to_text(128)),
    ("venue", _VENUE),
    ("client_order_id", to_optional_text(96)),
    ("ts", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("side", _SIDE),
    ("qty", AMOUNT),
    ("price", AMOUNT),
    ("commission", AMOUNT),
    ("strategies", _NOTE),
)
POSITION_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("qty", AMOUNT),
    ("avg_price", AMOUNT),
    ("realized_pnl", AMOUNT),
    ("unrealized_pnl", AMOUNT),
)
EQUITY_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("equity", AMOUNT),
    ("cash", AMOUNT),
    ("gross_exposure", AMOUNT),
    ("net_exposure", AMOUNT),
    ("leverage", to_ratio),
    ("drawdown", to_ratio),
)

SIZING_DECISION_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("market", _MARKET),
    ("symbol", _SYMBOL),
    ("strategies", _NOTE),
    ("method", choice(tuple(method.value for method in SizingMethod))),
    ("available_balance", to_ratio),
    ("capital", to_ratio),
    ("base_position", to_ratio),
    ("vol_leverage", to_ratio),
    ("regime", to_optional_label(32)),
    ("regime_multiplier", to_ratio),
    ("sharpe", to_optional_ratio),
    ("sharpe_factor", to_ratio),
    ("protection_level", _LABEL),
    ("protection_multiplier", to_ratio),
    ("final_position", to_ratio),
    ("binding", _LABEL),
    ("client_order_id", to_optional_label(96)),
    ("factors", to_factors_json),
)
ALLOCATION_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("market", _MARKET),
    ("strategy", _NAME),
    ("share", to_ratio),
    ("amount", to_ratio),
    ("bound", _optional_bound),
    ("explanation", to_json_object),
)
CAPITAL_EVENT_SPEC: RowSpec = (
    ("ts", INSTANT),
    ("kind", choice(tuple(kind.value for kind in CapitalEventKind))),
    ("detail", _NOTE),
    ("data", to_json_object),
)

SPECS: dict[type, tuple[str, RowSpec]] = {
    SignalRecord: ("signals", SIGNAL_SPEC),
    RiskDecisionRecord: ("risk_decisions", RISK_DECISION_SPEC),
    OrderRecord: ("orders", ORDER_SPEC),
    FillRecord: ("fills", FILL_SPEC),
    PositionRecord: ("positions", POSITION_SPEC),
    EquityRecord: ("equity", EQUITY_SPEC),
    SizingDecisionRecord: ("sizing_decisions", SIZING_DECISION_SPEC),
    AllocationRecord: ("allocations", ALLOCATION_SPEC),
    CapitalEventRecord: ("capital_events", CAPITAL_EVENT_SPEC),
}


def converter(kind: Converter | str, *, text_storage: bool) -> Converter:
    """The converter for a spec entry; `text_storage` is True on SQLite."""
    if isinstance(kind, str):
        return _BY_BACKEND[kind][text_storage]
    return kind


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
    table, spec = SPECS[record_type]
    names = tuple(column for column, _ in spec)
    leading = ("run_id",) if seq_from is None else ("run_id", "seq")
    converters = [converter(kind, text_storage=text_storage) for _, kind in spec]
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
            for (column, kind), convert in zip(spec, converters, strict=True)
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
