"""Binance spot public endpoints: time, exchangeInfo, klines, tickers, depth, trades.

Every time is on the market clock. The order book is synthetic: `_BOOK_LEVELS` levels a
few ticks apart around the last price. Public trades are not emulated (empty lists).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tradewind.venues.ccxt.emulator.binance_wire import (
    INTERVAL_MS,
    BinanceError,
    Call,
    fmt,
    int_param,
    rejection_error,
    required,
    symbol_json,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    OrderRejectedError,
    UnsupportedIntervalError,
    aggregate_klines,
)

__all__ = ["PublicEndpoints"]

_DAY_MS = 86_400_000
_BOOK_LEVELS = 100
_RATE_LIMITS = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
]


class PublicEndpoints:
    """Handlers of the unsigned endpoints; each takes a Call and returns the JSON body."""

    def __init__(self, market: EmulatedMarket, base_interval_ms: Mapping[str, int]) -> None:
        self.market = market
        self.base_interval_ms = dict(base_interval_ms)

    def symbol(self, call: Call, name: str = "symbol") -> str:
        symbol = required(call.params, name).upper()
        try:
            self.market.spec(symbol)
        except OrderRejectedError as exc:
            raise rejection_error(exc) from None
        return symbol

    def ping(self, call: Call) -> Any:
        return {}

    def time(self, call: Call) -> Any:
        return {"serverTime": call.now_ms}

    def exchange_info(self, call: Call) -> Any:
        specs = self.market.symbols
        wanted = list(specs)
        if "symbol" in call.params:
            wanted = [self.symbol(call)]
        return {
            "timezone": "UTC",
            "serverTime": call.now_ms,
            "rateLimits": _RATE_LIMITS,
            "exchangeFilters": [],
            "symbols": [symbol_json(s, specs[s]) for s in wanted],
        }

    def futures_exchange_info(self, call: Call) -> Any:
        return {
            "timezone": "UTC",
            "serverTime": call.now_ms,
            "rateLimits": [],
            "exchangeFilters": [],
            "assets": [],
            "symbols": [],
        }

    def klines(self, call: Call) -> Any:
        symbol = self.symbol(call)
        interval = required(call.params, "interval")
        interval_ms = INTERVAL_MS.get(interval)
        if interval_ms is None:
            raise BinanceError(400, -1120, "Invalid interval.")
        limit = _limit(call, default=500, maximum=1000)
        start = int_param(call.params, "startTime")
        end = int_param(call.params, "endTime")
        since = start if start is not None else call.now_ms - (limit + 2) * interval_ms
        if end is not None and start is None:
            since = end - (limit + 2) * interval_ms
        bars = self.market.bars(symbol, since_open_ms=since - interval_ms)
        try:
            klines = aggregate_klines(
                bars,
                self.base_interval_ms.get(symbol, self.market.config.bar_interval_ms),
                interval_ms,
                call.now_ms,
                start_ms=start,
                end_ms=end,
                limit=limit,
            )
        except UnsupportedIntervalError:
            raise BinanceError(400, -1120, "Invalid interval.") from None
        return [
            [
                k.open_time_ms,
                fmt(k.open),
                fmt(k.high),
                fmt(k.low),
                fmt(k.close),
                fmt(k.volume),
                k.close_time_ms - 1,
                fmt(k.quote_volume),
                k.bar_count,
                "0.00000000",
                "0.00000000",
                "0",
            ]
            for k in klines
        ]

    def ticker_24hr(self, call: Call) -> Any:
        if "symbol" in call.params:
            return self._ticker(self.symbol(call), call.now_ms)
        return [self._ticker(s, call.now_ms) for s in self.market.symbols]

    def ticker_price(self, call: Call) -> Any:
        if "symbol" in call.params:
            symbol = self.symbol(call)
            return {"symbol": symbol, "price": fmt(self.market.last_price(symbol))}
        return [{"symbol": s, "price": fmt(self.market.last_price(s))} for s in self.market.symbols]

    def book_ticker(self, call: Call) -> Any:
        symbols = [self.symbol(call)] if "symbol" in call.params else list(self.market.symbols)
        answers = []
        for symbol in symbols:
            bids, asks = self._book(symbol, 1)
            bid = bids[0] if bids else ["0.00000000", "0.00000000"]
            ask = asks[0] if asks else ["0.00000000", "0.00000000"]
            answers.append(
                {
                    "symbol": symbol,
                    "bidPrice": bid[0],
                    "bidQty": bid[1],
                    "askPrice": ask[0],
                    "askQty": ask[1],
                }
            )
        return answers[0] if "symbol" in call.params else answers

    def depth(self, call: Call) -> Any:
        symbol = self.symbol(call)
        limit = _limit(call, default=100, maximum=5000)
        bids, asks = self._book(symbol, min(limit, _BOOK_LEVELS))
        return {"lastUpdateId": self.market.bar_count(symbol), "bids": bids, "asks": asks}

    def trades(self, call: Call) -> Any:
        self.symbol(call)
        return []

    def avg_price(self, call: Call) -> Any:
        symbol = self.symbol(call)
        return {"mins": 5, "price": fmt(self.market.last_price(symbol)), "closeTime": call.now_ms}

    def _ticker(self, symbol: str, now_ms: int) -> dict[str, Any]:
        bars = self.market.bars(symbol, since_open_ms=now_ms - _DAY_MS)
        last = self.market.last_price(symbol) or Decimal(0)
        first = bars[0].open if bars else last
        volume = sum((b.volume for b in bars), Decimal(0))
        quote_volume = sum((b.volume * b.close for b in bars), Decimal(0))
        (bid, bid_qty), (ask, ask_qty) = _top(self._book(symbol, 1))
        change = last - first
        return {
            "symbol": symbol,
            "priceChange": fmt(change),
            "priceChangePercent": f"{(change / first * 100 if first else Decimal(0)):.3f}",
            "weightedAvgPrice": fmt(quote_volume / volume if volume else last),
            "prevClosePrice": fmt(first),
            "lastPrice": fmt(last),
            "lastQty": "0.00000000",
            "bidPrice": bid,
            "bidQty": bid_qty,
            "askPrice": ask,
            "askQty": ask_qty,
            "openPrice": fmt(first),
            "highPrice": fmt(max((b.high for b in bars), default=last)),
            "lowPrice": fmt(min((b.low for b in bars), default=last)),
            "volume": fmt(volume),
            "quoteVolume": fmt(quote_volume),
            "openTime": now_ms - _DAY_MS,
            "closeTime": now_ms,
            "firstId": -1,
            "lastId": -1,
            "count": 0,
        }

    def _book(self, symbol: str, levels: int) -> tuple[list[list[str]], list[list[str]]]:
        last = self.market.last_price(symbol)
        if last is None:
            return [], []
        spec = self.market.spec(symbol)
        step = max(
            spec.price_tick,
            (last / 10_000 / spec.price_tick).to_integral_value(ROUND_DOWN) * spec.price_tick,
        )
        qty = max(
            spec.min_qty,
            (spec.min_notional * 20 / last / spec.lot).to_integral_value(ROUND_DOWN) * spec.lot,
        )
        bids, asks = [], []
        for level in range(1, levels + 1):
            if last - step * level > 0:
                bids.append([fmt(last - step * level), fmt(qty * level)])
            asks.append([fmt(last + step * level), fmt(qty * level)])
        return bids, asks


def _top(book: tuple[list[list[str]], list[list[str]]]) -> tuple[tuple[str, str], tuple[str, str]]:
    zero = ("0.00000000", "0.00000000")
    bids, asks = book
    return (tuple(bids[0]) if bids else zero), (tuple(asks[0]) if asks else zero)  # type: ignore[return-value]


def _limit(call: Call, *, default: int, maximum: int) -> int:
    limit = int_param(call.params, "limit")
    if limit is None:
        return default
    if limit < 1:
        raise BinanceError(400, -1100, "Illegal characters found in parameter 'limit'.")
    return min(limit, maximum)
