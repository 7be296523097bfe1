"""On-disk layout of a catalog root: hive-partitioned Parquet plus `meta.json` per series.

```
<root>/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/bars.parquet
<root>/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/meta.json
<root>/_quarantine/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/<ingest id>.parquet
```
Files are written to a temporary name in the same directory and renamed, so readers never
see half a file; a failed write (permission denied, disk full) removes its temporary file
and the directories it created, and raises `DataError` naming the path.
"""

from __future__ import annotations

import errno
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tradewind.data.schema import BAR_COLUMNS, VALUE_FIELDS, CatalogEntry, DataError, DataSource
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = [
    "BARS_FILE",
    "META_FILE",
    "QUARANTINE_DIR",
    "attach_close_times",
    "entry_from_meta",
    "new_ingest_id",
    "normalize_symbol",
    "quarantine_file",
    "read_meta",
    "remove_quarantine",
    "series_dir",
    "write_bars_file",
    "write_meta",
    "write_quarantine",
    "write_series",
]

BARS_FILE = "bars.parquet"
META_FILE = "meta.json"
QUARANTINE_DIR = "_quarantine"
META_VERSION = 1

_CLOSE_SLICE_ROWS = 500_000
_SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9._\-^=]{0,39}$")
_UTC_NS = pa.timestamp("ns", tz="UTC")
# Bar times step regularly, so delta encoding shrinks them ~10x; floats rarely repeat.
_TIME_ENCODING = {"timestamp": "DELTA_BINARY_PACKED", "close_time": "DELTA_BINARY_PACKED"}
BAR_SCHEMA = pa.schema(
    [("timestamp", _UTC_NS), ("close_time", _UTC_NS)]
    + [(name, pa.float64()) for name in VALUE_FIELDS]
)


def normalize_symbol(symbol: str) -> str:
    """Upper-case and check a symbol (`btc-usd` -> `BTC-USD`).

    Raises:
        DataError: characters other than letters, digits and `. _ - ^ =`, or too long.
    """
    text = str(symbol).strip().upper()
    if not _SYMBOL.match(text):
        hint = " (write pairs with '-', e.g. BTC-USD)" if "/" in text else ""
        raise DataError(
            f"invalid symbol {symbol!r}: expected 1-40 letters, digits or . _ - ^ ={hint}"
        )
    return text


def series_dir(root: Path, market: MarketClass, symbol: str, timeframe: str) -> Path:
    return root / f"market={market.value}" / f"symbol={symbol}" / f"timeframe={timeframe}"


def quarantine_file(
    root: Path, market: MarketClass, symbol: str, timeframe: str, ingest_id: str
) -> Path:
    partition = series_dir(root / QUARANTINE_DIR, market, symbol, timeframe)
    return partition / f"{ingest_id}.parquet"


def new_ingest_id() -> str:
    """Sortable, unique id such as `20261121T101500Z-3f9a1c`."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def _write_error(path: Path, exc: OSError, *, creating: bool = False) -> DataError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "no space left on device (disk full)" if exc.errno == errno.ENOSPC else "over quota"
        hint = "free some space and import again"
    else:
        why = exc.strerror or str(exc)
        hint = "choose a writable --catalog or $TRADEWIND_CATALOG_DIR"
    what = "create the catalog directory" if creating else "write"
    return DataError(f"cannot {what} {path}: {why}; the catalog was left unchanged ({hint})")


def _make_dirs(directory: Path) -> list[Path]:
    """Create `directory` and its parents; returns the ones created, deepest first."""
    missing: list[Path] = []
    current = directory
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_dirs(missing)
        raise _write_error(directory, exc, creating=True) from None
    return missing


def _remove_dirs(directories: Iterable[Path]) -> None:
    for directory in directories:
        try:
            directory.rmdir()
        except OSError:
            return  # not empty (or already gone): keep it and its parents


@contextmanager
def _staged(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside `targets`, renamed onto them if the block succeeds.

    On any failure the temporaries and the directories made for them are removed, and
    an OSError becomes a `DataError` naming the path.
    """
    created: list[Path] = []
    for directory in dict.fromkeys(t.parent for t in targets):
        created.extend(_make_dirs(directory))
    temporaries = [t.with_name(f".{t.name}.{uuid.uuid4().hex[:8]}.tmp") for t in targets]
    done = False
    try:
        yield temporaries
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
        done = True
    except OSError as exc:
        named = {str(tmp): target for tmp, target in zip(temporaries, targets, strict=True)}
        raise _write_error(named.get(str(exc.filename), targets[0]), exc) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if not done:
            _remove_dirs(created)


def _replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    with _staged([target]) as (temporary,):
        write(temporary)


def _bar_table(frame: pd.DataFrame) -> pa.Table:
    arrays = [
        pa.array(frame[name].to_numpy(dtype="datetime64[ns]"), type=pa.timestamp("ns")).cast(
            _UTC_NS
        )
        for name in ("timestamp", "close_time")
    ] + [
        pa.array(frame[name].to_numpy(dtype="float64"), type=pa.float64()) for name in VALUE_FIELDS
    ]
    return pa.Table.from_arrays(arrays, schema=BAR_SCHEMA)


def _write_bar_table(table: pa.Table, path: Path) -> None:
    pq.write_table(
        table, path, compression="zstd", use_dictionary=False, column_encoding=_TIME_ENCODING
    )


def _meta_text(meta: Mapping[str, Any]) -> str:
    return json.dumps(meta, indent=2, sort_keys=False, default=str) + "\n"


def write_bars_file(directory: Path, frame: pd.DataFrame) -> Path:
    """Write a normalized bar frame as `bars.parquet` (zstd) in `directory`.

    Raises:
        DataError: the file cannot be written (the message names the path and why).
    """
    table = _bar_table(frame)
    target = directory / BARS_FILE
    _replace_atomically(target, lambda tmp: _write_bar_table(table, tmp))
    return target


def write_series(directory: Path, frame: pd.DataFrame, meta: Mapping[str, Any]) -> Path:
    """Write `bars.parquet` and `meta.json` of a series; the old pair stays if either fails.

    Raises:
        DataError: a file cannot be written (the message names the path and why).
    """
    table = _bar_table(frame)
    targets = [directory / BARS_FILE, directory / META_FILE]
    with _staged(targets) as (bars_tmp, meta_tmp):
        _write_bar_table(table, bars_tmp)
        meta_tmp.write_text(_meta_text(meta), encoding="utf-8")
    return targets[0]


def write_quarantine(path: Path, quarantine: pd.DataFrame | Iterable[pd.DataFrame]) -> Path:
    """Write quarantine rows (a frame, or frames chunk by chunk) as one Parquet file.

    Raises:
        DataError: the file cannot be written (the message names the path and why).
    """
    chunks = [quarantine] if isinstance(quarantine, pd.DataFrame) else quarantine
    with _staged([path]) as (temporary,):
        writer: pq.ParquetWriter | None = None
        try:
            for chunk in chunks:
                table = _quarantine_table(chunk)
                if writer is None:
                    writer = pq.ParquetWriter(temporary, table.schema, compression="zstd")
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
    return path


def _quarantine_table(chunk: pd.DataFrame) -> pa.Table:
    columns = {
        name: pa.array(chunk[name].to_numpy(dtype=np.int64), type=pa.int64())
        if name == "row_number"
        else pa.array(
            chunk[name].astype("str").to_numpy(dtype=object), type=pa.string(), from_pandas=True
        )
        for name in chunk.columns
    }
    return pa.table(columns)


def remove_quarantine(path: Path, root: Path) -> None:
    """Delete a quarantine file and the partition directories it leaves empty."""
    path.unlink(missing_ok=True)
    top = root / QUARANTINE_DIR
    parents = [p for p in path.parents if p == top or top in p.parents]
    _remove_dirs(parents)


def write_meta(directory: Path, meta: Mapping[str, Any]) -> Path:
    """Write `meta.json` in `directory`.

    Raises:
        DataError: the file cannot be written (the message names the path and why).
    """
    target = directory / META_FILE
    text = _meta_text(meta)
    _replace_atomically(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target


def read_meta(directory: Path) -> dict[str, Any]:
    """The series metadata in `directory`.

    Raises:
        DataError: the file is missing or is not valid JSON.
    """
    path = directory / META_FILE
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: series metadata not found") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON ({exc})") from None
    if not isinstance(loaded, dict):
        raise DataError(f"{path}: expected a JSON object")
    return loaded


def entry_from_meta(directory: Path, meta: Mapping[str, Any], source: DataSource) -> CatalogEntry:
    """Build a `CatalogEntry` from a `meta.json` mapping.

    Raises:
        DataError: a required key is missing or invalid.
    """
    try:
        return CatalogEntry(
            market=MarketClass(meta["market"]),
            symbol=str(meta["symbol"]),
            timeframe=str(meta["timeframe"]),
            rows=int(meta["rows"]),
            first=pd.Timestamp(meta["first"]) if meta.get("first") else None,
            last=pd.Timestamp(meta["last"]) if meta.get("last") else None,
            fields=tuple(meta["fields"]),
            calendar=str(meta["calendar"]),
            quote_type=QuoteType(meta.get("quote_type", "price")),
            source=source,
            price_adjustment=meta.get("price_adjustment"),
            path=directory / BARS_FILE,
            description=str(meta.get("description", "")),
            units=str(meta.get("units", "")),
            origin=str(meta.get("source", "")),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise DataError(f"{directory / META_FILE}: invalid series metadata ({exc})") from None


def attach_close_times(
    frame: pd.DataFrame, calendar: str, timeframe: Timeframe
) -> tuple[pd.DataFrame, int]:
    """Return the frame with `close_time` from the calendar, and how many bars lie outside it.

    Bars the calendar has no session for (a daily bar on a holiday, an intraday bar
    outside trading hours, dates beyond the calendar's range) close at
    `timestamp + timeframe`: never earlier than the bar could really close.
    """
    from tradewind.data.calendars import get_calendar

    stamps = pd.DatetimeIndex(frame["timestamp"]).as_unit("ns")
    cal = get_calendar(calendar)
    closes = np.empty(len(stamps), dtype=np.int64)
    outside = 0
    # In slices, so the calendar lookups of a large series need little scratch memory.
    for first in range(0, len(stamps), _CLOSE_SLICE_ROWS):
        part = stamps[first : first + _CLOSE_SLICE_ROWS]
        closes[first : first + len(part)], missing = _close_times(part, cal, timeframe)
        outside += missing
    close_time = pd.DatetimeIndex(closes.view("datetime64[ns]")).tz_localize("UTC")
    columns = {"timestamp": frame["timestamp"], "close_time": close_time}
    columns.update((name, frame[name]) for name in BAR_COLUMNS[2:])
    # copy=False: the bar columns are shared, not copied (a large import holds them once).
    return pd.DataFrame(columns, copy=False), outside


def _close_times(
    stamps: pd.DatetimeIndex, cal: Any, timeframe: Timeframe
) -> tuple[np.ndarray, int]:
    """Close instants (int64 ns) of `stamps` and how many fell back to timestamp + timeframe."""
    from tradewind.data.calendars import CalendarRangeError

    closes = _fallback_close(stamps, timeframe).as_unit("ns").asi8
    ns = stamps.asi8
    covered = (ns >= pd.Timestamp(cal.first_session).value) & (
        ns <= pd.Timestamp(cal.last_session).value
    )
    if not covered.any():
        return closes, len(ns)
    everything = bool(covered.all())  # the usual case: no subset copies
    try:
        found = cal.bar_close_times(stamps if everything else stamps[covered], timeframe)
        found_ns = found.as_unit("ns").asi8
    except CalendarRangeError:
        found_ns = np.full(int(covered.sum()), np.iinfo(np.int64).min)
    known = found_ns != np.iinfo(np.int64).min
    if everything:
        closes = np.where(known, found_ns, closes)
    else:
        closes = closes.copy()
        closes[np.flatnonzero(covered)[known]] = found_ns[known]
    return closes, int(len(ns) - known.sum())


def _fallback_close(stamps: pd.DatetimeIndex, timeframe: Timeframe) -> pd.DatetimeIndex:
    if timeframe.unit is TimeUnit.MONTH:
        return stamps + pd.DateOffset(months=timeframe.count)
    return stamps + pd.Timedelta(seconds=timeframe.seconds)
