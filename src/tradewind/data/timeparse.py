"""Parse the timestamp column of a bar file into UTC instants or daily date labels.

Handles ISO 8601 with or without time and offsets, common day/month layouts, epoch
seconds/milliseconds/microseconds/nanoseconds (decided per value by magnitude) and
`YYYYMMDD` integers. Instants outside `SUPPORTED_RANGE` are flagged, never an overflow
error. Naive local times are localized in the given zone; times that
are ambiguous or do not exist there (DST changes) are flagged, never guessed.
Values that cannot be parsed become NaT plus a flag, never an exception.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.data.parse_issues import ParseIssue
from tradewind.data.schema import DataError
from tradewind.data.time_formats import looks_yyyymmdd, pick_format

__all__ = [
    "SUPPORTED_RANGE",
    "ParsedTimes",
    "TimeParser",
    "TimeframeMismatchError",
    "parse_time_text",
    "parse_time_values",
]

_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"
_NUMERIC = r"^[+-]?\d+(?:\.\d+)?$"
_TIME_DROPPED = (
    "times of day dropped: daily bars are labelled by their date "
    "(pass the real --timeframe for intraday data)"
)
_NAT = np.iinfo(np.int64).min
# pandas holds datetime64[ns] from 1677-09-21 to 2262-04-11; the margin leaves room for a
# bar's close time and for converting local times to UTC.
SUPPORTED_RANGE = "1678-01-01 .. 2261-12-31"
_FIRST_NS = pd.Timestamp("1678-01-01").value
_END_NS = pd.Timestamp("2262-01-01").value
_NS_PER_UNIT = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


class TimeframeMismatchError(DataError):
    """Daily bars were asked for but the timestamps are clearly intraday."""


@dataclass(frozen=True, slots=True)
class ParsedTimes:
    """int64 ns UTC per row (NaT sentinel where unknown), parse issues and notes."""

    values: np.ndarray
    issues: tuple[ParseIssue, ...]
    notes: tuple[str, ...]


class TimeParser:
    """Parse one timestamp column chunk by chunk, with the choices made on the first chunk.

    The first chunk decides whether the column holds numbers (epoch or `YYYYMMDD`) or
    text, and which text format naive values use; later chunks are read the same way,
    so a file is never read half one way and half another. Values outside the supported
    range (`SUPPORTED_RANGE`) are flagged `timestamp_out_of_range`.

    Raises:
        DataError: `tz` is not a known IANA zone.
    """

    def __init__(
        self, *, tz: str = "UTC", timestamp_format: str | None = None, daily: bool = False
    ) -> None:
        _check_zone(tz)
        self.tz = tz
        self.timestamp_format = timestamp_format
        self.daily = daily
        self._numeric: bool | None = None
        self._yyyymmdd: bool | None = None
        self._naive_format = timestamp_format
        self._notes: list[str] = []

    @property
    def notes(self) -> tuple[str, ...]:
        """What was decided or dropped so far (formats, zones, epoch units), in order."""
        return tuple(self._notes)

    def _note(self, text: str) -> None:
        if text not in self._notes:
            self._notes.append(text)

    def parse_text(self, text: pd.Series) -> ParsedTimes:
        """Parse timestamp strings (one per row) into UTC instants, or date labels when daily.

        Daily labels are the date as written (00:00 UTC), so a Berlin date stays that date.
        """
        stripped = text.astype("str").fillna("").str.strip()
        zoned = stripped.str.contains(r"(?:UTC|GMT)$", regex=True).to_numpy(dtype=bool)
        if zoned.any():
            named = stripped[zoned].str.replace(r"\s*(?:UTC|GMT)$", "+00:00", regex=True)
            stripped = stripped.where(~zoned, named)
        empty = (stripped == "").to_numpy()
        numeric = stripped.str.match(_NUMERIC).to_numpy(dtype=bool) & ~empty
        if self._numeric is None:
            # Mostly numbers: an epoch (or YYYYMMDD) column; the odd non-number is unparseable.
            self._numeric = self.timestamp_format is None and numeric.sum() * 2 > (~empty).sum()
        out = np.full(len(text), _NAT, dtype=np.int64)
        outside = np.zeros(len(text), dtype=bool)
        if self._numeric:
            out[numeric], outside[numeric] = self._parse_numeric(stripped[numeric])
            return self._finish(out, outside, stripped, empty, [])
        has_offset = (
            stripped.str.contains(_OFFSET, regex=True) & ~pd.Series(empty, index=stripped.index)
        ).to_numpy()
        issues: list[ParseIssue] = []
        if has_offset.any():
            out[has_offset], outside[has_offset] = self._parse_offsets(stripped[has_offset])
        naive = ~has_offset & ~empty
        if naive.any():
            if self._naive_format is None:
                self._naive_format = pick_format(stripped[naive], self._note)
            local = pd.to_datetime(stripped[naive], format=self._naive_format, errors="coerce")
            index, far = _within_range(pd.DatetimeIndex(local))
            outside[naive] = far
            if self.daily:
                out[naive] = self._dates_ns(index)
            else:
                values, local_issues = _localize(index, self.tz, np.flatnonzero(naive), len(text))
                out[naive] = values
                issues.extend(local_issues)
                if self.tz != "UTC":
                    self._note(f"naive times read as {self.tz} local time and converted to UTC")
        return self._finish(out, outside, stripped, empty, issues)

    def parse_values(self, column: pd.Series) -> ParsedTimes:
        """Parse a typed column (datetime64, numbers or strings, e.g. from Parquet)."""
        n = len(column)
        if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
            column.dtype
        ):
            index = shown = pd.DatetimeIndex(column)
            missing = np.asarray(index.isna(), dtype=bool)
            aware = index.tz is not None
            if aware and self.daily:
                index = index.tz_localize(None)
            index, outside = _within_range(index)
            if self.daily:
                return self._finish(self._dates_ns(index), outside, shown, missing, [])
            if aware:
                return self._finish(_ns(index), outside, shown, missing, [])
            values, issues = _localize(index, self.tz, np.arange(n), n)
            return self._finish(values, outside, shown, missing, issues)
        if pd.api.types.is_numeric_dtype(column.dtype):
            return self.parse_text(column.astype("str"))
        return self.parse_text(column)

    def _parse_offsets(self, text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        fmt = self.timestamp_format or "ISO8601"
        if self.daily:
            wall = text.str.replace(_OFFSET, "", regex=True).str.strip()
            parsed = pd.to_datetime(wall, format=fmt.replace("%z", ""), errors="coerce")
            index, outside = _within_range(pd.DatetimeIndex(parsed))
            return self._dates_ns(index), outside
        stamps = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        index, outside = _within_range(pd.DatetimeIndex(stamps))
        return _ns(index), outside

    def _finish(
        self,
        out: np.ndarray,
        outside: np.ndarray,
        text: pd.Series | pd.DatetimeIndex,
        empty: np.ndarray,
        issues: list[ParseIssue],
    ) -> ParsedTimes:
        flagged = outside.copy()
        for issue in issues:
            flagged |= issue.mask
        found = list(issues)
        if outside.any():
            shown = _shown(text, outside)
            reason = "timestamp '" + shown + f"' is outside the supported range {SUPPORTED_RANGE}"
            found.insert(0, ParseIssue("timestamp_out_of_range", outside, reason))
        bad = (out == _NAT) & ~flagged
        if bad.any():
            shown = _shown(text, bad)
            expected = f" (format {self.timestamp_format})" if self.timestamp_format else ""
            reason = np.where(
                empty[bad],
                "timestamp is empty",
                "timestamp '" + shown + f"' could not be parsed{expected}",
            )
            found.insert(0, ParseIssue("unparseable_timestamp", bad, reason.astype(object)))
        return ParsedTimes(out, tuple(found), self.notes)

    def _dates_ns(self, index: pd.DatetimeIndex) -> np.ndarray:
        day = index.normalize()
        timed = np.asarray(index != day, dtype=bool) & np.asarray(index.notna(), dtype=bool)
        if timed.any():
            _check_not_intraday(index, day)
            self._note(_TIME_DROPPED)
        return _ns(day)

    def _parse_numeric(self, text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        if self._yyyymmdd is None:
            self._yyyymmdd = looks_yyyymmdd(text)
        if self._yyyymmdd:
            self._note("timestamps read as YYYYMMDD dates")
            eight = text.str.len() == 8
            parsed = pd.to_datetime(text.where(eight), format="%Y%m%d", errors="coerce")
            index, outside = _within_range(pd.DatetimeIndex(parsed))
            return self._dates_ns(index), outside
        floats = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
        magnitude = np.abs(floats)
        # Per value, so a file that switches from seconds to milliseconds still reads right.
        scale = np.select(
            [magnitude < 1e11, magnitude < 1e14, magnitude < 1e17], [1e9, 1e6, 1e3], default=1.0
        )
        nanos_float = floats * scale
        finite = np.isfinite(nanos_float)
        outside = finite & ((nanos_float < _FIRST_NS) | (nanos_float >= _END_NS))
        usable = finite & ~outside
        nanos = np.full(len(text), _NAT, dtype=np.int64)
        whole = text.str.fullmatch(r"[+-]?\d+").to_numpy(dtype=bool) & usable
        # Integers exactly (a float64 holds only 15-16 digits), fractions rounded.
        nanos[whole] = text[whole].astype("int64").to_numpy() * scale[whole].astype(np.int64)
        fractional = usable & ~whole
        nanos[fractional] = np.round(nanos_float[fractional]).astype(np.int64)
        units = {1e9: "seconds", 1e6: "milliseconds", 1e3: "microseconds", 1.0: "nanoseconds"}
        for unit in np.unique(scale[usable])[::-1]:
            self._note(f"timestamps read as epoch {units[float(unit)]} (UTC)")
        if self.daily:
            local = pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC")
            nanos = self._dates_ns(local.tz_convert(self.tz).tz_localize(None))
        return nanos, outside


def parse_time_text(
    text: pd.Series, *, tz: str = "UTC", timestamp_format: str | None = None, daily: bool = False
) -> ParsedTimes:
    """Parse timestamp strings (one per row) into UTC instants, or date labels when `daily`.

    One-shot form of `TimeParser.parse_text`.

    Raises:
        DataError: `tz` is not a known IANA zone.
    """
    return TimeParser(tz=tz, timestamp_format=timestamp_format, daily=daily).parse_text(text)


def parse_time_values(column: pd.Series, *, tz: str = "UTC", daily: bool = False) -> ParsedTimes:
    """Parse a typed column (datetime64, numbers or strings, e.g. from Parquet).

    One-shot form of `TimeParser.parse_values`.

    Raises:
        DataError: `tz` is not a known IANA zone.
    """
    return TimeParser(tz=tz, daily=daily).parse_values(column)


def _check_zone(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DataError(
            f"unknown time zone {tz!r}: expected an IANA name such as UTC, "
            "America/New_York or Europe/Berlin"
        ) from None


def _within_range(index: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """`index` in ns with values outside `SUPPORTED_RANGE` set to NaT, and where they were."""
    per = _NS_PER_UNIT[index.unit]
    raw = index.asi8
    low, high = -(-_FIRST_NS // per), (_END_NS - 1) // per
    outside: np.ndarray = (raw != _NAT) & ((raw < low) | (raw > high))
    if outside.any():
        index = pd.DatetimeIndex(index.where(~outside))
    return index.as_unit("ns"), outside


def _shown(text: pd.Series | pd.DatetimeIndex, mask: np.ndarray) -> np.ndarray:
    return np.asarray(text[mask].astype("str").fillna(""), dtype=object)


def _ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.as_unit("ns").to_numpy().view("int64")


def _check_not_intraday(index: pd.DatetimeIndex, day: pd.DatetimeIndex) -> None:
    known = index[index.notna()]
    dates = day[day.notna()]
    if known.size < 4 or dates.unique().size > 0.75 * known.size:
        return
    steps = np.diff(np.unique(known.as_unit("ns").asi8)) // 1_000_000_000
    seconds = int(np.median(steps)) if steps.size else 0
    raise TimeframeMismatchError(
        f"the timestamps are intraday (several per date, median spacing {_span(seconds)}) "
        f"but the timeframe is daily; pass the real timeframe, e.g. --timeframe {_span(seconds)}"
    )


def _span(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _localize(
    local: pd.DatetimeIndex, tz: str, positions: np.ndarray, n: int
) -> tuple[np.ndarray, list[ParseIssue]]:
    local = local.as_unit("ns")
    if tz == "UTC":
        return _ns(local.tz_localize("UTC")), []
    parsed = np.asarray(local.notna(), dtype=bool)
    shifted = local.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    strict = local.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    ambiguous: np.ndarray = parsed & np.asarray(shifted.isna(), dtype=bool)
    nonexistent: np.ndarray = parsed & np.asarray(strict.isna(), dtype=bool) & ~ambiguous
    issues: list[ParseIssue] = []
    for rule, mask, why in (
        ("ambiguous_local_time", ambiguous, "occurs twice (clocks go back); give an offset or UTC"),
        ("nonexistent_local_time", nonexistent, "does not exist (clocks go forward)"),
    ):
        if mask.any():
            full = np.zeros(n, dtype=bool)
            full[positions[mask]] = True
            shown = local[mask].strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)
            reason = "local time " + shown + f" in {tz} {why}"
            issues.append(ParseIssue(rule, full, reason))
    return _ns(strict), issues
