"""reqHistoricalData and reqHeadTimeStamp: bars of the market's base bars, as TWS sends them.

Bars are aggregated from the market's completed base bars (never later than the market
clock). `durationStr` counts calendar time back from `endDateTime` ("" = the market clock):
S seconds, D days, W weeks, M 30 days, Y 365 days. Bar dates: daily and longer bars
`YYYYMMDD` (the UTC date of the bar's open); intraday bars `YYYYMMDD HH:MM:SS UTC`
(formatDate 1) or epoch seconds (formatDate 2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradewind.venues.emulation import Bar, Kline, UnsupportedIntervalError, aggregate_klines
from tradewind.venues.ib.emulator.contracts import ContractQuery, parse_contract
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = [
    "HistoryError",
    "HistoryRequest",
    "bar_size_ms",
    "duration_ms",
    "head_timestamp",
    "historical_bars",
    "historical_data_message",
    "parse_end_ms",
    "parse_history_request",
]

_DAY_MS = 86_400_000
_UNIT_MS = {"S": 1000, "D": _DAY_MS, "W": 7 * _DAY_MS, "M": 30 * _DAY_MS, "Y": 365 * _DAY_MS}
_BAR_UNIT_MS = {"sec": 1000, "min": 60_000, "hour": 3_600_000, "day": _DAY_MS, "week": 7 * _DAY_MS}
_SHOWN = {"TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK", "ADJUSTED_LAST"}
_MAX_BARS = 100_000


class HistoryError(ValueError):
    """A historical data request TWS refuses (error 162/321); the message says why."""


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """The fields of reqHistoricalData (id 20) the emulator uses."""

    req_id: int
    contract: ContractQuery
    end_date_time: str
    bar_size: str
    duration: str
    use_rth: bool
    what_to_show: str
    format_date: int
    keep_up_to_date: bool


def parse_history_request(fields: Sequence[str]) -> HistoryRequest:
    reader = FieldReader(fields, start=1)
    req_id = reader.integer()
    contract = parse_contract(reader)
    reader.skip(1)  # includeExpired
    end, bar_size, duration = reader.text(), reader.text(), reader.text()
    use_rth = reader.flag()
    what, format_date = reader.text().upper(), reader.integer(1)
    keep = reader.flag()
    return HistoryRequest(
        req_id, contract, end, bar_size, duration, use_rth, what, format_date, keep
    )


def bar_size_ms(text: str) -> int:
    """`1 min`, `5 mins`, `1 hour`, `1 day`, `1 week` ... in ms; raises HistoryError."""
    match = re.fullmatch(r"\s*(\d+)\s+(sec|min|hour|day|week)s?\s*", text.lower())
    if match is None:
        raise HistoryError(f"Invalid bar size {text!r}")
    return int(match.group(1)) * _BAR_UNIT_MS[match.group(2)]


def duration_ms(text: str) -> int:
    """`10 D`, `1 Y`, `3600 S` ... in ms; raises HistoryError."""
    match = re.fullmatch(r"\s*(\d+)\s+([SDWMY])\s*", text.upper())
    if match is None or int(match.group(1)) <= 0:
        raise HistoryError(f"Invalid duration {text!r}: expected an integer and S, D, W, M or Y")
    return int(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_end_ms(text: str, now_ms: int) -> int:
    """endDateTime: "" (now), `YYYYMMDD HH:MM:SS [zone]`, `YYYYMMDD-HH:MM:SS` (UTC)."""
    text = text.strip()
    if not text:
        return now_ms
    zone: ZoneInfo | None = UTC  # type: ignore[assignment]
    parts = text.replace("-", " ").split(" ")
    if len(parts) >= 3:
        try:
            zone = ZoneInfo(parts[2])
        except (ZoneInfoNotFoundError, ValueError):
            raise HistoryError(f"endDateTime {text!r}: unknown time zone {parts[2]!r}") from None
    try:
        moment = datetime.strptime(" ".join(parts[:2]), "%Y%m%d %H:%M:%S")
    except ValueError:
        raise HistoryError(
            f"endDateTime {text!r}: expected 'YYYYMMDD HH:MM:SS [zone]' or 'YYYYMMDD-HH:MM:SS'"
        ) from None
    return int(moment.replace(tzinfo=zone).timestamp() * 1000)


def historical_bars(
    request: HistoryRequest, bars: Sequence[Bar], now_ms: int, *, is_forex: bool
) -> list[Kline]:
    """The bars of a request from the symbol's base bars; raises HistoryError."""
    if request.what_to_show not in _SHOWN:
        raise HistoryError(f"whatToShow {request.what_to_show!r} is not supported")
    if is_forex and request.what_to_show in ("TRADES", "ADJUSTED_LAST"):
        raise HistoryError(
            "No data of type TRADES is available for the exchange 'IDEALPRO' and the "
            "security type 'Forex'; use MIDPOINT, BID or ASK"
        )
    size_ms = bar_size_ms(request.bar_size)
    span_ms = duration_ms(request.duration)
    end_ms = min(parse_end_ms(request.end_date_time, now_ms), now_ms)
    if not bars:
        raise HistoryError("HMDS query returned no data")
    base_ms = bars[0].close_time_ms - bars[0].open_time_ms
    try:
        klines = aggregate_klines(
            bars, base_ms, size_ms, now_ms, start_ms=end_ms - span_ms, limit=_MAX_BARS
        )
    except UnsupportedIntervalError:
        raise HistoryError(
            f"bar size {request.bar_size!r}: the emulator's data has {base_ms // 60_000}-minute "
            "bars; expected a multiple of that"
        ) from None
    selected = [k for k in klines if k.open_time_ms < end_ms and k.bar_count > 0]
    if not selected:
        raise HistoryError("HMDS query returned no data")
    return selected


def historical_data_message(
    request: HistoryRequest, klines: Sequence[Kline], end_ms: int
) -> list[object]:
    """historicalData (id 17): start, end, then date, o, h, l, c, volume, wap, count."""
    start_ms = end_ms - duration_ms(request.duration)
    daily = bar_size_ms(request.bar_size) >= _DAY_MS
    fields: list[object] = [17, request.req_id, _stamp(start_ms), _stamp(end_ms), len(klines)]
    for k in klines:
        wap = ((k.high + k.low + k.close) / 3).quantize(Decimal("0.000001"), ROUND_HALF_UP)
        fields += [
            _bar_date(k.open_time_ms, daily=daily, epoch=request.format_date == 2),
            k.open, k.high, k.low, k.close, k.volume, wap, k.bar_count,
        ]  # fmt: skip
    return fields


def _bar_date(ms: int, *, daily: bool, epoch: bool) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    if daily:
        return moment.strftime("%Y%m%d")
    if epoch:
        return str(ms // 1000)
    return moment.strftime("%Y%m%d %H:%M:%S UTC")


def _stamp(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y%m%d %H:%M:%S UTC")


def head_timestamp(bars: Sequence[Bar], format_date: int) -> str:
    """The open of the earliest bar (reqHeadTimeStamp), as TWS formats it."""
    if not bars:
        raise HistoryError("HMDS query returned no data")
    first = bars[0].open_time_ms
    return str(first // 1000) if format_date == 2 else _stamp(first)
