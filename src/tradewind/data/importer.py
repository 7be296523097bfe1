"""Read bar files (CSV, CSV .gz/.bz2/.xz, Parquet) in the shapes common sources export.

The file is read in chunks (`csv_chunks`, `parquet_source`) and each chunk's text is
parsed into arrays at once, so memory holds the parsed numbers of every row but the
text of one chunk only. A bad value becomes a flagged row (quarantined later by
validation) instead of an exception. File-level problems (missing file, no timestamp or
price column, unknown format, broken CSV structure, over a size limit) raise `DataError`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute

from tradewind.data.columns import ColumnPlan, plan_columns
from tradewind.data.csv_chunks import CSV_SUFFIXES, CsvSource, RowChunk
from tradewind.data.limits import ImportLimits
from tradewind.data.parquet_source import PARQUET_SUFFIXES, ParquetSource
from tradewind.data.quarantine import RawRows
from tradewind.data.schema import VALUE_FIELDS, DataError
from tradewind.data.timeparse import ParsedTimes, TimeframeMismatchError, TimeParser
from tradewind.data.validation import ParseIssue
from tradewind.domain.timeframe import Timeframe

__all__ = ["RawBars", "read_bar_file"]

_MISSING = ("", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "null", "NULL", "None", "-", ".", "#N/A")
_SUFFIX_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9}
_NAT = np.iinfo(np.int64).min
_DEFAULT_CAPACITY = 1_000_000  # rows, when the source cannot estimate its size


@dataclass(frozen=True, slots=True)
class RawBars:
    """A bar file as read: parsed values in file order plus what could not be parsed.

    `timestamps` are int64 ns UTC (the NaT sentinel, int64 min, where unparsed);
    `values` holds float64 arrays for the value fields the file really has (`fields`;
    NaN where unparsed). `row_numbers` are 1-based file lines for CSV and 1-based rows
    for Parquet; `source` fetches the raw text of rows by number (for the quarantine);
    `issues` are the parse-stage problems; `blank_lines` counts lines with no characters
    at all, which are skipped (every other line is a row).
    """

    path: Path
    timestamps: np.ndarray
    values: Mapping[str, np.ndarray]
    fields: tuple[str, ...]
    row_numbers: np.ndarray
    source: RawRows
    issues: tuple[ParseIssue, ...]
    columns: Mapping[str, str]
    price_adjustment: str | None
    notes: tuple[str, ...]
    reversed_order: bool = False
    blank_lines: int = field(default=0)

    @property
    def frame(self) -> pd.DataFrame:
        """`timestamp` (UTC; NaT where unparsed) and `open..volume` (NaN where absent)."""
        size = self.timestamps.shape[0]
        return pd.DataFrame(
            {
                "timestamp": pd.DatetimeIndex(self.timestamps.view("datetime64[ns]"), tz="UTC"),
                **{name: self.values.get(name, np.full(size, np.nan)) for name in VALUE_FIELDS},
            }
        )

    @property
    def raw(self) -> pd.DataFrame:
        """Every source column as read, one row per frame row (reads the file again)."""
        order = np.argsort(self.row_numbers, kind="stable")
        wanted = np.ascontiguousarray(self.row_numbers[order], dtype=np.int64)
        parts = [table for _, table in self.source.fetch(wanted)]
        if not parts:
            return pd.DataFrame(columns=list(self.source.columns))
        table = pd.concat(parts, ignore_index=True)
        back = np.empty_like(order)
        back[order] = np.arange(order.size)
        return table.iloc[back].reset_index(drop=True)


def read_bar_file(
    path: Path | str,
    *,
    tz: str | None = None,
    columns: Mapping[str, str] | None = None,
    timestamp_format: str | None = None,
    timeframe: Timeframe | str | None = None,
    limits: ImportLimits | None = None,
) -> RawBars:
    """Read a CSV (optionally .gz/.bz2/.xz) or Parquet bar file, chunk by chunk.

    Args:
        tz: IANA zone of naive timestamps (default UTC); offsets in the text win.
        columns: explicit mapping canonical -> source column, e.g. {"date": "Datum"}.
        timestamp_format: strftime format of the timestamp text (default: detected).
        timeframe: daily or longer -> timestamps become date labels (00:00 UTC of the
            date as written); otherwise UTC instants.
        limits: decompressed size and line/field length limits (default: from the
            environment, see `ImportLimits.resolve`).

    Raises:
        DataError: the file is missing, of unknown format, structurally broken, over a
            size limit, or lacks a timestamp or price column.
    """
    file = Path(path)
    if not file.is_file():
        raise DataError(f"{file}: file not found" if not file.exists() else f"{file}: not a file")
    daily = timeframe is not None and not Timeframe.parse(timeframe).is_intraday
    times = TimeParser(tz=tz or "UTC", timestamp_format=timestamp_format, daily=daily)
    chosen = limits or ImportLimits.resolve()
    name = file.name.lower()
    source: CsvSource | ParquetSource
    if name.endswith(PARQUET_SUFFIXES):
        source, delimiter = ParquetSource.open(file, chosen), ","
    elif name.endswith(CSV_SUFFIXES):
        source = CsvSource.open(file, chosen, columns)
        delimiter = source.delimiter
    else:
        raise DataError(
            f"{file}: unknown file format; expected a name ending in "
            f"{', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)}"
        )
    assembler = _Assembler(file, columns, times, delimiter, source.rows_hint)
    pool = pa.default_memory_pool()
    try:
        for chunk in source.chunks():
            assembler.add(chunk)
            # Arrow's allocator keeps freed blocks; hand them back so a large file's
            # text never accumulates (measured: ~200 MB held for a 200 MB CSV otherwise).
            pool.release_unused()
    except TimeframeMismatchError as exc:
        raise DataError(f"{file}: {exc}") from None
    return assembler.finish(source)


class _Assembler:
    """Parses chunks with the column plan and formats chosen on the first one."""

    def __init__(
        self,
        file: Path,
        mapping: Mapping[str, str] | None,
        times: TimeParser,
        delimiter: str,
        rows_hint: int | None,
    ) -> None:
        self.file = file
        self.mapping = mapping
        self.times = times
        self.delimiter = delimiter
        self.plan: ColumnPlan | None = None
        self.decimal_comma = False
        self.capacity = rows_hint or _DEFAULT_CAPACITY
        self.stamps = _Column(np.int64, self.capacity)
        self.values: dict[str, _Column] = {}
        self.numbers = _Column(np.int64, self.capacity)
        self.issues = _IssueCollector()
        self.rows = 0
        self.blank_lines = 0

    def add(self, chunk: RowChunk) -> None:
        table = chunk.table
        table.columns = [str(c) for c in table.columns]
        plan = self.plan or self._start(table)
        issues: list[ParseIssue] = []
        empty = _empty_rows(table)
        if empty.any():
            issues.append(ParseIssue("empty_row", empty, "the row is empty (no values)"))
        times = self._parse_times(table, plan)
        issues.extend(times.issues)
        self.stamps.append(times.values)
        for name, source in plan.fields.items():
            values, unparsed = _parse_numbers(table[source], decimal_comma=self.decimal_comma)
            self.values[name].append(values)
            if unparsed.any():
                shown = _text(table[source][unparsed]).to_numpy(dtype=object)
                reason = f"{name} '" + shown + "' is not a number"
                issues.append(ParseIssue("unparseable_number", unparsed, reason))
        self.issues.add(self.rows, issues)
        self.numbers.append(chunk.line_numbers)
        self.rows += len(table)
        self.blank_lines += chunk.blank_lines

    def _start(self, table: pd.DataFrame) -> ColumnPlan:
        plan = plan_columns(self.file.name, list(table.columns), self.mapping, _first_values(table))
        self.plan = plan
        self.values = {name: _Column(np.float64, self.capacity) for name in plan.fields}
        self.decimal_comma = self.delimiter == ";" and any(
            bool(_text(table[c]).str.contains(",", regex=False).any()) for c in plan.fields.values()
        )
        return plan

    def _parse_times(self, table: pd.DataFrame, plan: ColumnPlan) -> ParsedTimes:
        if len(plan.timestamp) == 2:
            date, clock = (_text(table[c]).str.strip() for c in plan.timestamp)
            return self.times.parse_text((date + " " + clock).where(clock != "", date))
        column = table[plan.timestamp[0]]
        if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            return self.times.parse_text(column)
        return self.times.parse_values(column)

    def finish(self, source: CsvSource | ParquetSource) -> RawBars:
        plan = self.plan or self._start(pd.DataFrame(columns=list(source.columns), dtype=str))
        stamps, numbers = self.stamps.array(), self.numbers.array()
        values = {name: column.array() for name, column in self.values.items()}
        issues = self.issues.build(self.rows)
        notes = [*plan.notes]
        if self.decimal_comma:
            notes.append("numbers read with decimal comma and '.' thousands separators")
        notes.extend(self.times.notes)
        reversed_order = _is_newest_first(stamps)
        if reversed_order:
            stamps, numbers = stamps[::-1].copy(), numbers[::-1].copy()
            values = {name: array[::-1].copy() for name, array in values.items()}
            issues = [issue.reversed() for issue in issues]
            notes.append("file is newest-first; rows reversed to ascending order")
        return RawBars(
            path=self.file,
            timestamps=stamps,
            values=values,
            fields=tuple(name for name in VALUE_FIELDS if name in plan.fields),
            row_numbers=numbers,
            source=source,
            issues=tuple(issues),
            columns=dict(plan.fields, timestamp=" + ".join(plan.timestamp)),
            price_adjustment=plan.price_adjustment,
            notes=tuple(notes),
            reversed_order=reversed_order,
            blank_lines=self.blank_lines,
        )


class _IssueCollector:
    """Joins the per-chunk issues into one issue per rule (and per slot within a chunk)."""

    def __init__(self) -> None:
        self._pieces: dict[tuple[str, int], list[tuple[int, ParseIssue]]] = {}

    def add(self, offset: int, issues: list[ParseIssue]) -> None:
        slots: Counter[str] = Counter()
        for issue in issues:
            if not np.asarray(issue.mask).any():
                continue
            key = (issue.rule, slots[issue.rule])
            slots[issue.rule] += 1
            self._pieces.setdefault(key, []).append((offset, issue))

    def build(self, rows: int) -> list[ParseIssue]:
        out: list[ParseIssue] = []
        for (rule, _), pieces in self._pieces.items():
            mask = np.zeros(rows, dtype=bool)
            for offset, issue in pieces:
                mask[offset : offset + len(issue.mask)] = issue.mask
            texts = {issue.reason for _, issue in pieces if isinstance(issue.reason, str)}
            if len(texts) == 1 and all(isinstance(i.reason, str) for _, i in pieces):
                out.append(ParseIssue(rule, mask, texts.pop()))
                continue
            reasons = [i.reasons_at(np.flatnonzero(i.mask)) for _, i in pieces]
            out.append(ParseIssue(rule, mask, np.concatenate(reasons)))
        return out


class _Column:
    """A growable array filled chunk by chunk.

    Sized from the source's row estimate: the unused tail of an over-estimate is never
    written, so it costs address space, not memory; an under-estimate doubles (copying
    once). This avoids holding every chunk plus their concatenation at the same time.
    """

    def __init__(self, dtype: type, capacity: int) -> None:
        self._data: np.ndarray = np.empty(capacity, dtype=dtype)
        self._size = 0

    def append(self, values: np.ndarray) -> None:
        end = self._size + values.shape[0]
        if end > self._data.shape[0]:
            grown = np.empty(max(end, 2 * self._data.shape[0]), dtype=self._data.dtype)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = values
        self._size = end

    def array(self) -> np.ndarray:
        return self._data[: self._size]


def _text(column: pd.Series) -> pd.Series:
    """The column as text, with missing values (None, NaN from Parquet) as ""."""
    return column.astype("str").fillna("")


def _first_values(table: pd.DataFrame) -> dict[str, str]:
    head = table.head(50)
    out: dict[str, str] = {}
    for name in head.columns:
        cells = _text(head[name]).str.strip()
        filled = cells[cells != ""]
        out[name] = str(filled.iloc[0]) if len(filled) else ""
    return out


def _empty_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or whitespace (`,,,,,`)."""
    empty = np.ones(len(table), dtype=bool)
    for name in table.columns:
        column = table[name]
        blank = column.isna().to_numpy(dtype=bool)
        if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            blank = blank | (_text(column).str.strip() == "").to_numpy(dtype=bool)
        empty &= blank
        if not empty.any():
            break
    return empty


def _is_newest_first(values: np.ndarray) -> bool:
    # Majority vote, so a newest-first file with a few bad rows is still recognised.
    known = values[values != _NAT]
    if known.size < 2:
        return False
    steps = np.diff(known)
    return int((steps < 0).sum()) > int((steps > 0).sum())


def _parse_numbers(column: pd.Series, *, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan), np.zeros(len(column), dtype=bool)
    text = _text(column).str.strip()
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    try:  # fast path: every cell is a plain number
        values = pa_compute.cast(pa.array(text), pa.float64()).to_numpy(zero_copy_only=False)
        return values, np.zeros(len(text), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
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
