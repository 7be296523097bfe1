"""A trading calendar backed by sorted arrays of sessions (vectorized queries).

Every calendar (24/7, FX, exchange) is reduced to three int64 arrays in UTC
nanoseconds: session labels (midnight of the trading date), opens and closes.
Queries are `np.searchsorted` over those arrays, so they cost O(n log s) for n
instants and never loop in Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.calendars._convert import (
    NAT_NS,
    NS_PER_DAY,
    label_to_ns,
    ns_to_labels,
    ns_to_utc_index,
    to_utc_ns,
)
from tradewind.data.calendars.errors import CalendarError, CalendarRangeError
from tradewind.domain.errors import DomainError
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = ["SessionCalendar", "month_start_ns", "week_start_ns"]

_NS_PER_S = 1_000_000_000
# 1970-01-01 was a Thursday: shifting day numbers by 3 makes Monday weekday 0.
_EPOCH_WEEKDAY = 3


def week_start_ns(t_ns: np.ndarray) -> np.ndarray:
    """Monday 00:00 UTC of the ISO week containing each instant (no NaT allowed)."""
    days = np.floor_divide(t_ns, NS_PER_DAY)
    starts: np.ndarray = (days - (days + _EPOCH_WEEKDAY) % 7) * NS_PER_DAY
    return starts


def month_start_ns(t_ns: np.ndarray, months_ahead: int = 0) -> np.ndarray:
    """First day 00:00 UTC of the month containing each instant, plus `months_ahead`."""
    months = t_ns.view("M8[ns]").astype("M8[M]") + np.timedelta64(months_ahead, "M")
    return months.astype("M8[ns]").view(np.int64)


def parse_timeframe(timeframe: Timeframe | str) -> Timeframe:
    """`Timeframe.parse` with the error re-raised as a `CalendarError`."""
    try:
        return Timeframe.parse(timeframe)
    except DomainError as exc:
        raise CalendarError(str(exc)) from exc


def whole_days(tf: Timeframe) -> int | None:
    """The number of days of a day-based timeframe (`1d`, `24h`), else None."""
    if tf.unit in (TimeUnit.WEEK, TimeUnit.MONTH) or tf.is_intraday:
        return None
    seconds = tf.seconds
    return seconds // 86_400 if seconds % 86_400 == 0 else None


class SessionCalendar:
    """Sessions `[open, close)` held as sorted int64 arrays; see `TradingCalendar`.

    Args:
        name: the calendar code.
        labels_ns, opens_ns, closes_ns: one entry per session, UTC ns; labels are
            midnights, strictly increasing; sessions must not overlap.
        break_starts_ns, break_ends_ns: optional intra-session breaks (NaT = none).
        coverage_start_ns: earliest instant the table describes (default: first open).

    Raises:
        CalendarError: the arrays are inconsistent.
    """

    def __init__(
        self,
        name: str,
        labels_ns: np.ndarray,
        opens_ns: np.ndarray,
        closes_ns: np.ndarray,
        *,
        break_starts_ns: np.ndarray | None = None,
        break_ends_ns: np.ndarray | None = None,
        coverage_start_ns: int | None = None,
    ) -> None:
        self._name = name
        self._labels = _frozen(labels_ns)
        self._opens = _frozen(opens_ns)
        self._closes = _frozen(closes_ns)
        count = self._labels.size
        if count == 0 or self._opens.size != count or self._closes.size != count:
            raise CalendarError(f"calendar {name}: expected equally long, non-empty session arrays")
        if np.any(np.diff(self._labels) <= 0) or np.any(self._opens >= self._closes):
            raise CalendarError(f"calendar {name}: labels must increase and every open < close")
        if np.any(self._closes[:-1] > self._opens[1:]):
            raise CalendarError(f"calendar {name}: sessions overlap")
        self._break_starts: np.ndarray | None = None
        self._break_ends: np.ndarray | None = None
        if break_starts_ns is not None and break_ends_ns is not None:
            has_break = (break_starts_ns != NAT_NS) & (break_ends_ns != NAT_NS)
            if np.any(has_break):
                self._break_starts = _frozen(np.where(has_break, break_starts_ns, 0))
                self._break_ends = _frozen(np.where(has_break, break_ends_ns, 0))
        first_open = int(self._opens[0])
        self._cover_lo = (
            first_open if coverage_start_ns is None else min(coverage_start_ns, first_open)
        )
        self._cover_hi = int(self._closes[-1])
        self._label_lo = (self._cover_lo // NS_PER_DAY) * NS_PER_DAY
        self._label_hi = int(self._labels[-1])

    # -- TradingCalendar -------------------------------------------------------------

    @property
    def name(self) -> str:
        """The calendar code."""
        return self._name

    @property
    def first_session(self) -> pd.Timestamp:
        """Label (tz-naive midnight) of the first session the calendar covers."""
        return pd.Timestamp(int(self._labels[0]))

    @property
    def last_session(self) -> pd.Timestamp:
        """Label (tz-naive midnight) of the last session the calendar covers."""
        return pd.Timestamp(int(self._labels[-1]))

    def sessions(self, start: Any, end: Any) -> pd.DataFrame:
        """Sessions labelled in `[start, end]` (dates, inclusive); see `TradingCalendar`.

        Raises:
            CalendarError: `end` is before `start`.
            CalendarRangeError: the range leaves the calendar's coverage.
        """
        lo, hi = label_to_ns(start), label_to_ns(end)
        if hi < lo:
            raise CalendarError(f"calendar {self._name}: end {end} is before start {start}")
        self._check_labels(np.array([lo, hi], dtype=np.int64))
        a = int(np.searchsorted(self._labels, lo, side="left"))
        b = int(np.searchsorted(self._labels, hi, side="right"))
        return pd.DataFrame(
            {
                "open": ns_to_utc_index(self._opens[a:b]),
                "close": ns_to_utc_index(self._closes[a:b]),
            },
            index=ns_to_labels(self._labels[a:b], name="session"),
        )

    def is_open(self, instants: Any) -> np.ndarray:
        """Boolean array: open at each instant (NaT, breaks and closes -> False).

        Raises:
            CalendarRangeError: an instant lies outside the calendar's coverage.
        """
        t = to_utc_ns(instants)
        index, inside = self._locate(t)
        result: np.ndarray = inside & ~self._in_break(t, index)
        return result

    def session_labels(self, instants: Any) -> pd.DatetimeIndex:
        """Tz-naive label of the session open at each instant, NaT when closed.

        Raises:
            CalendarRangeError: an instant lies outside the calendar's coverage.
        """
        t = to_utc_ns(instants)
        index, inside = self._locate(t)
        open_now = inside & ~self._in_break(t, index)
        return ns_to_labels(np.where(open_now, self._labels[index], NAT_NS))

    def session_index(self, instants: Any) -> np.ndarray:
        """Position (0-based, in this calendar's table) of each instant's session, -1 if none.

        Unlike `session_labels`, an instant inside a break still maps to its session
        (a bar opening at a break's end belongs to the session).
        """
        index, inside = self._locate(to_utc_ns(instants))
        return np.where(inside, index, -1)

    def session_table(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`(labels_ns, opens_ns, closes_ns)` of the sessions at `positions` (>= 0)."""
        return self._labels[positions], self._opens[positions], self._closes[positions]

    def bar_close_times(self, bar_times: Any, timeframe: Timeframe | str) -> pd.DatetimeIndex:
        """UTC close instant of each bar; see `TradingCalendar.bar_close_times`.

        Daily-or-longer timestamps are read as date labels (their UTC date). `Nd`
        bars close with the N-th session starting at the label. NaT marks a label
        that is not a session (or a week/month without sessions) and an intraday
        open outside every session.

        Raises:
            CalendarError: the timeframe cannot be parsed.
            CalendarRangeError: a bar lies outside the calendar's coverage.
        """
        tf = parse_timeframe(timeframe)
        t = to_utc_ns(bar_times)
        if tf.is_intraday:
            index, inside = self._locate(t)
            step = tf.seconds * _NS_PER_S
            closes = np.minimum(t + step, self._closes[index])
            return ns_to_utc_index(np.where(inside, closes, NAT_NS))
        valid = t != NAT_NS
        safe = np.where(valid, t, self._label_lo)
        days = whole_days(tf)
        if days is not None:
            result = self._day_bar_closes(safe, valid, days)
        elif tf.unit is TimeUnit.WEEK:
            start = week_start_ns(safe)
            result = self._period_closes(start, start + tf.count * 7 * NS_PER_DAY, valid)
        elif tf.unit is TimeUnit.MONTH:
            start = month_start_ns(safe)
            result = self._period_closes(start, month_start_ns(safe, tf.count), valid)
        else:
            raise CalendarError(
                f"timeframe {tf} is neither intraday nor a whole number of days, weeks or months"
            )
        return ns_to_utc_index(result)

    def expected_bar_times(
        self, start: Any, end: Any, timeframe: Timeframe | str
    ) -> pd.DatetimeIndex:
        """Bar timestamps (UTC) of a gap-free series within `[start, end]`.

        Intraday: opens stepping by the timeframe from each session open, the last
        bar of a session possibly shorter. `1d`: session labels at 00:00 UTC. `1w`/`1M`:
        Monday / first of month 00:00 UTC of each period holding a session.

        Raises:
            CalendarError: multi-day/week/month counts (anchoring is ambiguous) or
                `end` before `start`.
            CalendarRangeError: the range leaves the calendar's coverage.
        """
        tf = parse_timeframe(timeframe)
        lo, hi = int(to_utc_ns(start)[0]), int(to_utc_ns(end)[0])
        if lo == NAT_NS or hi == NAT_NS or hi < lo:
            raise CalendarError(
                f"calendar {self._name}: expected start <= end, found {start}, {end}"
            )
        if tf.is_intraday:
            self._check_instants(np.array([lo, hi], dtype=np.int64))
            return ns_to_utc_index(self._intraday_opens(lo, hi, tf.seconds * _NS_PER_S))
        if whole_days(tf) != 1 and not (
            tf.count == 1 and tf.unit in (TimeUnit.WEEK, TimeUnit.MONTH)
        ):
            raise CalendarError(
                f"expected_bar_times supports intraday, 1d, 1w and 1M timeframes, found {tf}"
            )
        day_lo = (lo // NS_PER_DAY) * NS_PER_DAY
        self._check_labels(np.array([day_lo, (hi // NS_PER_DAY) * NS_PER_DAY], dtype=np.int64))
        if tf.unit is TimeUnit.WEEK:
            first = int(week_start_ns(np.array([day_lo]))[0])
            labels = np.unique(week_start_ns(self._labels_between(first, hi)))
        elif tf.unit is TimeUnit.MONTH:
            first = int(month_start_ns(np.array([day_lo]))[0])
            labels = np.unique(month_start_ns(self._labels_between(first, hi)))
        else:
            labels = self._labels_between(day_lo, hi)
        return ns_to_utc_index(labels[labels >= day_lo])

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._name!r}, sessions {self.first_session.date()}"
            f"..{self.last_session.date()})"
        )

    # -- internals -------------------------------------------------------------------

    def _locate(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clipped index of the last session opening at or before t, and whether t is in it."""
        valid = self._check_instants(t)
        index = np.searchsorted(self._opens, t, side="right") - 1
        clipped = np.clip(index, 0, None)
        inside = valid & (index >= 0) & (t < self._closes[clipped])
        return clipped, inside

    def _in_break(self, t: np.ndarray, index: np.ndarray) -> np.ndarray:
        if self._break_starts is None or self._break_ends is None:
            return np.zeros(t.shape, dtype=bool)
        result: np.ndarray = (t >= self._break_starts[index]) & (t < self._break_ends[index])
        return result

    def _check_instants(self, t: np.ndarray) -> np.ndarray:
        valid: np.ndarray = t != NAT_NS
        if not np.any(valid):
            return valid
        present = t[valid]
        outside = (present < self._cover_lo) | (present >= self._cover_hi)
        if np.any(outside):
            raise CalendarRangeError(
                f"calendar {self._name} covers {_fmt(self._cover_lo)} to {_fmt(self._cover_hi)}, "
                f"found instant {_fmt(int(present[outside][0]))}"
            )
        return valid

    def _check_labels(self, labels: np.ndarray) -> None:
        outside = (labels < self._label_lo) | (labels > self._label_hi)
        if np.any(outside):
            raise CalendarRangeError(
                f"calendar {self._name} covers sessions {_fmt_day(self._label_lo)} to "
                f"{_fmt_day(self._label_hi)}, found date {_fmt_day(int(labels[outside][0]))}"
            )

    def _labels_between(self, lo: int, hi: int) -> np.ndarray:
        a = np.searchsorted(self._labels, lo, side="left")
        b = np.searchsorted(self._labels, hi, side="right")
        return self._labels[a:b]

    def _day_bar_closes(self, t: np.ndarray, valid: np.ndarray, days: int) -> np.ndarray:
        label = (t // NS_PER_DAY) * NS_PER_DAY
        self._check_labels(label[valid])
        last = self._labels.size - 1
        pos = np.clip(np.searchsorted(self._labels, label, side="left"), 0, last)
        end = pos + days - 1
        ok = valid & (self._labels[pos] == label) & (end <= last)
        return np.where(ok, self._closes[np.minimum(end, last)], NAT_NS)

    def _period_closes(self, start: np.ndarray, stop: np.ndarray, valid: np.ndarray) -> np.ndarray:
        self._check_labels(start[valid])
        self._check_labels(stop[valid] - NS_PER_DAY)
        pos = np.searchsorted(self._labels, stop, side="left") - 1
        clipped = np.clip(pos, 0, None)
        ok = valid & (pos >= 0) & (self._labels[clipped] >= start)
        return np.where(ok, self._closes[clipped], NAT_NS)

    def _intraday_opens(self, lo: int, hi: int, step: int) -> np.ndarray:
        a = int(np.searchsorted(self._closes, lo, side="right"))
        b = int(np.searchsorted(self._opens, hi, side="right"))
        opens, closes = self._opens[a:b], self._closes[a:b]
        per_session = (closes - opens + step - 1) // step
        first_of_session = np.repeat(np.cumsum(per_session) - per_session, per_session)
        offsets = np.arange(int(per_session.sum()), dtype=np.int64) - first_of_session
        times = np.repeat(opens, per_session) + offsets * step
        result: np.ndarray = times[(times >= lo) & (times <= hi)]
        return result


def _frozen(values: np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=np.int64, copy=True)
    array.setflags(write=False)
    return array


def _fmt(ns: int) -> str:
    return str(pd.Timestamp(ns, tz="UTC"))


def _fmt_day(ns: int) -> str:
    return str(pd.Timestamp(ns).date())
