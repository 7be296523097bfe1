"""A fake exchange for `tradewind data download`: a `CandleSource` over known candles.

It answers like a ccxt exchange: up to `limit` candles opening at or after `since`,
including the candle still forming at `now_ms` (the download must drop it). Requests are
recorded; `failures` are raised (in order) before any answer, and the request numbered
`interrupt_at_request` (1-based) raises KeyboardInterrupt, as Ctrl-C would.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["HOUR_MS", "FakeExchange", "hourly_candles"]

HOUR_MS = 3_600_000
T0_MS = 1_704_067_200_000  # 2024-01-01 00:00 UTC


def hourly_candles(n: int, *, seed: int = 7, start_ms: int = T0_MS) -> list[list[Any]]:
    """`n` consistent hourly candles `[open ms, o, h, l, c, v]` from `start_ms`."""
    rng = np.random.default_rng(seed)
    closes = 40_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    opens = np.concatenate([[40_000.0], closes[:-1]])
    highs = np.maximum(opens, closes) * (1 + rng.uniform(0, 0.005, n))
    lows = np.minimum(opens, closes) * (1 - rng.uniform(0, 0.005, n))
    volumes = rng.uniform(1, 100, n)
    return [
        [start_ms + i * HOUR_MS, float(opens[i]), float(highs[i]), float(lows[i]),
         float(closes[i]), float(volumes[i])]
        for i in range(n)
    ]  # fmt: skip


class FakeExchange:
    """`CandleSource` over `candles` per venue symbol, with the clock at `now_ms`."""

    name = "fakex"
    url = "http://127.0.0.1:9"

    def __init__(
        self,
        candles: Mapping[str, Sequence[Sequence[Any]]],
        now_ms: int,
        *,
        max_page_bars: int = 24,
        markets: Mapping[str, str] | None = None,
        timeframes: Collection[str] = ("1m", "1h", "1d"),
    ) -> None:
        self.candles = {symbol: [list(c) for c in rows] for symbol, rows in candles.items()}
        self.now_ms = now_ms
        self.max_page_bars = max_page_bars
        self.markets = dict(markets or {"BTC/USDT": "BTCUSDT", "ETH/USDT": "ETHUSDT"})
        self.offered = tuple(timeframes)
        self.requests: list[tuple[str, str, int, int]] = []
        self.failures: list[BaseException] = []
        self.interrupt_at_request: int | None = None

    def spot_markets(self) -> Mapping[str, str]:
        return self.markets

    def timeframes(self) -> Collection[str]:
        return self.offered

    def venue_time_ms(self) -> int:
        return self.now_ms

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> list[list[Any]]:
        self.requests.append((symbol, timeframe, since_ms, limit))
        if len(self.requests) == self.interrupt_at_request:
            raise KeyboardInterrupt
        if self.failures:
            raise self.failures.pop(0)
        limit = min(limit, self.max_page_bars)
        rows = [c for c in self.candles[symbol] if since_ms <= c[0] < self.now_ms]
        return [list(c) for c in rows[:limit]]
