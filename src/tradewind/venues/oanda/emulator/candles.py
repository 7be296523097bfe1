"""v20 candlesticks from the market's base bars: granularities, alignment, paging.

Minute and H1 candles are aligned on UTC; H2..H12 and D on `dailyAlignment` (default 17)
in `alignmentTimezone` (default America/New_York), W on `weeklyAlignment` (default Friday)
at that hour, M on the first day of the month at that hour, as v20 aligns them. A candle
is `complete` once its period has passed on the market clock; the forming candle holds the
base bars closed so far. Periods without a base bar (weekends) have no candle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradewind.venues.emulation import Bar
from tradewind.venues.oanda.emulator.instruments import InstrumentInfo
from tradewind.venues.oanda.emulator.wire import (
    Ms,
    OandaError,
    bool_param,
    int_param,
    parse_time,
)

__all__ = ["GRANULARITY_S", "Candle", "CandleQuery", "candles_json", "select_candles"]

GRANULARITY_S: Mapping[str, int] = {
    "S5": 5,
    "S10": 10,
    "S15": 15,
    "S30": 30,
    "M1": 60,
    "M2": 120,
    "M4": 240,
    "M5": 300,
    "M10": 600,
    "M15": 900,
    "M30": 1800,
    "H1": 3600,
    "H2": 7200,
    "H3": 10800,
    "H4": 14400,
    "H6": 21600,
    "H8": 28800,
    "H12": 43200,
    "D": 86400,
    "W": 604800,
    "M": 2678400,
}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MAX_COUNT = 5000


@dataclass(frozen=True, slots=True)
class CandleQuery:
    """The parsed parameters of one candles request."""

    granularity: str
    price: str
    count: int | None
    from_ms: int | None
    to_ms: int | None
    include_first: bool
    smooth: bool
    daily_alignment: int
    zone: ZoneInfo
    weekly_alignment: int

    @classmethod
    def parse(cls, params: Mapping[str, str], now_ms: int) -> CandleQuery:
        """Parse and check the query; raises OandaError 400 naming the parameter."""
        granularity = params.get("granularity") or "S5"
        if granularity not in GRANULARITY_S:
            raise OandaError(400, "Invalid value specified for 'granularity'")
        price = params.get("price") or "M"
        if not price or any(c not in "MBA" for c in price) or len(set(price)) != len(price):
            raise OandaError(400, "Invalid value specified for 'price'")
        from_ms = parse_time("from", params["from"]) if params.get("from") else None
        to_ms = parse_time("to", params["to"]) if params.get("to") else None
        if from_ms is not None and from_ms > now_ms:
            raise OandaError(400, "Invalid value specified for 'from'. Time is in the future")
        if from_ms is not None and to_ms is not None:
            if params.get("count"):
                raise OandaError(400, "'count' cannot be specified when 'from' and 'to' are")
            if to_ms < from_ms:
                raise OandaError(400, "Invalid value specified for 'to'. 'to' is before 'from'")
            count = None
        else:
            count = int_param(params, "count", 500, _MAX_COUNT)
        return cls(
            granularity=granularity,
            price=price,
            count=count,
            from_ms=from_ms,
            to_ms=to_ms,
            include_first=bool_param(params, "includeFirst", True),
            smooth=bool_param(params, "smooth", False),
            daily_alignment=_alignment_hour(params),
            zone=_zone(params.get("alignmentTimezone") or "America/New_York"),
            weekly_alignment=_weekday(params.get("weeklyAlignment") or "Friday"),
        )

    @property
    def granularity_ms(self) -> int:
        return GRANULARITY_S[self.granularity] * 1000

    def since_ms(self, now_ms: int) -> int:
        """The earliest base-bar open the query can need (weekend gaps included)."""
        if self.from_ms is not None:
            return self.bucket_ms(self.from_ms)
        end_ms = self.to_ms if self.to_ms is not None else now_ms
        return end_ms - ((self.count or 500) + 2) * self.granularity_ms * 2 - 7 * 86_400_000

    def bucket_ms(self, t_ms: int) -> int:
        """The open instant of the candle holding instant t_ms."""
        seconds = GRANULARITY_S[self.granularity]
        if seconds <= 3600:
            return t_ms - t_ms % (seconds * 1000)
        local = datetime.fromtimestamp(t_ms / 1000, tz=UTC).astimezone(self.zone)
        day = local.replace(hour=self.daily_alignment, minute=0, second=0, microsecond=0)
        if local < day:
            day = _local_days_back(day, 1, self.zone)
        if self.granularity == "W":
            day = _local_days_back(day, (day.weekday() - self.weekly_alignment) % 7, self.zone)
        elif self.granularity == "M":
            day = _local_days_back(day, day.day - 1, self.zone)
        elif self.granularity != "D":
            step = seconds * 1000
            start = _ms(day)
            return start + (t_ms - start) // step * step
        return _ms(day)

    def bucket_end_ms(self, open_ms: int) -> int:
        seconds = GRANULARITY_S[self.granularity]
        if self.granularity not in ("D", "W", "M"):
            return open_ms + seconds * 1000
        local = datetime.fromtimestamp(open_ms / 1000, tz=UTC).astimezone(self.zone)
        if self.granularity == "M":
            month = local.month % 12 + 1
            year = local.year + (local.month == 12)
            nxt = local.replace(year=year, month=month)
            return _ms(nxt.replace(tzinfo=None).replace(tzinfo=self.zone))
        days = 1 if self.granularity == "D" else 7
        nxt = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=self.zone)
        return _ms(nxt)


@dataclass(frozen=True, slots=True)
class Candle:
    """One mid candle aggregated from base bars."""

    open_ms: int
    complete: bool
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int


def select_candles(query: CandleQuery, bars: Sequence[Bar], now_ms: int) -> list[Candle]:
    """The candles the query asks for, oldest first; bars are the base bars, oldest first."""
    groups: dict[int, list[Bar]] = {}
    for bar in bars:
        if bar.close_time_ms <= now_ms:
            groups.setdefault(query.bucket_ms(bar.open_time_ms), []).append(bar)
    candles = []
    previous_close: Decimal | None = None
    for open_ms, group in sorted(groups.items()):
        candle = _merge(open_ms, group, query.bucket_end_ms(open_ms) <= now_ms)
        if query.smooth and previous_close is not None:
            candle = _smoothed(candle, previous_close)
        previous_close = candle.close
        candles.append(candle)
    return _window(query, candles)


def _window(query: CandleQuery, candles: list[Candle]) -> list[Candle]:
    if query.from_ms is not None:
        first = query.bucket_ms(query.from_ms)
        start = first if query.include_first else first + 1
        selected = [c for c in candles if c.open_ms >= start]
        if query.to_ms is not None:
            return [c for c in selected if c.open_ms < query.to_ms]
        return selected[: query.count]
    if query.to_ms is not None:
        candles = [c for c in candles if c.open_ms < query.to_ms]
    return candles[-query.count :] if query.count else candles


def candles_json(
    info: InstrumentInfo, query: CandleQuery, candles: Sequence[Candle]
) -> dict[str, Any]:
    """The v20 candles response: mid / bid / ask components as the query asks."""
    half = info.spread / 2
    shifts = {"M": ("mid", Decimal(0)), "B": ("bid", -half), "A": ("ask", half)}
    out = []
    for candle in candles:
        item: dict[str, Any] = {
            "complete": candle.complete,
            "volume": candle.volume,
            "time": Ms(candle.open_ms),
        }
        for component in query.price:
            key, shift = shifts[component]
            item[key] = {
                "o": info.price(candle.open + shift),
                "h": info.price(candle.high + shift),
                "l": info.price(candle.low + shift),
                "c": info.price(candle.close + shift),
            }
        out.append(item)
    return {"instrument": info.name, "granularity": query.granularity, "candles": out}


def _merge(open_ms: int, group: list[Bar], complete: bool) -> Candle:
    return Candle(
        open_ms=open_ms,
        complete=complete,
        open=group[0].open,
        high=max(b.high for b in group),
        low=min(b.low for b in group),
        close=group[-1].close,
        volume=int(sum((b.volume for b in group), Decimal(0))),
    )


def _smoothed(candle: Candle, previous_close: Decimal) -> Candle:
    return Candle(
        candle.open_ms,
        candle.complete,
        previous_close,
        max(candle.high, previous_close),
        min(candle.low, previous_close),
        candle.close,
        candle.volume,
    )


def _alignment_hour(params: Mapping[str, str]) -> int:
    raw = params.get("dailyAlignment")
    if raw is None or raw == "":
        return 17
    try:
        hour = int(raw)
    except ValueError:
        hour = -1
    if not 0 <= hour <= 23:
        raise OandaError(400, "Invalid value specified for 'dailyAlignment'")
    return hour


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OandaError(400, "Invalid value specified for 'alignmentTimezone'") from None


def _weekday(name: str) -> int:
    if name not in _DAYS:
        raise OandaError(400, "Invalid value specified for 'weeklyAlignment'")
    return _DAYS.index(name)


def _local_days_back(day: datetime, days: int, zone: ZoneInfo) -> datetime:
    # wall-clock arithmetic, so the alignment hour survives a DST change
    return (day.replace(tzinfo=None) - timedelta(days=days)).replace(tzinfo=zone)


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)
