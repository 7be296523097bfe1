"""Bar clocks of a synthetic market: the 24/7 master clock and each calendar's grid.

The master clock is the gap-free 24/7 grid of `n_bars` bars from the spec's start;
regimes live on it. Every other calendar gets the bars it opens within the same span
(`expected_bar_times`), and its close times from `bar_close_times`, so session
calendars have fewer bars than the master clock (no nights, weekends, holidays).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.data.calendars import CalendarError, get_calendar
from tradewind.data.synthetic.spec import SyntheticSpec, SyntheticSpecError
from tradewind.domain.calendar_codes import CALENDAR_24_7
from tradewind.domain.timeframe import TimeUnit

__all__ = ["BarGrid", "build_grid"]

_NS_PER_S = 1_000_000_000
_SECONDS_PER_YEAR = 365.25 * 86_400
_MIN_GROUP_BARS = 10


@dataclass(frozen=True, slots=True)
class BarGrid:
    """One calendar's bars within the master span (int64 UTC ns arrays, read-only).

    `master_bar` maps each bar to the master bar containing its timestamp;
    `bars_per_year` is this calendar's bar count per 365.25 days of the span.
    """

    calendar: str
    timestamp: np.ndarray
    close_time: np.ndarray
    master_bar: np.ndarray
    bars_per_year: float

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])


def build_grid(spec: SyntheticSpec, calendar: str) -> BarGrid:
    """The bar grid of `calendar` over the spec's master span.

    Raises:
        SyntheticSpecError: the span leaves the calendar's coverage, or the calendar
            opens fewer than 10 bars in it.
    """
    tf = spec.tf
    step_ns = tf.seconds * _NS_PER_S
    first_ns = int(spec.start_time.timestamp()) * _NS_PER_S
    span_ns = spec.n_bars * step_ns
    # For daily bars the range is of date labels (inclusive); for intraday bars of opens.
    last_ns = first_ns + span_ns - (step_ns if tf.unit is TimeUnit.DAY else 1)
    try:
        cal = get_calendar(calendar)
        stamps = cal.expected_bar_times(
            pd.Timestamp(first_ns, tz="UTC"), pd.Timestamp(last_ns, tz="UTC"), tf
        )
        closes = cal.bar_close_times(stamps, tf)
    except CalendarError as exc:
        raise SyntheticSpecError(
            f"synthetic market {spec.name!r} on calendar {calendar}: {exc}; "
            "choose another start or fewer bars"
        ) from None
    timestamp = _frozen(stamps.asi8)
    close_time = _frozen(closes.asi8)
    if calendar == CALENDAR_24_7 and timestamp.size != spec.n_bars:
        raise SyntheticSpecError(
            f"synthetic master clock: expected {spec.n_bars} bars of {tf}, "
            f"calendar 24/7 gives {timestamp.size}"
        )
    if timestamp.size < _MIN_GROUP_BARS:
        raise SyntheticSpecError(
            f"synthetic market {spec.name!r}: calendar {calendar} opens only {timestamp.size} "
            f"{tf} bars in {spec.n_bars} master bars; expected at least {_MIN_GROUP_BARS}, "
            "use more bars"
        )
    master_bar = _frozen(np.clip((timestamp - first_ns) // step_ns, 0, spec.n_bars - 1))
    years = span_ns / _NS_PER_S / _SECONDS_PER_YEAR
    return BarGrid(calendar, timestamp, close_time, master_bar, timestamp.size / years)


def _frozen(values: np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=np.int64, copy=True)
    array.setflags(write=False)
    return array
