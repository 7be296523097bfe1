"""Alpaca's market data v2 stock endpoints over the market's completed bars.

GET /v2/stocks/bars (symbols, timeframe, start, end, limit, page_token, sort; adjustment,
feed, asof and currency are accepted and ignored: the data is what the market replays)
answers `{"bars": {"AAPL": [...]}, "next_page_token": ...}`; GET /v2/stocks/{symbol}/bars
answers `{"bars": [...], "symbol": ..., "next_page_token": ...}`. Bars are
`{"t", "o", "h", "l", "c", "v", "n", "vw"}`; `n` is 0 and `vw` the typical price
(h + l + c) / 3, since the bundled data has neither. Only bars closed on the market clock
are served; the latest bucket may be partial (as Alpaca's current bar is).

Timeframes: `<n>Min` and `<n>Hour` from intraday base bars whose interval divides them,
`1Day` from any base bars. A daily bar is stamped at midnight New York time of its
session date (Alpaca's convention, e.g. `2024-01-05T05:00:00Z`); others at their UTC open.
Default start: the start of the market day; default end: now; limit default 1000,
maximum 10000 across all symbols, ordered by symbol then time.

GET /v2/stocks/trades/latest, /v2/stocks/quotes/latest, /v2/stocks/bars/latest (symbols)
and their single-symbol forms answer from the latest bar: trade at its close (size 100),
quote bid = ask = close.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.wire import (
    NEW_YORK,
    Call,
    bad_request,
    parse_time_ms,
    rfc3339,
    unprocessable,
)
from tradewind.venues.emulation import Bar, EmulatedMarket

__all__ = ["DAILY_MIN_MS", "MarketDataEndpoints", "Timeframe", "parse_timeframe"]

DAILY_MIN_MS = 4 * 3_600_000  # a base bar this long or longer is a daily bar
_DEFAULT_LIMIT = 1000
_MAX_LIMIT = 10_000
_TIMEFRAME = re.compile(r"^(\d+)(Min|T|Hour|H|Day|D|Week|W|Month|M)$")
_UNIT_MS = {"Min": 60_000, "T": 60_000, "Hour": 3_600_000, "H": 3_600_000}
_THREE = Decimal(3)


class Timeframe:
    """A requested bar size: `interval_ms` for intraday, `daily` for 1Day."""

    def __init__(self, text: str, interval_ms: int | None) -> None:
        self.text = text
        self.interval_ms = interval_ms

    @property
    def daily(self) -> bool:
        return self.interval_ms is None


def parse_timeframe(text: str | None) -> Timeframe:
    """`1Min`, `15Min`, `1Hour`, `1Day` (and Alpaca's short forms T, H, D)."""
    match = _TIMEFRAME.match(text or "")
    if match is None:
        raise bad_request(f"invalid timeframe: expected e.g. 1Min, 1Hour or 1Day, got {text!r}")
    amount, unit = int(match.group(1)), match.group(2)
    if unit in _UNIT_MS and amount >= 1:
        return Timeframe(text or "", amount * _UNIT_MS[unit])
    if unit in ("Day", "D") and amount == 1:
        return Timeframe(text or "", None)
    raise unprocessable(f"timeframe {text}: only <n>Min, <n>Hour and 1Day are emulated")


class MarketDataEndpoints:
    """Bars and latest trade / quote / bar of the market's symbols."""

    def __init__(self, market: EmulatedMarket) -> None:
        self.market = market

    def bars(self, call: Call) -> dict[str, Any]:
        symbols = _symbols(call.params.get("symbols"))
        page, token = self._page(call, symbols)
        grouped: dict[str, list[dict[str, Any]]] = {}
        for symbol, bar in page:
            grouped.setdefault(symbol, []).append(bar)
        return {"bars": grouped, "next_page_token": token, "currency": "USD"}

    def symbol_bars(self, call: Call) -> dict[str, Any]:
        symbol = call.path_arg.upper()
        page, token = self._page(call, [symbol])
        return {
            "bars": [bar for _, bar in page],
            "symbol": symbol,
            "next_page_token": token,
            "currency": "USD",
        }

    def latest(self, call: Call, kind: str) -> dict[str, Any]:
        """`kind` is trades, quotes or bars; multi-symbol form."""
        symbols = _symbols(call.params.get("symbols"))
        found = {s: self._latest_one(s, kind) for s in symbols}
        return {kind: {s: item for s, item in found.items() if item is not None}}

    def latest_one(self, call: Call, kind: str) -> dict[str, Any]:
        symbol = call.path_arg.upper()
        item = self._latest_one(symbol, kind)
        if item is None:
            raise unprocessable(f"no data for {symbol}")
        return {"symbol": symbol, kind[:-1]: item}

    # -- internals ---------------------------------------------------------------------------
    def _page(
        self, call: Call, symbols: Sequence[str]
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
        timeframe = parse_timeframe(call.params.get("timeframe"))
        start = parse_time_ms(call.params.get("start"), "start")
        start = _day_start_ms(call.now_ms) if start is None else start
        end = parse_time_ms(call.params.get("end"), "end")
        end = call.now_ms if end is None else end
        limit = _limit(call.params.get("limit"))
        descending = (call.params.get("sort") or "asc") == "desc"
        rows: list[tuple[str, int, dict[str, Any]]] = []
        for symbol in sorted(set(symbols)):
            if symbol not in self.market.symbols:
                continue
            series = [
                (symbol, t, j)
                for t, j in self._series(symbol, timeframe, call.now_ms)
                if start <= t <= end
            ]
            rows.extend(reversed(series) if descending else series)
        resume = _decode_token(call.params.get("page_token"))
        if resume is not None:
            rows = rows[_resume_index(rows, resume) :]
        page = rows[:limit]
        token = _encode_token(page[-1][0], page[-1][1]) if len(rows) > limit else None
        return [(symbol, bar) for symbol, _, bar in page], token

    def _series(
        self, symbol: str, timeframe: Timeframe, now_ms: int
    ) -> list[tuple[int, dict[str, Any]]]:
        bars = [b for b in self.market.bars(symbol) if b.close_time_ms <= now_ms]
        if not bars:
            return []
        base_ms = bars[-1].close_time_ms - bars[-1].open_time_ms
        if timeframe.daily:
            return [(t, _bar_json(t, group)) for t, group in _by_day(bars)]
        interval = timeframe.interval_ms or 0
        if base_ms >= DAILY_MIN_MS or interval % base_ms:
            raise unprocessable(
                f"timeframe {timeframe.text}: the emulated {symbol} data has "
                f"{_describe(base_ms)} bars; ask for a multiple of them or 1Day"
            )
        groups: dict[int, list[Bar]] = {}
        for bar in bars:
            groups.setdefault(bar.open_time_ms // interval * interval, []).append(bar)
        return [(t, _bar_json(t, group)) for t, group in sorted(groups.items())]

    def _latest_one(self, symbol: str, kind: str) -> dict[str, Any] | None:
        if symbol not in self.market.symbols:
            return None
        bars = self.market.bars(symbol)
        if not bars:
            return None
        bar = bars[-1]
        stamp = rfc3339(bar.close_time_ms)
        price = float(bar.close)
        if kind == "trades":
            return {"t": stamp, "x": "V", "p": price, "s": 100, "c": ["@"], "i": 0, "z": "C"}
        if kind == "quotes":
            return {
                "t": stamp,
                "ax": "V",
                "ap": price,
                "as": 1,
                "bx": "V",
                "bp": price,
                "bs": 1,
                "c": ["R"],
                "z": "C",
            }
        return _bar_json(bar.open_time_ms, [bar])


def _by_day(bars: Sequence[Bar]) -> list[tuple[int, list[Bar]]]:
    days: dict[int, list[Bar]] = {}
    for bar in bars:
        local = datetime.fromtimestamp((bar.close_time_ms - 1) / 1000, tz=NEW_YORK).date()
        midnight = datetime.combine(local, time(0), tzinfo=NEW_YORK)
        days.setdefault(int(midnight.timestamp() * 1000), []).append(bar)
    return sorted(days.items())


def _bar_json(open_ms: int, group: Sequence[Bar]) -> dict[str, Any]:
    high = max(b.high for b in group)
    low = min(b.low for b in group)
    close = group[-1].close
    volume = sum((b.volume for b in group), Decimal(0))
    return {
        "t": datetime.fromtimestamp(open_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "o": float(group[0].open),
        "h": float(high),
        "l": float(low),
        "c": float(close),
        "v": int(volume) if volume == volume.to_integral_value() else float(volume),
        "n": 0,
        "vw": round(float((high + low + close) / _THREE), 4),
    }


def _symbols(raw: str | None) -> list[str]:
    symbols = [s.strip().upper() for s in (raw or "").split(",") if s.strip()]
    if not symbols:
        raise bad_request("symbols is required")
    return symbols


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return _DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request(f"invalid limit: expected an integer, got {raw!r}") from None
    if not 1 <= limit <= _MAX_LIMIT:
        raise unprocessable(f"invalid limit: expected 1..{_MAX_LIMIT}, got {limit}")
    return limit


def _day_start_ms(now_ms: int) -> int:
    local = datetime.fromtimestamp(now_ms / 1000, tz=NEW_YORK).date()
    return int(datetime.combine(local, time(0), tzinfo=NEW_YORK).timestamp() * 1000)


def _encode_token(symbol: str, t_ms: int) -> str:
    return base64.urlsafe_b64encode(f"{symbol}|{t_ms}".encode()).decode()


def _decode_token(token: str | None) -> tuple[str, int] | None:
    if not token:
        return None
    try:
        symbol, _, t_ms = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        return symbol, int(t_ms)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"invalid page_token: {token!r}") from None


def _resume_index(rows: Sequence[tuple[str, int, dict[str, Any]]], after: tuple[str, int]) -> int:
    for index, (symbol, t_ms, _) in enumerate(rows):
        if (symbol, t_ms) == after:
            return index + 1
    return len(rows)


def _describe(interval_ms: int) -> str:
    if interval_ms >= DAILY_MIN_MS:
        return "daily"
    return f"{interval_ms // 60_000}-minute"
