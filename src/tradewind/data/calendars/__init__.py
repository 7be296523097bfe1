"""Trading calendars: 24/7 (crypto), 24/5 FX and exchange hours with holidays.

`get_calendar(code)` returns a cached `TradingCalendar` (see
`tradewind.ports.calendar`); every query is vectorized over numpy arrays.
"""

from tradewind.data.calendars._base import SessionCalendar
from tradewind.data.calendars._builtin import AlwaysOpenCalendar, ExchangeCalendar, ForexCalendar
from tradewind.data.calendars._registry import get_calendar, supported_calendars
from tradewind.data.calendars.errors import (
    CalendarError,
    CalendarRangeError,
    UnknownCalendarError,
)

__all__ = [
    "AlwaysOpenCalendar",
    "CalendarError",
    "CalendarRangeError",
    "ExchangeCalendar",
    "ForexCalendar",
    "SessionCalendar",
    "UnknownCalendarError",
    "get_calendar",
    "supported_calendars",
]
