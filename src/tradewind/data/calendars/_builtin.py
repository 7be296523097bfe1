"""The three kinds of calendar: always open (crypto), 24/5 FX, and exchanges."""

from __future__ import annotations

import warnings
from typing import Final

import exchange_calendars as xcals
import numpy as np
import pandas as pd

from tradewind.data.calendars._base import SessionCalendar
from tradewind.data.calendars._convert import NAT_NS, NS_PER_DAY, label_to_ns
from tradewind.data.calendars.errors import UnknownCalendarError
from tradewind.domain.calendar_codes import CALENDAR_24_7, CALENDAR_FX

__all__ = ["AlwaysOpenCalendar", "ExchangeCalendar", "ForexCalendar"]

# Built-in calendars are generated for this fixed span (about 47,000 sessions, < 2 MB).
_SYNTHETIC_FIRST: Final = "1970-01-01"
_SYNTHETIC_LAST: Final = "2099-12-31"
# exchange_calendars builds its schedule eagerly; 1985 keeps 1990 data in range.
EXCHANGE_FIRST_SESSION: Final = "1985-01-01"
_NEW_YORK: Final = "America/New_York"
_FX_ROLL_HOUR: Final = 17


def _all_days() -> np.ndarray:
    first, last = label_to_ns(_SYNTHETIC_FIRST), label_to_ns(_SYNTHETIC_LAST)
    # Integer arithmetic: np.arange with a float-sized span would miscount the days.
    return first + np.arange((last - first) // NS_PER_DAY + 1, dtype=np.int64) * NS_PER_DAY


class AlwaysOpenCalendar(SessionCalendar):
    """24/7 markets (crypto): session D is `[D 00:00 UTC, D+1 00:00 UTC)`, 1970-2099.

    Sessions touch, so an instant at midnight belongs to the session it opens.
    """

    def __init__(self) -> None:
        days = _all_days()
        super().__init__(CALENDAR_24_7, days, days, days + NS_PER_DAY)


class ForexCalendar(SessionCalendar):
    """24/5 FX: session D (Monday..Friday) is `[D-1 17:00, D 17:00)` America/New_York.

    The week opens Sunday 17:00 New York (Monday's session) and closes Friday 17:00
    New York; the UTC instants follow New York daylight saving (22:00/21:00 UTC).
    Holidays are not modelled: thin holiday sessions remain sessions. Covers 1970-2099.
    """

    def __init__(self) -> None:
        days = _all_days()
        weekday = (days // NS_PER_DAY + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
        labels = days[weekday < 5]
        roll = pd.DatetimeIndex((labels + _FX_ROLL_HOUR * 3_600 * 10**9).view("M8[ns]"))
        # 17:00 is never inside a New York DST transition, so localizing is unambiguous.
        closes = roll.tz_localize(_NEW_YORK).tz_convert("UTC").as_unit("ns").asi8
        opens = (roll - pd.Timedelta(days=1)).tz_localize(_NEW_YORK).tz_convert("UTC")
        super().__init__(CALENDAR_FX, labels, opens.as_unit("ns").asi8, closes)


class ExchangeCalendar(SessionCalendar):
    """An exchange_calendars calendar (e.g. "XNYS", "CMES") with holidays and early closes.

    Built from `EXCHANGE_FIRST_SESSION` (1985, or the calendar's own earliest date
    if later) to the library's default end (about a year ahead).

    Raises:
        UnknownCalendarError: exchange_calendars has no calendar with this code.
    """

    def __init__(self, code: str) -> None:
        source = _build_exchange_calendar(code)
        schedule = source.schedule
        super().__init__(
            code,
            _ns(schedule.index),
            _ns(schedule["open"]),
            _ns(schedule["close"]),
            break_starts_ns=_ns(schedule["break_start"]),
            break_ends_ns=_ns(schedule["break_end"]),
            coverage_start_ns=label_to_ns(schedule.index[0]),
        )


def _build_exchange_calendar(code: str) -> xcals.ExchangeCalendar:
    # exchange_calendars still calls pandas APIs that pandas 3 deprecates; the
    # warnings are the library's, not actionable here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        try:
            return xcals.get_calendar(code, start=EXCHANGE_FIRST_SESSION)
        except xcals.errors.InvalidCalendarName as exc:
            raise UnknownCalendarError(f"unknown calendar {code!r}") from exc
        except ValueError:
            # The calendar starts later than 1985 (its own bound); take its default range.
            return xcals.get_calendar(code)


def _ns(values: pd.Index | pd.Series) -> np.ndarray:
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC")
    result = np.asarray(index.as_unit("ns").asi8, dtype=np.int64)
    return np.where(index.isna(), NAT_NS, result)
