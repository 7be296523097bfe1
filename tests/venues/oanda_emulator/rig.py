"""The OANDA v20 emulator served in-process on 127.0.0.1 with a plain httpx client on it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from tradewind.venues.emulation import EmulatedMarket, EmulatorServer, FaultInjector
from tradewind.venues.oanda.emulator import (
    BUNDLED,
    DEFAULT_ACCOUNT,
    DEFAULT_CREDENTIALS,
    DEFAULT_TOKEN,
    MARKET_SPEC,
    build_emulator,
)

__all__ = ["HOUR_MS", "T0_MS", "Rig", "forex_market", "rig", "trade_hours"]

HOUR_MS = 3_600_000
T0_MS = 1_483_405_200_000  # Tuesday 2017-01-03 01:00 UTC: the FX market is open
EUR_USD = "EUR_USD"


def forex_market() -> EmulatedMarket:
    """EUR_USD as the emulator serves it: margin account, FOREX_HOURS."""
    series = BUNDLED[EUR_USD]
    return EmulatedMarket({EUR_USD: series.spec}, MARKET_SPEC, hours={EUR_USD: series.hours})


def trade_hours(
    market: EmulatedMarket, count: int, start_ms: int = T0_MS, price: str = "1.04000"
) -> None:
    """Trade `count` flat hourly bars (high/low 5 pips around `price`) from start_ms."""
    p = Decimal(price)
    for i in range(count):
        step = Decimal("0.0005")
        market.trade_bar(EUR_USD, start_ms + i * HOUR_MS, p, p + step, p - step, p, 100_000_000)


@dataclass
class Rig:
    market: EmulatedMarket
    server: EmulatorServer
    faults: FaultInjector
    http: httpx.Client

    @property
    def account(self) -> str:
        return f"/v3/accounts/{DEFAULT_ACCOUNT}"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(self.account + path, params=params)

    def order(self, **order: Any) -> httpx.Response:
        return self.http.post(self.account + "/orders", json={"order": order})

    def put(self, path: str, body: Mapping[str, Any] | None = None) -> httpx.Response:
        return self.http.put(self.account + path, json=body or {})

    def bar(self, i: int, o: str, h: str, low: str, c: str) -> None:
        """Trade hour `i` after T0 (volume large enough to fill any order)."""
        self.market.trade_bar(EUR_USD, T0_MS + i * HOUR_MS, o, h, low, c, 100_000_000)


@contextmanager
def rig(
    market: EmulatedMarket | None = None,
    credentials: Mapping[str, str] = DEFAULT_CREDENTIALS,
    **options: Any,
) -> Iterator[Rig]:
    """A started emulator (24 open hours traded from T0 unless a market is given)."""
    if market is None:
        market = forex_market()
        trade_hours(market, 24)
    faults = FaultInjector()
    server = build_emulator(market, credentials, faults=faults, **options)
    base_url = server.start()
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=5.0) as http:
            yield Rig(market, server, faults, http)
    finally:
        server.stop()
