"""Quality report of one bar series: gaps against its calendar, stale runs, outliers.

Gaps are bars a complete series would have on the instrument's calendar but this one
lacks (an XNYS holiday is not a gap); bars on dates the calendar has no session for
are reported as unexpected. Stale runs are N or more identical closes in a row.
Outliers are bar-to-bar changes (log returns; plain differences for yields) whose
robust z-score (median / MAD) exceeds a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tradewind.data.schema import DataError
from tradewind.domain.market import QuoteType
from tradewind.domain.timeframe import Timeframe

__all__ = ["Gap", "Outlier", "QualityReport", "StaleRun", "quality_report"]

_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class Gap:
    """A run of consecutive missing bars: first and last missing bar time, count."""

    start: pd.Timestamp
    end: pd.Timestamp
    bars: int


@dataclass(frozen=True, slots=True)
class StaleRun:
    """`length` consecutive bars with the identical close `value`, from `start` to `end`."""

    start: pd.Timestamp
    end: pd.Timestamp
    length: int
    value: float


@dataclass(frozen=True, slots=True)
class Outlier:
    """A bar whose change from the previous close has robust z-score `z`."""

    timestamp: pd.Timestamp
    change: float
    z: float


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Data quality of one series. `expected_bars` is None when the calendar cannot say."""

    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    calendar: str
    timeframe: str
    expected_bars: int | None
    missing_bars: int
    gap_count: int
    largest_gaps: tuple[Gap, ...]
    unexpected_bars: int
    unexpected_examples: tuple[pd.Timestamp, ...]
    stale_runs: int
    longest_stale: StaleRun | None
    outliers: int
    top_outliers: tuple[Outlier, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def coverage_pct(self) -> float | None:
        """Share of the expected bars that are present, in percent."""
        if not self.expected_bars:
            return None
        return 100.0 * (self.expected_bars - self.missing_bars) / self.expected_bars

    def summary(self) -> str:
        """Plain text, a few lines."""
        if not self.rows:
            return "quality: no rows"
        lines = [
            f"quality ({self.calendar} calendar, {self.timeframe}): {self.rows:,} bars "
            f"{_t(self.first)} .. {_t(self.last)}"
        ]
        if self.expected_bars is not None:
            lines.append(
                f"  coverage {self.coverage_pct:.2f}% of {self.expected_bars:,} expected bars; "
                f"{self.missing_bars:,} missing in {self.gap_count:,} gaps"
            )
            for gap in self.largest_gaps:
                lines.append(f"    gap {_t(gap.start)} .. {_t(gap.end)}: {_bars(gap.bars)}")
            if self.unexpected_bars:
                shown = ", ".join(_t(t) for t in self.unexpected_examples)
                lines.append(f"  {self.unexpected_bars:,} bars on closed sessions, e.g. {shown}")
        longest = self.longest_stale
        stale = (
            f"; longest {longest.length} bars from {_t(longest.start)} at {longest.value:g}"
            if longest
            else ""
        )
        lines.append(f"  stale runs: {self.stale_runs:,}{stale}")
        lines.append(f"  outliers: {self.outliers:,}")
        for outlier in self.top_outliers:
            lines.append(
                f"    {_t(outlier.timestamp)}: change {outlier.change:+.4g} (z {outlier.z:+.1f})"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def quality_report(
    frame: pd.DataFrame,
    *,
    calendar: str,
    timeframe: Timeframe | str,
    stale_run_min: int = 5,
    outlier_z: float = 8.0,
    quote_type: QuoteType = QuoteType.PRICE,
    max_listed: int = 5,
) -> QualityReport:
    """Measure gaps, stale runs and outliers of a normalized bar frame.

    Raises:
        DataError: `stale_run_min` < 2 or `outlier_z` <= 0.
    """
    if stale_run_min < 2 or outlier_z <= 0:
        raise DataError(
            f"quality_report: expected stale_run_min >= 2 and outlier_z > 0, "
            f"found {stale_run_min} and {outlier_z}"
        )
    tf = Timeframe.parse(timeframe)
    stamps = pd.DatetimeIndex(frame["timestamp"])
    close = frame["close"].to_numpy(dtype="float64")
    empty = QualityReport(0, None, None, calendar, str(tf), None, 0, 0, (), 0, (), 0, None, 0, ())
    if not len(stamps):
        return empty
    notes: list[str] = []
    coverage = _coverage(stamps, calendar, tf, max_listed, notes)
    stale_count, longest = _stale(stamps, close, stale_run_min)
    outlier_count, top = _outliers(stamps, close, outlier_z, quote_type, max_listed, notes)
    return QualityReport(
        rows=len(stamps),
        first=stamps[0],
        last=stamps[-1],
        calendar=calendar,
        timeframe=str(tf),
        stale_runs=stale_count,
        longest_stale=longest,
        outliers=outlier_count,
        top_outliers=top,
        notes=tuple(notes),
        expected_bars=coverage.expected_bars,
        missing_bars=coverage.missing_bars,
        gap_count=coverage.gap_count,
        largest_gaps=coverage.largest_gaps,
        unexpected_bars=coverage.unexpected_bars,
        unexpected_examples=coverage.unexpected_examples,
    )


@dataclass(frozen=True, slots=True)
class _Coverage:
    expected_bars: int | None = None
    missing_bars: int = 0
    gap_count: int = 0
    largest_gaps: tuple[Gap, ...] = ()
    unexpected_bars: int = 0
    unexpected_examples: tuple[pd.Timestamp, ...] = ()


def _coverage(
    stamps: pd.DatetimeIndex, calendar: str, tf: Timeframe, max_listed: int, notes: list[str]
) -> _Coverage:
    from tradewind.data.calendars import CalendarError, get_calendar

    try:
        expected = get_calendar(calendar).expected_bar_times(stamps[0], stamps[-1], tf)
    except CalendarError as exc:
        notes.append(f"gaps not measured: {exc}")
        return _Coverage()
    want = expected.as_unit("ns").asi8
    have = stamps.as_unit("ns").asi8
    missing = ~np.isin(want, have)
    unexpected = ~np.isin(have, want)
    starts, lengths = _runs(missing)
    order = np.argsort(-lengths, kind="stable")[:max_listed]
    gaps = tuple(
        Gap(expected[starts[i]], expected[starts[i] + lengths[i] - 1], int(lengths[i]))
        for i in order
    )
    return _Coverage(
        expected_bars=int(want.size),
        missing_bars=int(missing.sum()),
        gap_count=int(starts.size),
        largest_gaps=gaps,
        unexpected_bars=int(unexpected.sum()),
        unexpected_examples=tuple(stamps[unexpected][:max_listed]),
    )


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of every run of True in `mask`."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts, ends - starts


def _stale(
    stamps: pd.DatetimeIndex, close: np.ndarray, minimum: int
) -> tuple[int, StaleRun | None]:
    if close.size < minimum:
        return 0, None
    same = np.concatenate(([False], close[1:] == close[:-1]))
    # A run of k equal closes is k-1 consecutive "same as previous" flags.
    starts, lengths = _runs(same)
    lengths = lengths + 1
    starts = starts - 1
    long_enough = lengths >= minimum
    if not long_enough.any():
        return 0, None
    best = int(np.argmax(np.where(long_enough, lengths, 0)))
    first, length = int(starts[best]), int(lengths[best])
    run = StaleRun(stamps[first], stamps[first + length - 1], length, float(close[first]))
    return int(long_enough.sum()), run


def _outliers(
    stamps: pd.DatetimeIndex,
    close: np.ndarray,
    threshold: float,
    quote_type: QuoteType,
    max_listed: int,
    notes: list[str],
) -> tuple[int, tuple[Outlier, ...]]:
    if close.size < 3:
        return 0, ()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.diff(close) if quote_type is QuoteType.YIELD else np.diff(np.log(close))
    finite = np.isfinite(change)
    if finite.sum() < 3:
        return 0, ()
    center = float(np.median(change[finite]))
    mad = float(np.median(np.abs(change[finite] - center)))
    if mad == 0.0:
        notes.append("outliers not measured: most bar-to-bar changes are zero (MAD = 0)")
        return 0, ()
    z = np.where(finite, (change - center) / (_MAD_TO_SIGMA * mad), 0.0)
    flagged = np.flatnonzero(np.abs(z) > threshold)
    top = flagged[np.argsort(-np.abs(z[flagged]), kind="stable")][:max_listed]
    found = tuple(Outlier(stamps[i + 1], float(change[i]), float(z[i])) for i in top)
    return int(flagged.size), found


def _bars(count: int) -> str:
    return f"{count:,} bar" if count == 1 else f"{count:,} bars"


def _t(value: pd.Timestamp | None) -> str:
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
