"""Read bar series out of catalog files with one DuckDB query.

Filters on `timestamp` are pushed down into the Parquet scan; several series come
back from one query and are split into one Arrow table each without copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from tradewind.data.layout import BAR_SCHEMA
from tradewind.data.schema import BAR_COLUMNS, VALUE_FIELDS, BarArrays, CatalogEntry, DataError

__all__ = ["BarSpan", "query_span", "query_tables", "table_to_arrays", "table_to_frame", "to_utc"]


@dataclass(frozen=True, slots=True)
class BarSpan:
    """Where a series has bars within a window: first and last bar time (None without
    bars) and how many."""

    first: pd.Timestamp | None
    last: pd.Timestamp | None
    bars: int


def query_tables(
    connection: duckdb.DuckDBPyConnection, entries: list[CatalogEntry], start: Any, end: Any
) -> dict[str, pa.Table]:
    """One Arrow table per entry (deduplicated, keyed by symbol, in request order).

    `start`/`end` bound `timestamp` inclusively; the symbols must be distinct.

    Raises:
        DataError: unreadable bounds or catalog files.
    """
    unique = list({entry.key: entry for entry in entries}.values())
    if not unique:
        return {}
    source, where, params = _scan(unique, start, end)
    several = len(unique) > 1
    sql = f"SELECT {', '.join(BAR_COLUMNS)}{', symbol' if several else ''} {source}{where}" + (
        " ORDER BY symbol, timestamp" if several else " ORDER BY timestamp"
    )
    try:
        table = connection.sql(sql, params=params).to_arrow_table()
    except duckdb.Error as exc:
        raise DataError(f"cannot read catalog files for {len(unique)} series: {exc}") from None
    if not several:
        return {unique[0].symbol: table.cast(BAR_SCHEMA)}
    return _split_by_symbol(table, [e.symbol for e in unique])


def query_span(
    connection: duckdb.DuckDBPyConnection, entry: CatalogEntry, start: Any, end: Any
) -> BarSpan:
    """First and last bar time and the bar count of one series within `start`..`end`
    (inclusive), read from the timestamp column alone.

    Raises:
        DataError: unreadable bounds or catalog files.
    """
    source, where, params = _scan([entry], start, end)
    sql = f"SELECT min(timestamp), max(timestamp), count(*) {source}{where}"
    try:
        ((first, last, bars),) = connection.execute(sql, params).fetchall()
    except duckdb.Error as exc:
        raise DataError(f"cannot read catalog files of {entry.symbol}: {exc}") from None
    return BarSpan(
        first=None if first is None else to_utc(first),
        last=None if last is None else to_utc(last),
        bars=int(bars),
    )


def _scan(entries: list[CatalogEntry], start: Any, end: Any) -> tuple[str, str, list[str]]:
    """`FROM read_parquet(...)`, ` WHERE ...` on timestamp (or ""), and its parameters."""
    files = ", ".join("'" + str(e.path).replace("'", "''") + "'" for e in entries)
    where, params = [], []
    for bound, op in ((start, ">="), (end, "<=")):
        if bound is not None:
            where.append(f"timestamp {op} CAST(? AS TIMESTAMPTZ_NS)")
            params.append(to_utc(bound).isoformat())
    source = f"FROM read_parquet([{files}], hive_partitioning = true, hive_types_autocast = false)"
    return source, (f" WHERE {' AND '.join(where)}" if where else ""), params


def _split_by_symbol(table: pa.Table, symbols: list[str]) -> dict[str, pa.Table]:
    # Rows are ordered by symbol, so each series is one contiguous slice.
    codes = table.column("symbol").combine_chunks().dictionary_encode()
    names = codes.dictionary.to_pylist()
    indices = codes.indices.to_numpy(zero_copy_only=False)
    bars = table.drop_columns(["symbol"]).cast(BAR_SCHEMA)
    bounds = np.flatnonzero(np.diff(indices)) + 1
    starts = np.concatenate(([0], bounds)) if indices.size else np.zeros(0, dtype=np.int64)
    stops = np.concatenate((bounds, [indices.size])) if indices.size else starts
    found = {
        names[int(indices[lo])]: bars.slice(int(lo), int(hi - lo))
        for lo, hi in zip(starts, stops, strict=True)
    }
    return {symbol: found.get(symbol, bars.slice(0, 0)) for symbol in symbols}


def table_to_frame(table: pa.Table) -> pd.DataFrame:
    """The normalized bar frame of one series table."""
    frame: pd.DataFrame = table.to_pandas()
    return frame


def table_to_arrays(symbol: str, table: pa.Table) -> BarArrays:
    """Read-only numpy arrays of one series table (times as int64 ns UTC)."""

    def column(name: str, as_int: bool = False) -> np.ndarray:
        values = table.column(name)
        if as_int:
            values = values.cast(pa.int64())
        array = np.ascontiguousarray(values.to_numpy(), dtype=np.int64 if as_int else np.float64)
        array.flags.writeable = False
        return array

    return BarArrays(
        symbol,
        column("timestamp", as_int=True),
        column("close_time", as_int=True),
        *(column(name) for name in VALUE_FIELDS),
    )


def to_utc(value: Any) -> pd.Timestamp:
    """A date/time (string, date, Timestamp) as a UTC Timestamp; naive means UTC.

    Raises:
        DataError: the value is not a date/time.
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(
            f"invalid date/time {value!r}: expected e.g. 2020-01-31 or 2020-01-31T14:00Z"
        ) from None
    if pd.isna(stamp):
        raise DataError(f"invalid date/time {value!r}: expected e.g. 2020-01-31")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
