"""Session-aware resampling of normalized bar frames (1h -> 4h, 1h -> 1d, 1d -> 1w/1M).

Buckets follow the trading calendar, not the UTC clock:

* intraday -> intraday: buckets of the target length anchored at each session's
  open; the last bucket of a session ends at the session close (XNYS 1h -> 2h gives
  09:30, 11:30, 13:30, 15:30-16:00);
* intraday -> `1d`: one bar per session (FX: 17:00 -> 17:00 New York labelled by
  the session date; XNYS: the regular session; 24/7: the UTC day);
* intraday or daily -> `1w` / `1M`: one bar per calendar week (label Monday) or
  month (label the 1st), closing with the period's last session.

Aggregation: open first, high max, low min, close last, volume sum (a column that
is all NaN in a bucket stays NaN). `close_time` is the bucket's calendar close.

No look-ahead: a bucket is emitted only when it is complete relative to the input,
i.e. its close is at or before the input's last `close_time`; a leading bucket the
input only covers from part-way through is dropped too (its open would be wrong).
Both are counted in the `ResampleReport`, never emitted half-built, so appending
newer bars can never change an emitted bar.

Bars that fall outside every session (e.g. FX weekend ticks) are not silently
dropped: `resample_bars` raises `OutsideSessionError`, and `resample_with_report`
excludes them and lists their timestamps in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from tradewind.data.bar_times import checked_bar_times
from tradewind.data.calendars import SessionCalendar, get_calendar
from tradewind.data.calendars._base import (
    month_start_ns,
    parse_timeframe,
    week_start_ns,
    whole_days,
)
from tradewind.data.calendars._convert import NAT_NS, NS_PER_DAY, ns_to_utc_index, to_utc_ns
from tradewind.data.calendars.errors import CalendarError
from tradewind.domain.errors import TradewindError
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = [
    "OutsideSessionError",
    "ResampleError",
    "ResampleReport",
    "ResampleResult",
    "resample_bars",
    "resample_with_report",
]

BAR_COLUMNS: Final = ("timestamp", "close_time", "open", "high", "low", "close", "volume")
_NS_PER_S: Final = 1_000_000_000
_SHOWN_OUTSIDE: Final = 5


class ResampleError(TradewindError, ValueError):
    """The frame cannot be resampled as asked (bad frame, unsupported timeframes)."""


class OutsideSessionError(ResampleError):
    """Input bars lie outside every session of the calendar."""


@dataclass(frozen=True, slots=True)
class ResampleReport:
    """What `resample_with_report` did with every input bar.

    `bars_in` = bars aggregated into emitted bars + `len(outside_session)` +
    `partial_head_bars` + `incomplete_tail_bars`.
    """

    calendar: str
    target: str
    bars_in: int
    bars_out: int
    outside_session: pd.DatetimeIndex
    partial_head_bars: int
    incomplete_tail_bars: int

    def summary(self) -> str:
        """One line of human-readable text."""
        text = (
            f"resampled {self.bars_in} bar(s) to {self.bars_out} {self.target} bar(s) on "
            f"{self.calendar}: {len(self.outside_session)} outside any session, "
            f"{self.partial_head_bars} in a partial first bucket, "
            f"{self.incomplete_tail_bars} in an unfinished last bucket"
        )
        if len(self.outside_session):
            shown = ", ".join(str(t) for t in self.outside_session[:_SHOWN_OUTSIDE])
            text += f" (outside: {shown}{', ...' if len(self.outside_session) > 5 else ''})"
        return text


@dataclass(frozen=True, slots=True, eq=False)
class ResampleResult:
    """A resampled normalized bar frame and its report."""

    frame: pd.DataFrame
    report: ResampleReport


def resample_bars(
    frame: pd.DataFrame,
    *,
    to: Timeframe | str,
    calendar: str,
    source: Timeframe | str | None = None,
) -> pd.DataFrame:
    """Resample a normalized bar frame along `calendar`'s sessions; see module docstring.

    Args:
        frame: normalized bar frame (timestamps strictly increasing).
        to: target timeframe: intraday, `1d`, `1w` or `1M`.
        calendar: calendar code ("24/7", "FX", "XNYS", ...).
        source: the input's timeframe; inferred when omitted (intraday if any
            timestamp is not at 00:00 UTC, else daily).

    Returns:
        A normalized bar frame with only complete buckets.

    Raises:
        OutsideSessionError: some input bars lie outside every session.
        ResampleError: malformed frame, unsupported timeframe pair, or a source bar
            that straddles a target bucket boundary.
        UnknownCalendarError: unknown calendar code.
    """
    result = resample_with_report(frame, to=to, calendar=calendar, source=source)
    outside = result.report.outside_session
    if len(outside):
        shown = ", ".join(str(t) for t in outside[:_SHOWN_OUTSIDE])
        raise OutsideSessionError(
            f"{len(outside)} bar(s) lie outside every {result.report.calendar} session "
            f"(first: {shown}); use resample_with_report to exclude and list them"
        )
    return result.frame


def resample_with_report(
    frame: pd.DataFrame,
    *,
    to: Timeframe | str,
    calendar: str,
    source: Timeframe | str | None = None,
) -> ResampleResult:
    """Like `resample_bars`, but bars outside every session are excluded and reported.

    Raises:
        ResampleError: malformed frame, unsupported timeframe pair, or a source bar
            that straddles a target bucket boundary.
        UnknownCalendarError: unknown calendar code.
    """
    target = _timeframe(to, "to")
    cal = get_calendar(calendar)
    stamps, closes = _validated_times(frame)
    intraday_in = _source_is_intraday(stamps, source)
    if target.is_intraday:
        if not intraday_in:
            raise ResampleError(f"cannot resample daily bars to the intraday timeframe {target}")
        buckets = _intraday_buckets(cal, stamps, target.seconds * _NS_PER_S)
    elif whole_days(target) == 1:
        buckets = _session_buckets(cal, stamps) if intraday_in else _daily_buckets(cal, stamps)
    elif target.count == 1 and target.unit in (TimeUnit.WEEK, TimeUnit.MONTH):
        buckets = _period_buckets(cal, stamps, target, intraday_in)
    else:
        raise ResampleError(
            f"unsupported target timeframe {target}: expected intraday, 1d, 1w or 1M"
        )
    straddling = np.flatnonzero(buckets.inside & (closes > buckets.close))
    if straddling.size:
        row = int(straddling[0])
        raise ResampleError(
            f"row {row}: bar {frame['timestamp'].iloc[row]} closes at "
            f"{frame['close_time'].iloc[row]}, after its {target} bucket closes at "
            f"{ns_to_utc_index(buckets.close[row : row + 1])[0]}; the target must be a "
            "whole multiple of the source within sessions"
        )
    inside = np.flatnonzero(buckets.inside)
    head_start = (
        _bucket_start(cal, target, int(buckets.key[inside[0]]), intraday_in) if inside.size else 0
    )
    # Daily input is compared by label: its first label against the bucket's first session.
    first_seen = int(buckets.seen[inside[0]]) if inside.size else 0
    last_close = int(closes.max()) if closes.size else NAT_NS
    frame_out, counts = _collect(frame, buckets, inside, first_seen > head_start, last_close)
    report = ResampleReport(
        calendar=cal.name,
        target=str(target),
        bars_in=len(frame),
        bars_out=len(frame_out),
        outside_session=ns_to_utc_index(stamps[~buckets.inside], name="timestamp"),
        partial_head_bars=counts[0],
        incomplete_tail_bars=counts[1],
    )
    return ResampleResult(frame=frame_out, report=report)


@dataclass(frozen=True, slots=True)
class _Buckets:
    """Per input bar: in a session?, bucket key (label ns), bucket close, comparable start."""

    inside: np.ndarray
    key: np.ndarray
    close: np.ndarray
    # The bar's open instant (intraday input) or label (daily input).
    seen: np.ndarray


def _intraday_buckets(cal: SessionCalendar, stamps: np.ndarray, step: int) -> _Buckets:
    position = cal.session_index(stamps)
    _, opens, session_closes = cal.session_table(np.clip(position, 0, None))
    key = opens + (stamps - opens) // step * step
    return _Buckets(position >= 0, key, np.minimum(key + step, session_closes), stamps)


def _session_buckets(cal: SessionCalendar, stamps: np.ndarray) -> _Buckets:
    position = cal.session_index(stamps)
    labels, _, closes = cal.session_table(np.clip(position, 0, None))
    return _Buckets(position >= 0, labels, closes, stamps)


def _daily_buckets(cal: SessionCalendar, stamps: np.ndarray) -> _Buckets:
    labels = stamps // NS_PER_DAY * NS_PER_DAY
    closes = to_utc_ns(cal.bar_close_times(ns_to_utc_index(labels), "1d"))
    return _Buckets(closes != NAT_NS, labels, closes, labels)


def _period_buckets(
    cal: SessionCalendar, stamps: np.ndarray, target: Timeframe, intraday_in: bool
) -> _Buckets:
    if intraday_in:
        position = cal.session_index(stamps)
        inside = position >= 0
        labels = cal.session_table(np.clip(position, 0, None))[0]
        seen = stamps
    else:
        labels = stamps // NS_PER_DAY * NS_PER_DAY
        inside = to_utc_ns(cal.bar_close_times(ns_to_utc_index(labels), "1d")) != NAT_NS
        seen = labels
    key = week_start_ns(labels) if target.unit is TimeUnit.WEEK else month_start_ns(labels)
    closes = to_utc_ns(cal.bar_close_times(ns_to_utc_index(key), target))
    return _Buckets(inside, key, closes, seen)


def _bucket_start(cal: SessionCalendar, target: Timeframe, key: int, intraday_in: bool) -> int:
    """Where a complete input would start the bucket `key`: its open or first label."""
    if target.is_intraday:
        return key
    if whole_days(target) == 1:
        first_label = key
    else:
        stop = (
            key + 6 * NS_PER_DAY
            if target.unit is TimeUnit.WEEK
            else month_start_ns(np.array([key], dtype=np.int64), 1)[0] - NS_PER_DAY
        )
        sessions = cal.sessions(pd.Timestamp(key), pd.Timestamp(int(stop)))
        first_label = int(to_utc_ns(sessions.index[:1])[0])
    if not intraday_in:
        return first_label
    opens = cal.sessions(pd.Timestamp(first_label), pd.Timestamp(first_label))["open"]
    return int(to_utc_ns(opens)[0])


def _collect(
    frame: pd.DataFrame,
    buckets: _Buckets,
    inside: np.ndarray,
    partial_head: bool,
    last_close: int,
) -> tuple[pd.DataFrame, tuple[int, int]]:
    """Aggregate the bars at `inside` per bucket; keep complete buckets only."""
    key = buckets.key[inside]
    if np.any(np.diff(key) < 0):
        raise ResampleError("bucket order does not follow timestamp order: is the frame sorted?")
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
    ends = np.r_[starts[1:], key.size] - 1 if key.size else key
    bucket_close = buckets.close[inside][starts]
    sizes = ends - starts + 1
    finished = bucket_close <= last_close
    complete = finished.copy()
    head_bars = 0
    if partial_head and complete.size:
        head_bars = int(sizes[0]) if finished[0] else 0
        complete[0] = False
    out = _aggregate(frame, inside, starts, ends)
    out.insert(0, "close_time", ns_to_utc_index(bucket_close))
    out.insert(0, "timestamp", ns_to_utc_index(key[starts]))
    result = out.loc[complete].reset_index(drop=True)
    return result, (head_bars, int(sizes[~finished].sum()))


def _aggregate(
    frame: pd.DataFrame, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> pd.DataFrame:
    data: dict[str, np.ndarray] = {}
    for name in ("open", "high", "low", "close", "volume"):
        values = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
        if starts.size == 0:
            data[name] = np.empty(0, dtype=np.float64)
        elif name == "open":
            data[name] = values[starts]
        elif name == "close":
            data[name] = values[ends]
        elif name == "high":
            data[name] = np.fmax.reduceat(values, starts)
        elif name == "low":
            data[name] = np.fmin.reduceat(values, starts)
        else:
            present = np.add.reduceat(~np.isnan(values), starts)
            total = np.add.reduceat(np.nan_to_num(values, nan=0.0), starts)
            data[name] = np.where(present > 0, total, np.nan)
    return pd.DataFrame(data)


def _validated_times(frame: Any) -> tuple[np.ndarray, np.ndarray]:
    stamps, closes = checked_bar_times(
        frame, required=BAR_COLUMNS, context="bar frame", error=ResampleError
    )
    unsorted = np.flatnonzero(np.diff(stamps) <= 0)
    if unsorted.size:
        row = int(unsorted[0]) + 1
        raise ResampleError(
            f"row {row}: timestamps must strictly increase, found "
            f"{frame['timestamp'].iloc[row]} after {frame['timestamp'].iloc[row - 1]}"
        )
    return stamps, closes


def _source_is_intraday(stamps: np.ndarray, source: Timeframe | str | None) -> bool:
    if source is not None:
        return _timeframe(source, "source").is_intraday
    return bool(np.any(stamps % NS_PER_DAY != 0))


def _timeframe(value: Timeframe | str, what: str) -> Timeframe:
    try:
        return parse_timeframe(value)
    except CalendarError as exc:
        raise ResampleError(f"invalid {what} timeframe: {exc}") from exc
