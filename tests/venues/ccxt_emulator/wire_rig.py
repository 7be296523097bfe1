"""One exchange dialect served in-process on 127.0.0.1 with the real ccxt class pointed
at it: the setup every `test_<exchange>_with_ccxt.py` shares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ccxt
from tests.venues.emulation.ccxt_urls import point_ccxt_at

from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    RateLimiter,
)

__all__ = ["MINUTE_MS", "T0_MS", "WireRig", "wire_rig"]

T0_MS = 1_700_000_040_000  # a whole minute
MINUTE_MS = 60_000


@dataclass
class WireRig:
    """The emulated market, its server, faults and rate limiter, and ccxt clients on it."""

    exchange_id: str
    market: EmulatedMarket
    server: EmulatorServer
    faults: FaultInjector
    limiter: RateLimiter
    primary: str
    key: str
    secret: str

    def client(self, key: str | None = None, secret: str | None = None) -> Any:
        """The exchange's ccxt class (throttle off) pointed at the emulator."""
        exchange_class = getattr(ccxt, self.exchange_id)
        exchange = exchange_class(
            {"apiKey": key or self.key, "secret": secret or self.secret, "enableRateLimit": False}
        )
        point_ccxt_at(exchange, self.server.base_url)
        return exchange

    def bar(self, i: int, o: float, h: float, low: float, c: float, v: float) -> None:
        """Trade minute `i` of the primary symbol."""
        self.market.trade_bar(self.primary, T0_MS + i * MINUTE_MS, o, h, low, c, v)


@contextmanager
def wire_rig(
    exchange_id: str,
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    primary: str,
    second: str,
) -> Iterator[WireRig]:
    """Serve `market` in `exchange_id`'s dialect; five minutes of `primary` (100..104)
    and one of `second` (10) already traded. The first credential is the clients' default."""
    faults = FaultInjector(seed=1)
    limiter = RateLimiter(limit_per_minute=6000)
    server = build_emulator(
        exchange_id, market, credentials, faults=faults, rate_limiter=limiter, timeout_hold_s=2.0
    )
    server.start()
    key, secret = next(iter(credentials.items()))
    rig = WireRig(exchange_id, market, server, faults, limiter, primary, key, secret)
    try:
        for i in range(5):
            rig.bar(i, 100 + i, 101 + i, 99 + i, 100.5 + i, 10)
        market.trade_bar(second, T0_MS, 10, 11, 9, 10, 100)
        yield rig
    finally:
        server.stop()
