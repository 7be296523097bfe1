"""Column-wise conversion for bulk writes: arrays in, stored values out.

A backtest hands the journal whole columns (numpy arrays, lists or a pandas DataFrame)
instead of one record object per row. Timestamps (integer nanoseconds or datetime64) and
float amounts are converted vectorized; other columns go through the same per-value
converters as records. A scalar in place of a column is repeated for every row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from tradewind.store.errors import JournalError
from tradewind.store.values import AMOUNT_SCALE, Converter

__all__ = ["convert_column", "is_columnar", "take_columns"]

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
    """`count` stored values of one column (see the module doc).

    Raises:
        JournalError: a value is invalid; names the table, column, row and value.
    """
    if _is_scalar(values):
        item = values.item() if isinstance(values, np.ndarray | np.generic) else values
        return [_convert_one(table, name, convert, item, "every row")] * count
    if isinstance(values, np.ndarray):
        if kind == "instant" and values.dtype.kind in "iuM":
            return _instants(table, name, values, text_storage=text_storage)
        if kind in ("amount", "optional amount") and values.dtype.kind == "f":
            return _amounts(
                table, name, values, kind == "optional amount", text_storage=text_storage
            )
        items = values.tolist()
    else:
        items = list(values)
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


def _instants(table: str, name: str, values: np.ndarray, *, text_storage: bool) -> list[Any]:
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
    stamps = micros.astype("datetime64[us]")
    if text_storage:
        texts: list[Any] = np.strings.add(
            np.datetime_as_string(stamps, unit="us"), "+00:00"
        ).tolist()
        return texts
    return [stamp.replace(tzinfo=UTC) for stamp in stamps.astype(object).tolist()]


def _amounts(
    table: str, name: str, values: np.ndarray, optional: bool, *, text_storage: bool
) -> list[Any]:
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
    out: list[Any]
    if text_storage:
        texts = [f"{number:.12f}".rstrip("0") for number in numbers.tolist()]
        out = [
            text if text != "-0" else "0"
            for text in (text[:-1] if text[-1] == "." else text for text in texts)
        ]
    else:
        out = [Decimal(f"{number:.12f}") for number in numbers.tolist()]
    if optional and missing.any():
        for index in np.flatnonzero(missing).tolist():
            out[index] = None
    return out
