"""Resolve calendar codes to (cached) calendar objects."""

from __future__ import annotations

from functools import cache
from typing import Final

import exchange_calendars as xcals

from tradewind.data.calendars._base import SessionCalendar
from tradewind.data.calendars._builtin import AlwaysOpenCalendar, ExchangeCalendar, ForexCalendar
from tradewind.data.calendars.errors import UnknownCalendarError
from tradewind.domain.calendar_codes import CALENDAR_24_7, CALENDAR_FX

__all__ = ["get_calendar", "supported_calendars"]

_BUILTIN_ALIASES: Final[dict[str, str]] = {
    "24/7": CALENDAR_24_7,
    "24X7": CALENDAR_24_7,
    "FX": CALENDAR_FX,
    "FOREX": CALENDAR_FX,
    "24/5": CALENDAR_FX,
}


def supported_calendars() -> tuple[str, ...]:
    """Canonical calendar codes: "24/7", "FX", then every exchange_calendars code."""
    exchanges = sorted(
        name
        for name in xcals.get_calendar_names(include_aliases=False)
        if name.upper() not in _BUILTIN_ALIASES
    )
    return (CALENDAR_24_7, CALENDAR_FX, *exchanges)


def get_calendar(code: str) -> SessionCalendar:
    """The trading calendar for `code` ("24/7", "FX", "XNYS", "CMES", ...), cached.

    Codes are case-insensitive; exchange_calendars aliases ("NYSE") are accepted and
    resolve to the same object as the canonical code.

    Raises:
        UnknownCalendarError: no calendar has this code (the message lists the codes).
    """
    if not isinstance(code, str) or not code.strip():
        raise UnknownCalendarError(
            f"invalid calendar code {code!r}: expected a code such as 24/7, FX, XNYS or CMES"
        )
    return _resolve(_canonical(code.strip()))


def _canonical(code: str) -> str:
    builtin = _BUILTIN_ALIASES.get(code.upper())
    if builtin is not None:
        return builtin
    names = set(xcals.get_calendar_names(include_aliases=True))
    for candidate in (code, code.upper()):
        if candidate in names:
            return str(xcals.resolve_alias(candidate))
    raise UnknownCalendarError(
        f"unknown calendar {code!r}: expected one of {', '.join(supported_calendars())}"
    )


@cache
def _resolve(code: str) -> SessionCalendar:
    if code == CALENDAR_24_7:
        return AlwaysOpenCalendar()
    if code == CALENDAR_FX:
        return ForexCalendar()
    return ExchangeCalendar(code)
