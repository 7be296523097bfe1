"""An OANDA emulator on 127.0.0.1 with a manual market, for the adapter's end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation import EmulatedMarket, EmulatorServer, MarketSpec, SymbolSpec
from tradewind.venues.emulation.hours import FOREX_HOURS
from tradewind.venues.oanda import OandaVenueConfig
from tradewind.venues.oanda.emulator import build_emulator

__all__ = ["ACCOUNT", "MONDAY_MS", "TOKEN", "Rig", "running"]

TOKEN = "adapter-test-token"
ACCOUNT = "101-001-0000000-001"
MONDAY_MS = 1_709_510_400_000  # Monday 2024-03-04 00:00 UTC (forex open)
MINUTE_MS = 60_000


@dataclass
class Rig:
    market: EmulatedMarket
    server: EmulatorServer
    url: str

    def config(self, **overrides: object) -> OandaVenueConfig:
        settings: dict[str, object] = {
            "symbols": ("EUR_USD",),
            "token": TOKEN,
            "account_id": ACCOUNT,
            "endpoint": self.url,
            "timeout_ms": 2_000,
        }
        settings.update(overrides)
        return OandaVenueConfig(**settings)  # type: ignore[arg-type]

    def bar(self, open_ms: int, o: str, h: str, l: str, c: str) -> None:  # noqa: E741
        self.market.trade_bar("EUR_USD", open_ms, o, h, l, c, Decimal(10) ** 9)

    def minutes(self, start_ms: int, count: int, price: str = "1.10000") -> None:
        for i in range(count):
            self.bar(start_ms + i * MINUTE_MS, price, price, price, price)


@contextmanager
def running(start_ms: int = MONDAY_MS) -> Iterator[Rig]:
    """A fresh emulator whose EUR_USD traded one minute bar at 1.10000 from `start_ms`."""
    spec = SymbolSpec("EUR", "USD", Decimal("0.00001"), Decimal(1), Decimal(1), Decimal(0))
    cash = {"USD": Decimal(100_000)}
    market = EmulatedMarket(
        {"EUR_USD": spec},
        MarketSpec(
            starting_balances=dict(cash),
            margin_leverage=Decimal(50),
            closed_market_orders="reject",
            bar_interval_ms=MINUTE_MS,
        ),
        hours={"EUR_USD": FOREX_HOURS},
    )
    market.add_account(ACCOUNT, dict(cash))
    server = build_emulator(market, {TOKEN: ACCOUNT}, timeout_hold_s=3.0)
    url = server.start()
    rig = Rig(market, server, url)
    rig.minutes(start_ms, 1)
    try:
        yield rig
    finally:
        server.stop()
