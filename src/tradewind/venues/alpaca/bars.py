"""Alpaca's stock bars (`GET /v2/stocks/bars`) read page by page into candle rows.

Intraday bars open at their `t` and close one timeframe later. A daily bar (`t` is
midnight America/New_York) is stamped with its session date at 00:00 UTC, as
Tradewind's bar frames are, and closes at the session's close from Alpaca's calendar
(`GET /v2/calendar`: 16:00 New York, earlier on half days); a date the calendar does
not list closes at 16:00 New York.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alpaca.data.enums import Adjustment, DataFeed
from alpaca.data.requests import StockBarsRequest
from alpaca.data.timeframe import TimeFrame, TimeFrameUnit
from alpaca.trading.requests import GetCalendarRequest

from tradewind.domain.errors import DomainError
from tradewind.domain.timeframe import Timeframe
from tradewind.venues.alpaca.parsing import ms_of_rfc3339, to_decimal
from tradewind.venues.alpaca.session import AlpacaSession

__all__ = ["TIMEFRAMES", "BarReader", "Candle", "alpaca_timeframe"]

NEW_YORK = ZoneInfo("America/New_York")
_DEFAULT_CLOSE = time(16, 0)
TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "1d")
"""The bar timeframes the adapter serves (Alpaca builds others too)."""
_UNITS = {"m": TimeFrameUnit.Minute, "h": TimeFrameUnit.Hour, "d": TimeFrameUnit.Day}


@dataclass(frozen=True, slots=True)
class Candle:
    """One bar: open and close instants (ms, UTC) and its prices and volume."""

    open_ms: int
    close_ms: int
    open: float
    high: float
    low: float
    close: float
    volume: float


def alpaca_timeframe(timeframe: Timeframe | str) -> tuple[Timeframe, TimeFrame]:
    """Our timeframe and alpaca-py's for it.

    Raises:
        DomainError: a timeframe the adapter does not serve (names the served ones).
    """
    parsed = Timeframe.parse(timeframe)
    if str(parsed) not in TIMEFRAMES:
        raise DomainError(
            f"timeframe {parsed} is not served by Alpaca: expected one of {', '.join(TIMEFRAMES)}"
        )
    return parsed, TimeFrame(parsed.count, _UNITS[parsed.unit.value])


class BarReader:
    """Reads one symbol's bars and stamps their close from the calendar.

    Args:
        session: the session (its data client).
        feed: Alpaca's data feed (`iex`, `sip`, ...).
        adjustment: Alpaca's corporate-action adjustment (`raw`, `split`, `all`, ...).
    """

    def __init__(self, session: AlpacaSession, *, feed: str, adjustment: str = "raw") -> None:
        self._session = session
        self._feed = DataFeed(feed)
        self._adjustment = Adjustment(adjustment)
        self._closes: dict[date, int] = {}
        self._opens: dict[date, int] = {}

    def session_open_ms(self, now_ms: int) -> int | None:
        """When the session of `now_ms`'s New York date opened (None: no session)."""
        today = datetime.fromtimestamp(now_ms / 1000, NEW_YORK).date()
        if today not in self._opens:
            self._load_days(today, today)
        return self._opens.get(today)

    def read(
        self,
        symbol: str,
        timeframe: Timeframe,
        start_ms: int,
        end_ms: int,
        limit: int | None = None,
    ) -> list[Candle]:
        """Bars with open in [start_ms, end_ms), oldest first (at most `limit`)."""
        parsed, alpaca_tf = alpaca_timeframe(timeframe)
        request = StockBarsRequest(
            symbol_or_symbols=symbol,
            timeframe=alpaca_tf,
            start=_utc(start_ms),
            end=_utc(end_ms - 1),
            limit=limit,
            feed=self._feed,
            adjustment=self._adjustment,
        )
        payload = self._session.data_call(
            f"read {parsed} bars of {symbol}", lambda c: c.get_stock_bars(request)
        )
        rows = payload.get(symbol, []) if isinstance(payload, Mapping) else []
        daily = parsed.unit.value == "d"
        if daily and rows:
            self._load_calendar(rows)
        candles = [self._candle(row, parsed, daily, symbol) for row in rows]
        candles = [c for c in candles if start_ms <= c.open_ms < end_ms]
        candles.sort(key=lambda c: c.open_ms)
        return candles[:limit] if limit is not None else candles

    def _candle(self, row: Any, timeframe: Timeframe, daily: bool, symbol: str) -> Candle:
        where = f"bar of {symbol}"
        if not isinstance(row, Mapping):
            raise DomainError(f"invalid {where}: expected an object, got {row!r}")
        opened = ms_of_rfc3339(row.get("t"), where)
        if daily:
            session = datetime.fromtimestamp(opened / 1000, NEW_YORK).date()
            open_ms = int(datetime.combine(session, time(0), UTC).timestamp() * 1000)
            close_ms = self._closes.get(session) or _default_close_ms(session)
        else:
            open_ms, close_ms = opened, opened + timeframe.seconds * 1000
        o, h, low, c, v = (
            float(to_decimal(row.get(k, 0 if k == "v" else None), f"{k} of {where}"))
            for k in ("o", "h", "l", "c", "v")
        )
        return Candle(open_ms, close_ms, o, h, low, c, v)

    def _load_calendar(self, rows: list[Any]) -> None:
        stamps = [ms_of_rfc3339(r.get("t"), "bar") for r in rows if isinstance(r, Mapping)]
        first = datetime.fromtimestamp(min(stamps) / 1000, NEW_YORK).date()
        last = datetime.fromtimestamp(max(stamps) / 1000, NEW_YORK).date()
        if all(first + timedelta(days=d) in self._closes for d in range((last - first).days + 1)):
            return
        self._load_days(first, last)

    def _load_days(self, first: date, last: date) -> None:
        request = GetCalendarRequest(start=first, end=last)
        try:
            days = self._session.call(
                "read the market calendar", lambda c: c.get_calendar(request), retries=1
            )
        except DomainError:
            return  # the default close (16:00 New York) stands in
        for day in days or []:
            parsed = _session_bounds(day)
            if parsed is not None:
                session, open_ms, close_ms = parsed
                self._opens[session] = open_ms
                self._closes[session] = close_ms


def _session_bounds(day: Any) -> tuple[date, int, int] | None:
    """(date, open ms, close ms) of a calendar day (`{"date", "open", "close"}`, New York)."""
    if not isinstance(day, Mapping):
        return None
    try:
        session = date.fromisoformat(str(day.get("date"))[:10])
        bounds = [_hhmm(str(day.get(k))) for k in ("open", "close")]
    except ValueError:
        return None
    opened, closing = (datetime.combine(session, t, NEW_YORK) for t in bounds)
    return session, int(opened.timestamp() * 1000), int(closing.timestamp() * 1000)


def _hhmm(text: str) -> time:
    """`09:30` (or a full RFC 3339 instant's time of day, as some answers give) as a time."""
    clock = text.split("T")[-1]
    hour, minute = (int(x) for x in clock.split(":")[:2])
    return time(hour, minute)


def _default_close_ms(session: date) -> int:
    return int(datetime.combine(session, _DEFAULT_CLOSE, NEW_YORK).timestamp() * 1000)


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)
