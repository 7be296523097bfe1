"""Parse the timestamp column of a bar file into UTC instants or daily date labels.

Handles ISO 8601 with or without time and offsets, common day/month layouts, epoch
seconds/milliseconds/microseconds/nanoseconds (decided per value by magnitude) and
`YYYYMMDD` integers. Naive local times are localized in the given zone; times that
are ambiguous or do not exist there (DST changes) are flagged, never guessed.
Values that cannot be parsed become NaT plus a flag, never an exception.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.data.schema import DataError
from tradewind.data.validation import ParseIssue

__all__ = ["ParsedTimes", "TimeframeMismatchError", "parse_time_text", "parse_time_values"]

# Tried in order on a sample; the first with the most parsed values wins, so the US
# month/day layout wins ties against day/month (a note records the ambiguity).
_FORMATS: tuple[str, ...] = (
    "ISO8601",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%Y-%m-%d %I-%p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%m-%Y",
    "%Y%m%d",
)
_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"
_NUMERIC = r"^[+-]?\d+(?:\.\d+)?$"
_SAMPLE = 400
_TIME_DROPPED = (
    "times of day dropped: daily bars are labelled by their date "
    "(pass the real --timeframe for intraday data)"
)
_NAT = np.iinfo(np.int64).min


class TimeframeMismatchError(DataError):
    """Daily bars were asked for but the timestamps are clearly intraday."""


@dataclass(frozen=True, slots=True)
class ParsedTimes:
    """int64 ns UTC per row (NaT sentinel where unknown), parse issues and notes."""

    values: np.ndarray
    issues: tuple[ParseIssue, ...]
    notes: tuple[str, ...]


def parse_time_text(
    text: pd.Series, *, tz: str = "UTC", timestamp_format: str | None = None, daily: bool = False
) -> ParsedTimes:
    """Parse timestamp strings (one per row) into UTC instants, or date labels when `daily`.

    Daily labels are the date as written (00:00 UTC), so a Berlin date stays that date.

    Raises:
        DataError: `tz` is not a known IANA zone.
    """
    _check_zone(tz)
    stripped = text.astype("str").str.strip()
    stripped = stripped.str.replace(r"\s*(?:UTC|GMT)$", "+00:00", regex=True)
    empty = (stripped == "").to_numpy()
    nonempty = stripped[~empty]
    notes: list[str] = []
    numeric = stripped.str.match(_NUMERIC).to_numpy(dtype=bool) & ~empty
    # Mostly numbers: an epoch (or YYYYMMDD) column; the odd non-number is unparseable.
    if timestamp_format is None and numeric.sum() * 2 > len(nonempty):
        values, note = _parse_numeric(stripped[numeric], tz=tz, daily=daily)
        notes.append(note)
        out = np.full(len(text), _NAT, dtype=np.int64)
        out[numeric] = values
        return _finish(out, text, empty, (), notes, timestamp_format)

    out = np.full(len(text), _NAT, dtype=np.int64)
    has_offset = (
        stripped.str.contains(_OFFSET, regex=True) & ~pd.Series(empty, index=stripped.index)
    ).to_numpy()
    issues: list[ParseIssue] = []
    if has_offset.any():
        fmt = timestamp_format or "ISO8601"
        if daily:
            wall = stripped[has_offset].str.replace(_OFFSET, "", regex=True).str.strip()
            out[has_offset] = _dates_ns(
                pd.to_datetime(wall, format=fmt.replace("%z", ""), errors="coerce"), notes
            )
        else:
            parsed = pd.to_datetime(stripped[has_offset], format=fmt, errors="coerce", utc=True)
            out[has_offset] = _ns(parsed)
    naive = ~has_offset & ~empty
    if naive.any():
        fmt = timestamp_format or _pick_format(stripped[naive], notes)
        local = pd.to_datetime(stripped[naive], format=fmt, errors="coerce")
        if daily:
            out[naive] = _dates_ns(local, notes)
        else:
            values, local_issues = _localize(
                pd.DatetimeIndex(local), tz, np.flatnonzero(naive), len(text)
            )
            out[naive] = values
            issues.extend(local_issues)
            if tz != "UTC":
                notes.append(f"naive times read as {tz} local time and converted to UTC")
    return _finish(out, text, empty, issues, notes, timestamp_format)


def parse_time_values(column: pd.Series, *, tz: str = "UTC", daily: bool = False) -> ParsedTimes:
    """Parse a typed column (datetime64, numbers or strings, e.g. from Parquet).

    Raises:
        DataError: `tz` is not a known IANA zone.
    """
    _check_zone(tz)
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        stamps = column.dt.tz_convert("UTC") if not daily else column
        if daily:
            notes: list[str] = []
            naive = pd.DatetimeIndex(column.dt.tz_localize(None))
            return ParsedTimes(_dates_ns(naive, notes), (), tuple(notes))
        return ParsedTimes(_ns(stamps), (), ())
    if pd.api.types.is_datetime64_dtype(column.dtype):
        index = pd.DatetimeIndex(column)
        if daily:
            found: list[str] = []
            return ParsedTimes(_dates_ns(index, found), (), tuple(found))
        values, issues = _localize(index, tz, np.arange(len(column)), len(column))
        return ParsedTimes(values, tuple(issues), ())
    if pd.api.types.is_numeric_dtype(column.dtype):
        return parse_time_text(column.astype("str"), tz=tz, daily=daily)
    return parse_time_text(column, tz=tz, daily=daily)


def _check_zone(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DataError(
            f"unknown time zone {tz!r}: expected an IANA name such as UTC, "
            "America/New_York or Europe/Berlin"
        ) from None


def _finish(
    out: np.ndarray,
    text: pd.Series,
    empty: np.ndarray,
    issues: list[ParseIssue] | tuple[ParseIssue, ...],
    notes: list[str],
    timestamp_format: str | None,
) -> ParsedTimes:
    flagged = np.zeros(len(text), dtype=bool)
    for issue in issues:
        flagged |= issue.mask
    bad = (out == _NAT) & ~flagged
    found = list(issues)
    if bad.any():
        shown = text.astype("str").to_numpy(dtype=object)
        expected = f" (format {timestamp_format})" if timestamp_format else ""
        reason = np.where(
            empty, "timestamp is empty", "timestamp '" + shown + f"' could not be parsed{expected}"
        )
        found.insert(0, ParseIssue("unparseable_timestamp", bad, reason))
    return ParsedTimes(out, tuple(found), tuple(notes))


def _ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.as_unit("ns").to_numpy().view("int64")


def _dates_ns(values: pd.Series | pd.DatetimeIndex, notes: list[str] | None = None) -> np.ndarray:
    index = pd.DatetimeIndex(values)
    day = index.normalize()
    timed = np.asarray(index != day, dtype=bool) & np.asarray(index.notna(), dtype=bool)
    if timed.any():
        _check_not_intraday(index, day)
        if notes is not None and _TIME_DROPPED not in notes:
            notes.append(_TIME_DROPPED)
    return _ns(day)


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


def _pick_format(sample_source: pd.Series, notes: list[str]) -> str:
    count = len(sample_source)
    picks = np.unique(np.linspace(0, count - 1, num=min(count, _SAMPLE)).astype(int))
    sample = sample_source.iloc[picks]
    best, best_score, scores = _FORMATS[0], -1, {}
    for fmt in _FORMATS:
        score = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
        scores[fmt] = score
        if score > best_score:
            best, best_score = fmt, score
        if score == len(sample) and "%m/%d" not in fmt:
            break
    swapped = best.replace("%m/%d", "%d/%m")
    if swapped != best and scores.get(swapped, _score(sample, swapped)) == best_score:
        notes.append(f"dates are ambiguous between month/day and day/month; read as {best}")
    if best != "ISO8601":
        notes.append(f"timestamps read with format {best}")
    return best


def _score(sample: pd.Series, fmt: str) -> int:
    return int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())


def _parse_numeric(text: pd.Series, *, tz: str, daily: bool) -> tuple[np.ndarray, str]:
    if bool((text.str.len() == 8).all()) and not bool(text.str.contains(".", regex=False).any()):
        as_dates = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        if bool(as_dates.notna().all()):
            return _dates_ns(as_dates), "timestamps read as YYYYMMDD dates"
    numbers = pd.to_numeric(text, errors="coerce")
    floats = numbers.to_numpy(dtype="float64")
    magnitude = np.abs(floats)
    # Per value, so a file that switches from seconds to milliseconds still reads right.
    scale = np.select(
        [magnitude < 1e11, magnitude < 1e14, magnitude < 1e17], [1e9, 1e6, 1e3], default=1.0
    )
    in_range = np.isfinite(floats) & (magnitude * scale < 9.2e18)
    if pd.api.types.is_integer_dtype(numbers.dtype):
        whole = np.where(in_range, numbers.to_numpy(dtype="int64"), 0)
        nanos = whole * scale.astype(np.int64)
    else:
        nanos = np.round(np.where(in_range, floats, 0.0) * scale).astype(np.int64)
    nanos[~in_range] = _NAT
    units = {1e9: "seconds", 1e6: "milliseconds", 1e3: "microseconds", 1.0: "nanoseconds"}
    found = ", ".join(units[s] for s in np.unique(scale)[::-1])
    if daily:
        local = pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
        nanos = _dates_ns(local.tz_localize(None))
    return nanos, f"timestamps read as epoch {found} (UTC)"


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
            reason = np.full(n, "", dtype=object)
            shown = local[mask].strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)
            reason[positions[mask]] = "local time " + shown + f" in {tz} {why}"
            issues.append(ParseIssue(rule, full, reason))
    return _ns(strict), issues
