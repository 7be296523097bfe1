"""TWS historical bars (`reqHistoricalData`) as normalized bar frames.

Bar sizes: 1m, 5m, 15m, 30m, 1h, 4h and 1d (`BAR_SIZES`). Stocks are read as TRADES
in regular trading hours (`useRTH`), forex as MIDPOINT around the clock (its volume is
unknown: NaN). Intraday bars ask `formatDate=2` (epoch seconds): `timestamp` is the
bar's open, `close_time` open + the bar size. A daily bar comes as its session date:
`timestamp` is that date at 00:00 UTC and `close_time` the session's close, 16:00
America/New_York for stocks (early closes are not known here) and 17:00 for forex.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ns_of
from tradewind.execution.bar_frames import BAR_COLUMNS, bar_frame
from tradewind.execution.bar_frames import BarRow as Row

__all__ = [
    "BAR_COLUMNS",
    "BAR_SIZES",
    "Row",
    "bar_size_of",
    "duration_text",
    "frame_of",
    "max_page_s",
    "rows_of",
    "what_to_show",
]

BAR_SIZES = {
    "1m": "1 min",
    "5m": "5 mins",
    "15m": "15 mins",
    "30m": "30 mins",
    "1h": "1 hour",
    "4h": "4 hours",
    "1d": "1 day",
}
"""Timeframe -> TWS bar size setting."""
frame_of = bar_frame
"""Rows (ms) as a normalized bar frame: ascending, one row per timestamp."""
_NEW_YORK = ZoneInfo("America/New_York")
_SESSION_CLOSE = {MarketClass.EQUITIES: time(16, 0), MarketClass.FOREX: time(17, 0)}
_DAY_S = 86_400
# The span one request covers: well inside TWS's limits per bar size.
_PAGE_S = {"1m": 5 * _DAY_S, "5m": 20 * _DAY_S, "15m": 30 * _DAY_S, "30m": 30 * _DAY_S,
           "1h": 30 * _DAY_S, "4h": 180 * _DAY_S, "1d": 365 * _DAY_S}  # fmt: skip


def bar_size_of(timeframe: Timeframe) -> str:
    """TWS's bar size setting for `timeframe`.

    Raises:
        DomainError: a timeframe TWS bars are not read in here.
    """
    size = BAR_SIZES.get(str(timeframe))
    if size is None:
        raise DomainError(
            f"timeframe {timeframe} is not served by IB: expected one of {', '.join(BAR_SIZES)}"
        )
    return size


def max_page_s(timeframe: Timeframe) -> int:
    """The span in seconds one request asks for at `timeframe`."""
    return _PAGE_S[str(timeframe)]


def what_to_show(market_class: MarketClass) -> tuple[str, bool]:
    """(whatToShow, useRTH): TRADES in regular hours for stocks, MIDPOINT for forex."""
    return ("MIDPOINT", False) if market_class is MarketClass.FOREX else ("TRADES", True)


def duration_text(span_s: int) -> str:
    """TWS's durationStr covering `span_s` seconds (`3600 S`, `10 D`, `2 Y`)."""
    span_s = max(span_s, 60)
    if span_s <= _DAY_S:
        return f"{span_s} S"
    days = math.ceil(span_s / _DAY_S)
    return f"{days} D" if days <= 365 else f"{math.ceil(days / 365)} Y"


def rows_of(bars: Iterable[Any], timeframe: Timeframe, market_class: MarketClass) -> list[Row]:
    """The rows of ib_async `BarData`s (see the module docstring)."""
    rows = []
    length_ms = timeframe.seconds * 1000
    for bar in bars:
        stamp = bar.date
        if isinstance(stamp, datetime):
            aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            open_ms = ns_of(aware) // 1_000_000
            close_ms = open_ms + length_ms
        elif isinstance(stamp, date):
            open_ms = ns_of(datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC)) // 1_000_000
            close_ms = _session_close_ms(stamp, market_class)
        else:
            continue
        volume = float(bar.volume)
        rows.append(
            (open_ms, close_ms, float(bar.open), float(bar.high), float(bar.low),
             float(bar.close), volume if volume >= 0 else math.nan)
        )  # fmt: skip
    return rows


def _session_close_ms(day: date, market_class: MarketClass) -> int:
    close = _SESSION_CLOSE.get(market_class, time(16, 0))
    local = datetime.combine(day, close, tzinfo=_NEW_YORK)
    return ns_of(local.astimezone(UTC)) // 1_000_000
