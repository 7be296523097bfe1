"""A `CcxtVenue` against an in-process exchange emulator on 127.0.0.1, for the adapter
tests: the emulator, its market and faults, the adapter's config and an order builder.

What differs by exchange (the ccxt id, the symbols and their wire names, the assets,
the credentials, the rate limit, the bar spacing) comes from the contract suite's
`EmulatedExchange` records. Unlike the contract's `EmulatedExchangeHarness`, a `Rig`
connects no adapter itself: a test builds its venues, with config changes if it likes,
and arms the emulator's `FaultInjector` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.contract.ccxt_exchange_harness import EmulatedExchange

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.order_events import OrderEvent, OrderSubmitted
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.ccxt import CcxtMarketData, CcxtVenue, CcxtVenueConfig
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import Secret
from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    MarketSpec,
    RateLimiter,
    SymbolSpec,
)

__all__ = [
    "LOT",
    "T0_MS",
    "Rig",
    "drain",
    "fast_exchange",
    "instrument",
    "of",
    "start_rig",
]

T0_MS = 1_709_562_600_000  # 2024-03-04 14:30 UTC
LOT = Decimal("0.001")
_UNLIMITED_VOLUME = 1e9
_STARTING_CASH = Decimal(1_000_000)
_START_PRICE = 100
_HOLD_AFTER_TIMEOUT_S = 0.5  # the emulator withholds an answer until the adapter gave up


def fast_exchange(config: CcxtVenueConfig) -> Any:
    """`build_exchange` without ccxt's pacing: the emulator is local."""
    exchange = build_exchange(config)
    exchange.rateLimit = 1
    return exchange


@dataclass
class Rig:
    """A running emulator of `exchange` and the config of an adapter on it."""

    exchange: EmulatedExchange
    market: EmulatedMarket
    server: EmulatorServer
    faults: FaultInjector
    config: CcxtVenueConfig
    order_prefix: str
    bar: int = 0

    def trade(
        self,
        o: float,
        h: float,
        l: float,  # noqa: E741
        c: float,
        volume: float = _UNLIMITED_VOLUME,
        *,
        wire: str | None = None,
    ) -> None:
        """Trade the next bar, one `bar_ms` later, of `wire` (the exchange's symbol;
        the first of the exchange's symbols if None)."""
        self.bar += 1
        ts_ms = T0_MS + self.bar * self.exchange.bar_ms
        symbol = wire if wire is not None else next(iter(self.exchange.symbols.values()))
        self.market.trade_bar(symbol, ts_ms, o, h, l, c, volume)

    def trade_at(self, wire: str, price: float, volume: float = _UNLIMITED_VOLUME) -> None:
        """Trade a bar of `wire` whose open, high, low and close are all `price`."""
        self.trade(price, price, price, price, volume, wire=wire)

    def venue(self, **changes: Any) -> CcxtVenue:
        """A new, unconnected adapter; `changes` replace fields of the config."""
        fields = {name: getattr(self.config, name) for name in self.config.__dataclass_fields__}
        fields.update(changes)
        return CcxtVenue(CcxtVenueConfig(**fields), exchange_factory=fast_exchange)

    def data(self) -> CcxtMarketData:
        return CcxtMarketData(self.config, exchange_factory=fast_exchange)

    def orders_at_venue(self) -> list[Any]:
        """The venue's own records of the account's orders."""
        return self.market.orders(self.exchange.key)

    def order(
        self,
        instrument: Instrument,
        name: str,
        side: OrderSide = OrderSide.BUY,
        lots: int = 1,
        kind: OrderType = OrderType.MARKET,
        price: Decimal | None = None,
        time_in_force: TimeInForce = TimeInForce.GTC,
    ) -> Order:
        """A submitted order of `lots` lots whose client id is `order_prefix` + `name`."""
        order = Order(
            client_order_id=ClientOrderId(f"{self.order_prefix}{name}"),
            strategy_id=StrategyId("test"),
            instrument_id=instrument.id,
            side=side,
            order_type=kind,
            quantity=LOT * lots,
            price=price,
            time_in_force=time_in_force,
            created_at=instant_from_ns(self.market.now_ms * 1_000_000),
        )
        order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
        return order


def start_rig(
    exchange: EmulatedExchange,
    *,
    order_prefix: str,
    timeout_ms: int = 1_000,
    faults: FaultInjector | None = None,
) -> Rig:
    """A started emulator of `exchange` with 10 bps commission, 1,000,000 of its quote
    asset, and one bar traded at 100 on every symbol; stop it with `rig.server.stop()`.

    `faults` defaults to an unarmed injector with seed 1.
    """
    lot, tick = LOT, Decimal("0.01")
    specs = {
        wire: SymbolSpec(exchange.base_assets[wire], exchange.quote_asset, tick, lot, lot, tick)
        for wire in exchange.symbols.values()
    }
    market = EmulatedMarket(specs, MarketSpec(commission_bps=Decimal(10)))
    market.add_account(exchange.key, {exchange.quote_asset: _STARTING_CASH})
    injector = faults if faults is not None else FaultInjector(seed=1)
    server = build_emulator(
        exchange.exchange_id,
        market,
        {exchange.key: exchange.secret},
        faults=injector,
        rate_limiter=RateLimiter(limit_per_minute=exchange.weight_per_minute),
        timeout_hold_s=timeout_ms / 1000 + _HOLD_AFTER_TIMEOUT_S,
    )
    config = CcxtVenueConfig(
        exchange_id=exchange.exchange_id,
        symbols=tuple(exchange.symbols),
        api_key=Secret(exchange.key),
        secret=Secret(exchange.secret),
        endpoint=server.start(),
        timeout_ms=timeout_ms,
    )
    rig = Rig(exchange, market, server, injector, config, order_prefix)
    for wire in exchange.symbols.values():
        rig.trade_at(wire, _START_PRICE)
    return rig


def instrument(venue: CcxtVenue, index: int = 0) -> Instrument:
    """The connected `venue`'s instrument at `index`, in the order of its symbols."""
    return venue.session.instruments.all[index]  # type: ignore[union-attr]


def drain(venue: CcxtVenue) -> list[OrderEvent]:
    """Sync `venue` with the exchange, then take its events."""
    venue.sync()
    return venue.drain_events()


def of(events: list[OrderEvent], kind: type) -> list[OrderEvent]:
    return [e for e in events if isinstance(e, kind)]
