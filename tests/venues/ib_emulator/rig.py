"""The IB emulator served in-process on 127.0.0.1 with ib_async clients connected to it:
the setup every test in this package shares."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ib_async import IB, Contract, Forex, Stock

from tradewind.venues.emulation import EmulatedMarket, FaultInjector
from tradewind.venues.ib.emulator import (
    BUNDLED,
    DEFAULT_CREDENTIALS,
    MARKET_SPEC,
    IbEmulatorServer,
    build_emulator,
)

__all__ = ["MINUTE_MS", "T0_MS", "IbRig", "ib_rig", "wait_for"]

T0_MS = int(datetime(2012, 1, 3, 14, 30, tzinfo=UTC).timestamp() * 1000)
"""Tuesday 2012-01-03 09:30 New York: the NYSE session opens."""
MINUTE_MS = 60_000
SYMBOLS = ("AAPL", "SPY", "EUR.USD")


@dataclass
class IbRig:
    """The emulated market, its server and faults, and the ib_async clients on it."""

    market: EmulatedMarket
    server: IbEmulatorServer
    faults: FaultInjector
    clients: list[IB] = field(default_factory=list)

    def connect(self, client_id: int = 1, timeout_s: float = 5.0) -> IB:
        ib = IB()
        self.clients.append(ib)
        ib.connect("127.0.0.1", self.server.port, clientId=client_id, timeout=timeout_s)
        return ib

    def disconnect(self, ib: IB, timeout_s: float = 5.0) -> None:
        """Disconnect `ib` and wait until the emulator has seen the close (it frees the
        clientId asynchronously; reusing the id before that is refused with 326)."""
        client_id = ib.client.clientId
        ib.disconnect()
        deadline = time.monotonic() + timeout_s
        while client_id in self.server.client_ids() and time.monotonic() < deadline:
            time.sleep(0.01)

    def bar(self, symbol: str, i: int, o: float, h: float, low: float, c: float) -> None:
        """A one-minute bar opening at T0 + i minutes."""
        volume = 1_000_000 if symbol == "EUR.USD" else 100_000
        self.market.trade_bar(symbol, T0_MS + i * MINUTE_MS, o, h, low, c, volume)

    @staticmethod
    def stock(symbol: str = "AAPL") -> Contract:
        return Stock(symbol, "SMART", "USD")

    @staticmethod
    def eurusd() -> Contract:
        return Forex("EURUSD")


def wait_for(ib: IB, predicate: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    """Run ib_async's loop until `predicate()` holds; False after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        ib.sleep(0.02)
    return predicate()


def make_market() -> EmulatedMarket:
    return EmulatedMarket(
        {s: BUNDLED[s].spec for s in SYMBOLS},
        MARKET_SPEC,
        hours={s: BUNDLED[s].hours for s in SYMBOLS},
    )


@contextmanager
def ib_rig(*, seed_bars: int = 3, market: EmulatedMarket | None = None) -> Iterator[IbRig]:
    """A started emulator with `seed_bars` one-minute bars per symbol from T0."""
    market = market or make_market()
    for i in range(seed_bars):
        market.trade_bar("AAPL", T0_MS + i * MINUTE_MS, 100, 101, 99, 100, 100_000)
        market.trade_bar("SPY", T0_MS + i * MINUTE_MS, 130, 131, 129, 130, 100_000)
        market.trade_bar("EUR.USD", T0_MS + i * MINUTE_MS, 1.3, 1.301, 1.299, 1.3, 10**7)
    faults = FaultInjector()
    server = build_emulator(market, DEFAULT_CREDENTIALS, faults=faults)
    server.start()
    rig = IbRig(market, server, faults)
    try:
        yield rig
    finally:
        for ib in rig.clients:
            ib.disconnect()
        server.stop()
