"""`GET /v2/clock` and `GET /v2/calendar` from the exchange calendar, on the market clock.

The clock's `timestamp` is the emulated market's time (not the wall clock), in New York
local time with its offset, as Alpaca writes it; `is_open`, `next_open` and `next_close`
come from the market's `TradingHours`. The calendar lists the XNYS sessions between
`start` and `end` (default: the market clock's calendar year) with their regular open
and close in New York time.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from tradewind.venues.alpaca.emulator.wire import NEW_YORK, Call, bad_request, rfc3339_local
from tradewind.venues.emulation.hours import TradingHours

__all__ = ["ClockEndpoints"]

_DAY_MS = 86_400_000


class ClockEndpoints:
    """Clock and calendar of one exchange (`calendar_code`, an exchange_calendars code)."""

    def __init__(self, hours: TradingHours, calendar_code: str = "XNYS") -> None:
        self.hours = hours
        self.calendar_code = calendar_code

    def clock(self, call: Call) -> dict[str, Any]:
        now_ms = call.now_ms
        is_open = self.hours.is_open(now_ms)
        next_close = self.hours.session_close_ms(now_ms)
        next_open = self.hours.next_open_ms(next_close if is_open and next_close else now_ms)
        return {
            "timestamp": rfc3339_local(now_ms),
            "is_open": is_open,
            "next_open": rfc3339_local(next_open if next_open is not None else now_ms),
            "next_close": rfc3339_local(next_close if next_close is not None else now_ms + _DAY_MS),
        }

    def calendar(self, call: Call) -> list[dict[str, Any]]:
        today = datetime.fromtimestamp(call.now_ms / 1000, tz=NEW_YORK).date()
        start = _date(call.params.get("start"), "start") or date(today.year, 1, 1)
        end = _date(call.params.get("end"), "end") or date(today.year, 12, 31)
        calendar = _calendar(self.calendar_code)
        first = max(start, calendar.first_session.date())
        last = min(end, calendar.last_session.date())
        if first > last:
            return []
        sessions = calendar.sessions_in_range(first.isoformat(), last.isoformat())
        return [_session_json(calendar, session) for session in sessions]


def _session_json(calendar: Any, session: Any) -> dict[str, Any]:
    opens = calendar.session_open(session).tz_convert(NEW_YORK)
    closes = calendar.session_close(session).tz_convert(NEW_YORK)
    return {
        "date": session.date().isoformat(),
        "open": opens.strftime("%H:%M"),
        "close": closes.strftime("%H:%M"),
        "session_open": "0400",
        "session_close": "2000",
    }


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise bad_request(f"invalid {name}: expected YYYY-MM-DD, got {text!r}") from None


@functools.lru_cache(maxsize=4)
def _calendar(code: str) -> Any:
    import exchange_calendars

    return exchange_calendars.get_calendar(code, start="1990-01-01")
