"""What an ingest did (accepted, rejected per rule, where the quarantine is) and frame input.

`Catalog.ingest` reads a file (or takes a frame), validates it, quarantines the
rejected rows and writes the rest; this module holds the report and the frame reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tradewind.data.importer import RawBars
from tradewind.data.quarantine import FrameRows, RejectedRow
from tradewind.data.schema import VALUE_FIELDS, CatalogEntry, DataError
from tradewind.data.timeparse import parse_time_values
from tradewind.data.validation import ParseIssue, ValidationResult

__all__ = [
    "IngestReport",
    "NoValidRowsError",
    "RejectedRow",
    "RejectedRowsError",
    "raw_from_frame",
]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Outcome of one ingest: what was read, accepted and rejected, and why.

    Every data row read is either accepted or rejected: `rows_in == accepted + rejected`
    (for CSV, the lines after the header minus `blank_lines`, the lines with no
    characters at all, which are skipped). `counts` maps each rule that rejected rows to
    how many (a row breaking two rules counts under both); `examples` are the first
    rejected rows by row number (CSV: file line) with their rules and reasons;
    `quarantine_path` is the Parquet file holding every rejected row with its raw text.
    `summary()` is the text `tradewind data import` prints.
    """

    source_name: str
    market: str
    symbol: str
    timeframe: str
    rows_in: int
    accepted: int
    rejected: int
    counts: Mapping[str, int]
    quarantine_path: Path | None
    examples: tuple[RejectedRow, ...]
    notes: tuple[str, ...] = ()
    entry: CatalogEntry | None = None
    replaced_rows: int | None = None
    bars_outside_calendar: int = 0
    fields: tuple[str, ...] = field(default=())
    blank_lines: int = 0

    @classmethod
    def build(
        cls,
        *,
        source_name: str,
        key: tuple[str, str, str],
        result: ValidationResult,
        quarantine_path: Path | None,
        examples: tuple[RejectedRow, ...],
        notes: tuple[str, ...],
        fields: tuple[str, ...],
        blank_lines: int = 0,
    ) -> IngestReport:
        market, symbol, timeframe = key
        return cls(
            source_name=source_name,
            market=market,
            symbol=symbol,
            timeframe=timeframe,
            rows_in=result.rows_in,
            accepted=result.accepted_count,
            rejected=result.rejected,
            counts=result.nonzero_counts,
            quarantine_path=quarantine_path,
            examples=examples,
            notes=notes,
            fields=fields,
            blank_lines=blank_lines,
        )

    @property
    def rules_text(self) -> str:
        """Rejections per rule, `rule n, rule n` (empty when none)."""
        return ", ".join(f"{rule} {n:,}" for rule, n in self.counts.items())

    def rejection_text(self, *, quarantine: bool = True) -> str:
        """`N of M rows rejected (rules); first: row R: reason` and, with `quarantine`,
        where the rejected rows went."""
        first = self.examples[0] if self.examples else None
        detail = f"; first: row {first.row_number}: {first.reason}" if first else ""
        kept = quarantine and self.quarantine_path is not None
        where = f"; quarantine: {self.quarantine_path}" if kept else ""
        return (
            f"{self.rejected:,} of {self.rows_in:,} rows rejected "
            f"({self.rules_text or 'the file has no data rows'}){detail}{where}"
        )

    def summary(self) -> str:
        """A few plain lines: what was imported, what was rejected and where it went."""
        plural = "" if self.blank_lines == 1 else "s"
        blank = f" ({self.blank_lines:,} blank line{plural} skipped)" if self.blank_lines else ""
        lines = [
            f"{self.source_name} -> {self.symbol} ({self.market}, {self.timeframe}): "
            f"{self.accepted:,} of {self.rows_in:,} rows accepted, {self.rejected:,} rejected"
            + blank
        ]
        if self.entry is not None and self.entry.first is not None:
            lines.append(
                f"  range {_day(self.entry.first)} .. {_day(self.entry.last)}; "
                f"fields {', '.join(self.fields)}"
            )
        if self.replaced_rows is not None:
            lines.append(f"  replaced the existing series ({self.replaced_rows:,} rows)")
        for rule, count in self.counts.items():
            lines.append(f"  rejected {count:>7,}  {rule}")
        for example in self.examples:
            lines.append(f"  e.g. row {example.row_number}: {example.reason}")
        if self.quarantine_path is not None:
            lines.append(f"  quarantine: {self.quarantine_path}")
        if self.bars_outside_calendar:
            lines.append(
                f"  {self.bars_outside_calendar:,} bars fall outside the calendar's sessions "
                "(kept; close_time = timestamp + timeframe)"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


class NoValidRowsError(DataError):
    """Every row of an ingest was rejected; `report` says why (the quarantine is written)."""

    def __init__(self, report: IngestReport) -> None:
        text = report.rejection_text()
        super().__init__(f"{report.source_name}: no valid rows to import: {text}")
        self.report = report


class RejectedRowsError(DataError):
    """A strict ingest found invalid rows and stored nothing (the quarantine is written)."""

    def __init__(self, report: IngestReport) -> None:
        text = report.rejection_text()
        super().__init__(f"{report.source_name}: nothing imported (strict): {text}")
        self.report = report


def raw_from_frame(frame: pd.DataFrame, *, name: str, daily: bool) -> RawBars:
    """Wrap an in-memory frame (`timestamp` column or DatetimeIndex) like a read file.

    Naive timestamps are UTC; value columns that are missing or all NaN are absent.

    Raises:
        DataError: no timestamp, no close column, or a value column is not numeric.
    """
    data = frame
    if "timestamp" not in data.columns:
        if isinstance(data.index, pd.DatetimeIndex):
            data = data.rename_axis("timestamp").reset_index()
        else:
            raise DataError(
                f"{name}: expected a 'timestamp' column or a DatetimeIndex; "
                f"found columns {', '.join(map(str, frame.columns))}"
            )
    data = data.reset_index(drop=True)
    times = parse_time_values(data["timestamp"], daily=daily)
    issues: list[ParseIssue] = list(times.issues)
    columns: dict[str, np.ndarray] = {}
    fields: list[str] = []
    for column in VALUE_FIELDS:
        if column not in data.columns:
            continue
        source = data[column]
        if pd.api.types.is_float_dtype(source.dtype):
            values = source.to_numpy(dtype="float64", na_value=np.nan)
        else:
            numbers = pd.to_numeric(source, errors="coerce")
            values = numbers.to_numpy(dtype="float64", na_value=np.nan)
            unparsed = np.isnan(values) & source.notna().to_numpy()
            if unparsed.any():
                issues.append(
                    ParseIssue("unparseable_number", unparsed, f"{column} is not a number")
                )
        if not np.isnan(values).all():
            columns[column] = values
            fields.append(column)
    if "close" not in fields:
        raise DataError(f"{name}: no close values; expected a numeric 'close' column")
    shown = ["timestamp", *fields]
    rows = np.arange(1, len(data) + 1, dtype=np.int64)
    return RawBars(
        path=Path(name),
        timestamps=times.values,
        values=columns,
        fields=tuple(fields),
        row_numbers=rows,
        source=FrameRows(data[shown], rows),
        issues=tuple(issues),
        columns={c: c for c in shown},
        price_adjustment=None,
        notes=(),
    )


def _day(value: pd.Timestamp | None) -> str:
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
