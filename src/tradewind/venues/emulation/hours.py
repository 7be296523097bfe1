"""When an emulated market trades: always (crypto), 24/5 (forex) or an exchange's sessions.

`EmulatedMarket(..., hours={symbol: TradingHours})` asks `is_open` before filling a
market or marketable order at entry, and `session_close_ms` to expire DAY orders. Every
instant is in ms since the epoch (UTC) on the market clock.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = [
    "ALWAYS_OPEN",
    "FOREX_HOURS",
    "AlwaysOpen",
    "ExchangeHours",
    "ForexHours",
    "TradingHours",
]

_NEW_YORK = ZoneInfo("America/New_York")
_WEEK_MS = 7 * 86_400_000


class TradingHours(Protocol):
    """A market's trading sessions."""

    def is_open(self, now_ms: int) -> bool:
        """Whether the market trades at `now_ms`."""
        ...

    def next_open_ms(self, now_ms: int) -> int | None:
        """The next session open after `now_ms` (None: always open)."""
        ...

    def session_close_ms(self, now_ms: int) -> int | None:
        """The close of the session open at `now_ms`, or of the next one if closed
        (None: never closes); DAY orders placed at `now_ms` expire then."""
        ...


class AlwaysOpen:
    """Crypto: trades every instant."""

    def is_open(self, now_ms: int) -> bool:
        return True

    def next_open_ms(self, now_ms: int) -> int | None:
        return None

    def session_close_ms(self, now_ms: int) -> int | None:
        return None


class ForexHours:
    """The interbank FX week: from Sunday 17:00 to Friday 17:00 America/New_York."""

    def is_open(self, now_ms: int) -> bool:
        local = _local(now_ms)
        weekday, minutes = local.weekday(), local.hour * 60 + local.minute
        if weekday == 5:  # Saturday
            return False
        if weekday == 4:  # Friday
            return minutes < 17 * 60
        if weekday == 6:  # Sunday
            return minutes >= 17 * 60
        return True

    def next_open_ms(self, now_ms: int) -> int | None:
        if self.is_open(now_ms):
            return now_ms
        local = _local(now_ms)
        days_to_sunday = (6 - local.weekday()) % 7
        sunday = (local + timedelta(days=days_to_sunday)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        return _ms(sunday)

    def session_close_ms(self, now_ms: int) -> int | None:
        start = self.next_open_ms(now_ms) or now_ms
        local = _local(start)
        days_to_friday = (4 - local.weekday()) % 7
        friday = (local + timedelta(days=days_to_friday)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        close = _ms(friday)
        return close if close > start else close + _WEEK_MS


class ExchangeHours:
    """An exchange's regular sessions from `exchange_calendars` (e.g. "XNYS")."""

    def __init__(self, calendar_code: str) -> None:
        self.calendar_code = calendar_code

    def is_open(self, now_ms: int) -> bool:
        calendar = _calendar(self.calendar_code)
        instant = _utc(now_ms)
        if not _within(calendar, instant):
            return False
        return bool(calendar.is_open_on_minute(instant, ignore_breaks=True))

    def next_open_ms(self, now_ms: int) -> int | None:
        if self.is_open(now_ms):
            return now_ms
        calendar = _calendar(self.calendar_code)
        instant = _utc(now_ms)
        if not _within(calendar, instant):
            return None
        return _ms(calendar.next_open(instant).to_pydatetime())

    def session_close_ms(self, now_ms: int) -> int | None:
        calendar = _calendar(self.calendar_code)
        instant = _utc(now_ms)
        if not _within(calendar, instant):
            return None
        if self.is_open(now_ms):
            return _ms(calendar.next_close(instant).to_pydatetime())
        next_open = calendar.next_open(instant)
        return _ms(calendar.next_close(next_open).to_pydatetime())


ALWAYS_OPEN = AlwaysOpen()
FOREX_HOURS = ForexHours()


@functools.lru_cache(maxsize=8)
def _calendar(code: str):  # type: ignore[no-untyped-def]
    import exchange_calendars

    return exchange_calendars.get_calendar(code, start="1990-01-01")


def _within(calendar, instant: datetime) -> bool:  # type: ignore[no-untyped-def]
    first = calendar.first_minute.to_pydatetime()
    last = calendar.last_minute.to_pydatetime()
    return bool(first <= instant < last)


def _utc(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, tz=UTC).replace(second=0, microsecond=0)


def _local(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, tz=_NEW_YORK)


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
