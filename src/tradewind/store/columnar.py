"""Column-wise conversion for bulk writes: arrays in, stored values out.

A backtest hands the journal whole columns (numpy arrays, lists or a pandas DataFrame)
instead of one record object per row. Timestamps (integer nanoseconds or datetime64),
float amounts, and booleans, integers and ratios of a matching dtype are converted and
checked array-wise; columns of plain strings convert each distinct value once; anything
else goes through the same per-value converters as records. A scalar in place of a
column, or an array holding one value in every row, becomes one `Repeated` value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, fields
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import numpy as np

from tradewind.store.batch import Column, Repeated
from tradewind.store.errors import JournalError
from tradewind.store.values import (
    AMOUNT_SCALE,
    Converter,
    Text,
    to_flag,
    to_int,
    to_ratio,
    to_unit,
)

__all__ = ["convert_column", "is_columnar", "stored_column", "take_columns"]

_FLOAT_LIMIT = float(10 ** (38 - AMOUNT_SCALE))
_MIN_US = (
    int((datetime(1, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**6
)
_MAX_US = (
    int((datetime(9999, 12, 31, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
    * 10**6
)


def is_columnar(rows: object) -> bool:
    """Whether `rows` is a mapping of columns or a DataFrame rather than an iterable of rows."""
    return isinstance(rows, Mapping) or (hasattr(rows, "columns") and hasattr(rows, "iloc"))


def take_columns(record_type: type[Any], table: str, rows: Any) -> tuple[int, dict[str, Any]]:
    """The row count and one entry per record field (a column or a scalar to repeat),
    with the record's defaults filled in.

    Raises:
        JournalError: unknown or missing columns, or columns of different lengths.
    """
    if isinstance(rows, Mapping):
        columns = {str(name): _as_array(value) for name, value in rows.items()}
    else:  # a pandas DataFrame
        columns = {str(name): _as_array(rows[name]) for name in rows.columns}
    known = {field.name: field for field in fields(record_type)}
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise JournalError(
            f"invalid {table} columns: unknown {', '.join(unknown)}; "
            f"expected fields of {record_type.__name__}: {', '.join(sorted(known))}"
        )
    lengths = {name: len(value) for name, value in columns.items() if not _is_scalar(value)}
    if not lengths:
        raise JournalError(f"invalid {table} columns: expected at least one array column")
    if len(set(lengths.values())) > 1:
        found = ", ".join(f"{name}={length}" for name, length in sorted(lengths.items()))
        raise JournalError(f"invalid {table} columns: expected equal lengths, found {found}")
    for name, field in known.items():
        if name not in columns:
            if field.default is MISSING:
                raise JournalError(f"invalid {table} columns: missing required column {name}")
            columns[name] = field.default
    return next(iter(lengths.values())), columns


def _as_array(value: Any) -> Any:
    if not hasattr(value, "to_numpy"):
        return value
    if getattr(getattr(value, "dtype", None), "tz", None) is not None:  # tz-aware pandas
        value = value.dt.tz_convert("UTC").dt.tz_localize(None)
    return value.to_numpy()


def _is_scalar(value: object) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0
    return isinstance(value, str | bytes) or not isinstance(value, Sequence)


def convert_column(
    table: str,
    name: str,
    kind: str,
    convert: Converter,
    values: Any,
    count: int,
    *,
    text_storage: bool,
) -> list[Any]:
    """`count` stored values of one column (`stored_column`, repeated values expanded).

    Raises:
        JournalError: a value is invalid; names the table, column, row and value.
    """
    column = stored_column(table, name, kind, convert, values, count, text_storage=text_storage)
    return [column.value] * count if isinstance(column, Repeated) else column


def stored_column(
    table: str,
    name: str,
    kind: str,
    convert: Converter,
    values: Any,
    count: int,
    *,
    text_storage: bool,
) -> Column:
    """The stored values of one column of `count` rows (see the module doc); `kind` is
    "instant", "amount", "optional amount" or "" (use `convert` value by value).

    Raises:
        JournalError: a value is invalid; names the table, column, row and value.
    """
    if _is_scalar(values):
        item = values.item() if isinstance(values, np.ndarray | np.generic) else values
        return Repeated(_convert_one(table, name, convert, item, "every row"))
    if isinstance(values, np.ndarray):
        if kind == "instant" and values.dtype.kind in "iuM":
            return _instants(table, name, values, text_storage=text_storage)
        if kind in ("amount", "optional amount") and values.dtype.kind == "f":
            return _amounts(
                table, name, values, kind == "optional amount", text_storage=text_storage
            )
        typed = _typed(table, name, convert, values)
        if typed is not None:
            return typed
        items = values.tolist()
    else:
        items = list(values)
    kinds = set(map(type, items))
    if items and kinds <= {str, type(None)}:
        return _texts(table, name, convert, items, type(None) in kinds)
    try:
        return list(map(convert, items))
    except ValueError:
        for index, item in enumerate(items):
            _convert_one(table, name, convert, item, f"row {index}")
        raise


def _convert_one(table: str, name: str, convert: Converter, value: Any, where: str) -> Any:
    try:
        return convert(value)
    except ValueError as exc:
        raise JournalError(f"invalid {table}.{name} {value!r} in {where}: {exc}") from None


def _same(values: np.ndarray) -> bool:
    """Whether every element has the bits of the first (so -0.0 and 0.0 differ)."""
    if len(values) == 0:
        return False
    bits = np.ascontiguousarray(values).view(np.uint8).reshape(len(values), -1)
    return bool((bits == bits[0]).all())


def _typed(table: str, name: str, convert: Converter, values: np.ndarray) -> Column | None:
    """Booleans, integers and ratios whose array dtype already makes them valid (or that
    numpy can check at once); None for anything else."""
    valid = (
        (convert is to_flag and values.dtype.kind == "b")
        or (convert is to_int and values.dtype.kind in "iu")
        or (convert in (to_ratio, to_unit) and values.dtype.kind == "f")
    )
    if not valid:
        return None
    if values.dtype.kind == "f":
        bad = ~np.isfinite(values)
        if convert is to_unit:
            bad |= (values < 0.0) | (values > 1.0)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            _convert_one(table, name, convert, values[index].item(), f"row {index}")
    if _same(values):
        return Repeated(values[0].item())
    items: list[Any] = values.tolist()
    return items


def _texts(table: str, name: str, convert: Converter, items: list[Any], nones: bool) -> Column:
    """Plain strings (and None, if `nones`): text columns are checked at once, others
    convert each distinct value once."""
    if isinstance(convert, Text) and (convert.optional or not nones):
        strings = [item for item in items if item is not None] if nones else items
        if not strings or max(map(len, strings)) <= convert.max_length:
            return Repeated(items[0]) if items.count(items[0]) == len(items) else items
    stored: dict[Any, Any] = {}
    bad: dict[Any, ValueError] = {}
    for value in set(items):
        try:
            stored[value] = convert(value)
        except ValueError as exc:
            bad[value] = exc
    if bad:
        index = min(items.index(value) for value in bad)
        value = items[index]
        raise JournalError(f"invalid {table}.{name} {value!r} in row {index}: {bad[value]}")
    if len(stored) == 1:
        return Repeated(next(iter(stored.values())))
    if all(stored[value] is value for value in stored):
        return items
    return list(map(stored.__getitem__, items))


def _formatting() -> ModuleType:
    # Imported on first use: it loads numba (a fraction of a second), which opening a
    # journal to read it does not need.
    from tradewind.store import formatting

    return formatting


def _instants(table: str, name: str, values: np.ndarray, *, text_storage: bool) -> Column:
    if values.dtype.kind == "M":
        if np.isnat(values).any():
            index = int(np.flatnonzero(np.isnat(values))[0])
            raise JournalError(f"invalid {table}.{name} NaT in row {index}: expected an instant")
        nanos = values.astype("datetime64[ns]").view(np.int64)
    else:
        nanos = values.astype(np.int64)
    micros = nanos // 1000
    outside = (micros < _MIN_US) | (micros > _MAX_US)
    if outside.any():
        index = int(np.flatnonzero(outside)[0])
        raise JournalError(
            f"invalid {table}.{name} {int(nanos[index])} in row {index}: "
            "expected nanoseconds since the epoch within years 1 to 9999"
        )
    repeated = _same(micros)
    if repeated:
        micros = micros[:1]
    stored: list[Any]
    if text_storage:
        stored = _formatting().instant_texts(micros)
    else:
        stamps = micros.astype("datetime64[us]").astype(object).tolist()
        stored = [stamp.replace(tzinfo=UTC) for stamp in stamps]
    return Repeated(stored[0]) if repeated else stored


def _amounts(
    table: str, name: str, values: np.ndarray, optional: bool, *, text_storage: bool
) -> Column:
    numbers = values.astype(np.float64)
    missing = np.isnan(numbers)
    bad = ~(np.abs(numbers) < _FLOAT_LIMIT)  # True for NaN and infinities too
    if optional:
        bad &= ~missing
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        value = float(numbers[index])
        expected = "a finite number" if not math.isfinite(value) else "an absolute value below 1e26"
        raise JournalError(f"invalid {table}.{name} {value!r} in row {index}: expected {expected}")
    if optional and missing.all():
        return Repeated(None)
    repeated = _same(numbers)
    if repeated:
        numbers = numbers[:1]
    elif optional:
        numbers = np.where(missing, 0.0, numbers)
    out: list[Any]
    if text_storage:
        out = _formatting().amount_texts(numbers)
    else:
        out = list(map(Decimal, _formatting().fixed_point_texts(numbers)))
    if repeated:
        return Repeated(out[0])
    if optional and missing.any():
        for index in np.flatnonzero(missing).tolist():
            out[index] = None
    return out
