"""Errors raised when resolving or querying trading calendars."""

from __future__ import annotations

from tradewind.domain.errors import TradewindError

__all__ = ["CalendarError", "CalendarRangeError", "UnknownCalendarError"]


class CalendarError(TradewindError):
    """A calendar was asked something it cannot answer (bad timeframe, bad input)."""


class UnknownCalendarError(CalendarError, LookupError):
    """No calendar has the requested code."""


class CalendarRangeError(CalendarError):
    """An instant or date lies outside the range the calendar covers."""
