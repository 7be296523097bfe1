"""Read bar files (CSV, CSV.gz, Parquet) in the shapes common sources export.

Everything is read as text first, so a bad value becomes a flagged row (quarantined
later by validation) instead of an exception. File-level problems (missing file, no
timestamp or price column, unknown format, broken CSV structure) raise `DataError`.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tradewind.data.columns import ColumnPlan, looks_like_header, plan_columns
from tradewind.data.schema import VALUE_FIELDS, DataError
from tradewind.data.timeparse import (
    ParsedTimes,
    TimeframeMismatchError,
    parse_time_text,
    parse_time_values,
)
from tradewind.data.validation import ParseIssue
from tradewind.domain.timeframe import Timeframe

__all__ = ["RawBars", "read_bar_file"]

_CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz", ".csv.bz2", ".csv.xz")
_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_SCAN_LINES = 30
_MISSING = ("", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "null", "NULL", "None", "-", ".", "#N/A")
_SUFFIX_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9}


@dataclass(frozen=True, slots=True)
class RawBars:
    """A bar file as read: parsed values in file order plus what could not be parsed.

    `frame` has `timestamp` (UTC; NaT where unparsed) and `open..volume` (float64; NaN
    where absent or unparsed). `fields` lists the value columns the file really has;
    `row_numbers` are 1-based file lines for CSV and 1-based rows for Parquet; `raw`
    holds every source column as read (text for CSV); `issues` are the parse-stage
    problems.
    """

    path: Path
    frame: pd.DataFrame
    fields: tuple[str, ...]
    row_numbers: np.ndarray
    raw: pd.DataFrame
    issues: tuple[ParseIssue, ...]
    columns: Mapping[str, str]
    price_adjustment: str | None
    notes: tuple[str, ...]
    reversed_order: bool = False


def read_bar_file(
    path: Path | str,
    *,
    tz: str | None = None,
    columns: Mapping[str, str] | None = None,
    timestamp_format: str | None = None,
    timeframe: Timeframe | str | None = None,
) -> RawBars:
    """Read a CSV (optionally .gz/.bz2/.xz) or Parquet bar file.

    Args:
        tz: IANA zone of naive timestamps (default UTC); offsets in the text win.
        columns: explicit mapping canonical -> source column, e.g. {"date": "Datum"}.
        timestamp_format: strftime format of the timestamp text (default: detected).
        timeframe: daily or longer -> timestamps become date labels (00:00 UTC of the
            date as written); otherwise UTC instants.

    Raises:
        DataError: the file is missing, of unknown format, structurally broken, or
            lacks a timestamp or price column.
    """
    file = Path(path)
    if not file.is_file():
        raise DataError(f"{file}: file not found" if not file.exists() else f"{file}: not a file")
    daily = timeframe is not None and not Timeframe.parse(timeframe).is_intraday
    name = file.name.lower()
    if name.endswith(_PARQUET_SUFFIXES):
        text, row_numbers, delimiter = _read_parquet(file), None, ","
    elif name.endswith(_CSV_SUFFIXES):
        text, row_numbers, delimiter = _read_csv(file, columns)
    else:
        raise DataError(
            f"{file}: unknown file format; expected a name ending in "
            f"{', '.join(_CSV_SUFFIXES + _PARQUET_SUFFIXES)}"
        )
    if row_numbers is None:
        row_numbers = np.arange(1, len(text) + 1, dtype=np.int64)
    text.columns = [str(c) for c in text.columns]
    plan = plan_columns(file.name, list(text.columns), columns, _first_values(text))
    return _assemble(file, text, row_numbers, plan, delimiter, tz or "UTC", timestamp_format, daily)


def _first_values(table: pd.DataFrame) -> dict[str, str]:
    head = table.head(50)
    out: dict[str, str] = {}
    for name in head.columns:
        cells = head[name].astype("str").str.strip()
        filled = cells[cells != ""]
        out[name] = str(filled.iloc[0]) if len(filled) else ""
    return out


def _assemble(
    file: Path,
    table: pd.DataFrame,
    row_numbers: np.ndarray,
    plan: ColumnPlan,
    delimiter: str,
    tz: str,
    timestamp_format: str | None,
    daily: bool,
) -> RawBars:
    try:
        times = _parse_times(table, plan, tz, timestamp_format, daily)
    except TimeframeMismatchError as exc:
        raise DataError(f"{file}: {exc}") from None
    issues = list(times.issues)
    notes = [*plan.notes, *times.notes]
    frame = pd.DataFrame(
        {"timestamp": pd.DatetimeIndex(times.values.view("datetime64[ns]")).tz_localize("UTC")}
    )
    decimal_comma = delimiter == ";" and any(
        bool(table[c].astype("str").str.contains(",", regex=False).any())
        for c in plan.fields.values()
    )
    if decimal_comma:
        notes.append("numbers read with decimal comma and '.' thousands separators")
    for name in VALUE_FIELDS:
        source = plan.fields.get(name)
        if source is None:
            frame[name] = np.nan
            continue
        values, unparsed = _parse_numbers(table[source], decimal_comma=decimal_comma)
        frame[name] = values
        if unparsed.any():
            shown = table[source].astype("str").to_numpy(dtype=object)
            reason = f"{name} '" + shown + "' is not a number"
            issues.append(ParseIssue("unparseable_number", unparsed, reason))
    raw = table
    reversed_order = _is_newest_first(times.values)
    if reversed_order:
        order = np.arange(len(frame))[::-1]
        frame = frame.iloc[order].reset_index(drop=True)
        raw = raw.iloc[order].reset_index(drop=True)
        row_numbers = row_numbers[order]
        issues = [_reverse(issue) for issue in issues]
        notes.append("file is newest-first; rows reversed to ascending order")
    return RawBars(
        path=file,
        frame=frame,
        fields=tuple(name for name in VALUE_FIELDS if name in plan.fields),
        row_numbers=np.ascontiguousarray(row_numbers, dtype=np.int64),
        raw=raw.reset_index(drop=True),
        issues=tuple(issues),
        columns=dict(plan.fields, timestamp=" + ".join(plan.timestamp)),
        price_adjustment=plan.price_adjustment,
        notes=tuple(notes),
        reversed_order=reversed_order,
    )


def _reverse(issue: ParseIssue) -> ParseIssue:
    reason = issue.reason if isinstance(issue.reason, str) else issue.reason[::-1].copy()
    return ParseIssue(issue.rule, np.asarray(issue.mask)[::-1].copy(), reason)


def _is_newest_first(values: np.ndarray) -> bool:
    # Majority vote, so a newest-first file with a few bad rows is still recognised.
    known = values[values != np.iinfo(np.int64).min]
    if known.size < 2:
        return False
    steps = np.diff(known)
    return int((steps < 0).sum()) > int((steps > 0).sum())


def _parse_times(
    table: pd.DataFrame, plan: ColumnPlan, tz: str, timestamp_format: str | None, daily: bool
) -> ParsedTimes:
    if len(plan.timestamp) == 2:
        date, clock = (table[c].astype("str").str.strip() for c in plan.timestamp)
        text = (date + " " + clock).where(clock != "", date)
        return parse_time_text(text, tz=tz, timestamp_format=timestamp_format, daily=daily)
    column = table[plan.timestamp[0]]
    if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
        return parse_time_text(column, tz=tz, timestamp_format=timestamp_format, daily=daily)
    return parse_time_values(column, tz=tz, daily=daily)


def _parse_numbers(column: pd.Series, *, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan), np.zeros(len(column), dtype=bool)
    text = column.astype("str").str.strip()
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    missing = text.isin(_MISSING).to_numpy()
    numbers = pd.to_numeric(text.where(~missing, "nan"), errors="coerce")
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    unparsed = np.isnan(values) & ~missing & (text.str.lower() != "nan").to_numpy()
    if unparsed.any():
        values, unparsed = _with_suffixes(text, values, unparsed)
    return values, unparsed


def _with_suffixes(
    text: pd.Series, values: np.ndarray, unparsed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    # Volume exports such as "1.25M" or "830.5K".
    parts = text.str.extract(r"^([+-]?\d+(?:\.\d+)?)\s*([KMBkmb])$")
    scaled = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    factor = parts[1].str.upper().map(_SUFFIX_SCALE).to_numpy(dtype="float64", na_value=np.nan)
    fixed = unparsed & np.isfinite(scaled * factor)
    values = np.where(fixed, scaled * factor, values)
    return values, unparsed & ~fixed


def _read_parquet(file: Path) -> pd.DataFrame:
    try:
        table: pd.DataFrame = pq.read_table(file).to_pandas()
    except Exception as exc:  # pyarrow raises several unrelated types for broken files
        raise DataError(f"{file}: not a readable Parquet file ({exc})") from None
    return table


def _open_text(file: Path) -> list[str]:
    name = file.name.lower()
    opener = (
        gzip.open
        if name.endswith(".gz")
        else bz2.open
        if name.endswith(".bz2")
        else lzma.open
        if name.endswith(".xz")
        else open
    )
    lines: list[str] = []
    try:
        with opener(file, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
            for line in handle:
                lines.append(line.rstrip("\r\n"))
                if len(lines) >= _HEADER_SCAN_LINES:
                    break
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise DataError(f"{file}: cannot read the file ({exc})") from None
    return lines


def _read_csv(
    file: Path, columns: Mapping[str, str] | None
) -> tuple[pd.DataFrame, np.ndarray, str]:
    lines = _open_text(file)
    if not any(line.strip() for line in lines):
        raise DataError(f"{file}: the file is empty; expected a header line and bar rows")
    header_index, delimiter = _find_header(lines, columns)
    try:
        table = pd.read_csv(
            file,
            sep=delimiter,
            skiprows=header_index,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            compression="infer",
            encoding="utf-8-sig",
            encoding_errors="replace",
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        message = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc)).strip()
        raise DataError(f"{file}: malformed CSV: {message}") from None
    table.columns = [str(c).strip() for c in table.columns]
    unnamed = [
        c for c in table.columns if c.startswith("Unnamed: ") and bool((table[c] == "").all())
    ]
    table = table.drop(columns=unnamed)
    # Line numbers: header is line header_index + 1, data rows follow one per line.
    row_numbers = np.arange(len(table), dtype=np.int64) + header_index + 2
    blank = (table == "").all(axis=1).to_numpy() if len(table.columns) else np.zeros(0, bool)
    if blank.any():
        table = table.loc[~blank].reset_index(drop=True)
        row_numbers = row_numbers[~blank]
    return table, row_numbers, delimiter


def _find_header(lines: list[str], columns: Mapping[str, str] | None) -> tuple[int, str]:
    fallback: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        delimiter = max(_DELIMITERS, key=line.count)
        cells = [c.strip().strip('"') for c in line.split(delimiter)]
        if looks_like_header(cells, columns):
            return index, delimiter
        if fallback is None:
            fallback = (index, delimiter)
    return fallback or (0, ",")
