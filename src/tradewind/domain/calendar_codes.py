"""Trading-calendar codes and the default calendar of each market class.

A calendar code is a string: `"24/7"` (sessions are UTC calendar days), `"FX"`
(24/5, Sunday 17:00 to Friday 17:00 America/New_York), or any exchange_calendars
code such as `"XNYS"` or `"CMES"`. Resolving a code to sessions happens outside
the domain (the data layer's calendars).
"""

from __future__ import annotations

from typing import Final

from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass

__all__ = [
    "CALENDAR_24_7",
    "CALENDAR_CMES",
    "CALENDAR_FX",
    "CALENDAR_XNYS",
    "default_calendar_for",
    "validate_calendar_code",
]

CALENDAR_24_7: Final = "24/7"
"""Always open; the session of date D is D 00:00 UTC -> D+1 00:00 UTC (crypto)."""
CALENDAR_FX: Final = "FX"
"""24/5; the trading day D runs D-1 17:00 -> D 17:00 America/New_York, Monday..Friday."""
CALENDAR_XNYS: Final = "XNYS"
"""New York Stock Exchange (US equities and ETFs), with holidays and early closes."""
CALENDAR_CMES: Final = "CMES"
"""CME Globex (futures)."""

_DEFAULTS: Final[dict[MarketClass, str]] = {
    MarketClass.CRYPTO: CALENDAR_24_7,
    MarketClass.FOREX: CALENDAR_FX,
    MarketClass.FUTURES: CALENDAR_CMES,
}


def default_calendar_for(market_class: MarketClass | str) -> str:
    """The calendar a market class trades on unless configured otherwise.

    crypto `"24/7"`, forex `"FX"`, futures `"CMES"`, everything else `"XNYS"`.
    Strings are parsed with `MarketClass.parse` (aliases such as `"stocks"` work).

    Raises:
        DomainError: the string names no market class.
    """
    klass = (
        market_class if isinstance(market_class, MarketClass) else MarketClass.parse(market_class)
    )
    return _DEFAULTS.get(klass, CALENDAR_XNYS)


def validate_calendar_code(code: str) -> str:
    """Return `code` if it is a plausible calendar code (non-empty, no whitespace).

    Whether an exchange code exists is checked where calendars are resolved.

    Raises:
        DomainError: the code is not a string, is empty or contains whitespace.
    """
    if not isinstance(code, str) or not code or any(ch.isspace() for ch in code):
        raise DomainError(
            f"invalid calendar {code!r}: expected a code such as '24/7', 'FX', 'XNYS' or 'CMES'"
        )
    return code
