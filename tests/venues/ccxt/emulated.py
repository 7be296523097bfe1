"""A `CcxtVenue` against the in-process Binance emulator, for the adapter tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType
from tradewind.domain.order_events import OrderSubmitted
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.ccxt import CcxtMarketData, CcxtVenue, CcxtVenueConfig
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.emulator import BinanceDialect
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    FaultSpec,
    MarketSpec,
    SymbolSpec,
)

T0_MS = 1_709_562_600_000
BAR_MS = 60_000
KEY, SECRET = "test-key", "test-secret-value"
LOT = Decimal("0.001")


def fast_exchange(config: CcxtVenueConfig) -> Any:
    exchange = build_exchange(config)
    exchange.rateLimit = 1
    return exchange


@dataclass
class Emulated:
    market: EmulatedMarket
    server: EmulatorServer
    config: CcxtVenueConfig
    bar: int = 0

    def trade(self, o: float, h: float, l: float, c: float, volume: float = 1e9) -> None:  # noqa: E741
        self.bar += 1
        self.market.trade_bar("BTCUSDT", T0_MS + self.bar * BAR_MS, o, h, l, c, volume)

    def venue(self, **overrides: Any) -> CcxtVenue:
        config = self.config if not overrides else _replace(self.config, **overrides)
        return CcxtVenue(config, exchange_factory=fast_exchange)

    def data(self) -> CcxtMarketData:
        return CcxtMarketData(self.config, exchange_factory=fast_exchange)

    def orders_at_venue(self) -> list[Any]:
        return self.market.orders(KEY)

    def order(
        self,
        instrument: Instrument,
        name: str,
        side: OrderSide,
        lots: int,
        kind: OrderType = OrderType.MARKET,
        price: Decimal | None = None,
    ) -> Order:
        order = Order(
            client_order_id=ClientOrderId(f"t-{name}"),
            strategy_id=StrategyId("test"),
            instrument_id=instrument.id,
            side=side,
            order_type=kind,
            quantity=LOT * lots,
            price=price,
            created_at=instant_from_ns(self.market.now_ms * 1_000_000),
        )
        order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
        return order


def _replace(config: CcxtVenueConfig, **overrides: Any) -> CcxtVenueConfig:
    fields = {name: getattr(config, name) for name in config.__dataclass_fields__}
    fields.update(overrides)
    return CcxtVenueConfig(**fields)


def start_emulator(timeout_ms: int = 5_000, fault_spec: str = "") -> Emulated:
    """An emulator with BTC/USDT at 100 (one bar traded) and 1,000,000 USDT."""
    spec = SymbolSpec("BTC", "USDT", Decimal("0.01"), LOT, LOT, Decimal("0.01"))
    market = EmulatedMarket({"BTCUSDT": spec}, MarketSpec(commission_bps=Decimal(10)))
    market.add_account(KEY, {"USDT": Decimal(1_000_000)})
    faults = FaultInjector(FaultSpec.parse(fault_spec) if fault_spec else FaultSpec(), seed=1)
    dialect = BinanceDialect(market, credentials={KEY: SECRET})
    server = EmulatorServer(dialect, faults=faults, timeout_hold_s=timeout_ms / 1000 + 0.5)
    base_url = server.start()
    config = CcxtVenueConfig(
        exchange_id="binance",
        symbols=("BTC/USDT",),
        api_key=KEY,
        secret=SECRET,
        endpoint=base_url,
        timeout_ms=timeout_ms,
    )
    emulated = Emulated(market, server, config)
    emulated.trade(100, 100, 100, 100)
    return emulated
