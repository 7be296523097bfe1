"""On-disk layout of a catalog root: hive-partitioned Parquet plus `meta.json` per series.

```
<root>/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/bars.parquet
<root>/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/meta.json
<root>/_quarantine/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/<ingest id>.parquet
```
Files are written to a temporary name and renamed, so readers never see half a file.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Mapping
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
    "series_dir",
    "write_bars_file",
    "write_meta",
    "write_quarantine",
]

BARS_FILE = "bars.parquet"
META_FILE = "meta.json"
QUARANTINE_DIR = "_quarantine"
META_VERSION = 1

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


def _replace_atomically(target: Path, write: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_bars_file(directory: Path, frame: pd.DataFrame) -> Path:
    """Write a normalized bar frame as `bars.parquet` (zstd) in `directory`."""
    arrays = [
        pa.array(frame[name].to_numpy(dtype="datetime64[ns]"), type=pa.timestamp("ns")).cast(
            _UTC_NS
        )
        for name in ("timestamp", "close_time")
    ] + [
        pa.array(frame[name].to_numpy(dtype="float64"), type=pa.float64()) for name in VALUE_FIELDS
    ]
    table = pa.Table.from_arrays(arrays, schema=BAR_SCHEMA)
    target = directory / BARS_FILE
    _replace_atomically(
        target,
        lambda tmp: pq.write_table(
            table,
            tmp,
            compression="zstd",
            use_dictionary=False,
            column_encoding=_TIME_ENCODING,
        ),
    )
    return target


def write_quarantine(path: Path, quarantine: pd.DataFrame) -> Path:
    table = pa.Table.from_pandas(quarantine, preserve_index=False)
    _replace_atomically(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    return path


def write_meta(directory: Path, meta: Mapping[str, Any]) -> Path:
    target = directory / META_FILE
    text = json.dumps(meta, indent=2, sort_keys=False, default=str) + "\n"
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
    from tradewind.data.calendars import CalendarRangeError, get_calendar

    stamps = pd.DatetimeIndex(frame["timestamp"])
    fallback = _fallback_close(stamps, timeframe)
    cal = get_calendar(calendar)
    ns = stamps.as_unit("ns").asi8
    first = pd.Timestamp(cal.first_session).value
    last = pd.Timestamp(cal.last_session).value
    covered = (ns >= first) & (ns <= last)
    closes = fallback.as_unit("ns").asi8.copy()
    if covered.any():
        try:
            found = cal.bar_close_times(stamps[covered], timeframe).as_unit("ns").asi8
        except CalendarRangeError:
            found = np.full(int(covered.sum()), np.iinfo(np.int64).min)
        known = found != np.iinfo(np.int64).min
        positions = np.flatnonzero(covered)[known]
        closes[positions] = found[known]
        outside = int(len(ns) - known.sum())
    else:
        outside = len(ns)
    result = frame.copy()
    result["close_time"] = pd.DatetimeIndex(closes.view("datetime64[ns]")).tz_localize("UTC")
    return result[list(BAR_COLUMNS)], outside


def _fallback_close(stamps: pd.DatetimeIndex, timeframe: Timeframe) -> pd.DatetimeIndex:
    if timeframe.unit is TimeUnit.MONTH:
        return stamps + pd.DateOffset(months=timeframe.count)
    return stamps + pd.Timedelta(seconds=timeframe.seconds)
