"""`CcxtVenue` drives the real ccxt `kraken` class against the in-process Kraken emulator:
acknowledgement-only answers, client-id lookups through the order lists, cancel-all
per symbol, history read page by page, and a wrong secret."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderFilled,
    OrderSubmitted,
)
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.ccxt import CcxtVenue, CcxtVenueConfig
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

KEY = "kraken-adapter-key"
SECRET = base64.b64encode(b"kraken adapter secret").decode()
T0_MS = 1_709_562_600_000
BAR_MS = 60_000
LOT = Decimal("0.001")
PAIRS = {"BTC/USD": "XXBTZUSD", "ETH/USD": "XETHZUSD"}
ADD_ORDER = "/0/private/AddOrder"
BUY = OrderSide.BUY


def _fast_exchange(config: CcxtVenueConfig) -> Any:
    exchange = build_exchange(config)
    exchange.rateLimit = 1
    return exchange


@dataclass
class Rig:
    market: EmulatedMarket
    server: EmulatorServer
    faults: FaultInjector
    config: CcxtVenueConfig
    bar: int = 0

    def trade(self, pair: str, price: float) -> None:
        self.bar += 1
        self.market.trade_bar(pair, T0_MS + self.bar * BAR_MS, price, price, price, price, 1e9)

    def venue(self, secret: str = SECRET) -> CcxtVenue:
        fields = {name: getattr(self.config, name) for name in self.config.__dataclass_fields__}
        fields["secret"] = Secret(secret)
        return CcxtVenue(CcxtVenueConfig(**fields), exchange_factory=_fast_exchange)

    def order(
        self,
        instrument: Instrument,
        name: str,
        lots: int = 1,
        kind: OrderType = OrderType.MARKET,
        price: Decimal | None = None,
    ) -> Order:
        order = Order(
            client_order_id=ClientOrderId(f"k-{name}"),
            strategy_id=StrategyId("test"),
            instrument_id=instrument.id,
            side=BUY,
            order_type=kind,
            quantity=LOT * lots,
            price=price,
            created_at=instant_from_ns(self.market.now_ms * 1_000_000),
        )
        order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
        return order


@pytest.fixture
def rig() -> Iterator[Rig]:
    specs = {
        pair: SymbolSpec(pair[:4], "ZUSD", Decimal("0.01"), LOT, LOT, Decimal("0.01"))
        for pair in PAIRS.values()
    }
    market = EmulatedMarket(specs, MarketSpec(commission_bps=Decimal(10)))
    market.add_account(KEY, {"ZUSD": Decimal(1_000_000)})
    faults = FaultInjector(seed=1)
    server = build_emulator(
        "kraken",
        market,
        {KEY: SECRET},
        faults=faults,
        rate_limiter=RateLimiter(limit_per_minute=100_000),
        timeout_hold_s=1.5,
    )
    config = CcxtVenueConfig(
        exchange_id="kraken",
        symbols=tuple(PAIRS),
        api_key=Secret(KEY),
        secret=Secret(SECRET),
        endpoint=server.start(),
        timeout_ms=1_000,
    )
    built = Rig(market, server, faults, config)
    for pair in PAIRS.values():
        built.trade(pair, 100)
    yield built
    server.stop()


@pytest.fixture
def venue(rig: Rig) -> CcxtVenue:
    built = rig.venue()
    built.connect()
    return built


def _instrument(venue: CcxtVenue, index: int = 0) -> Instrument:
    return venue.session.instruments.all[index]  # type: ignore[union-attr]


def _drain(venue: CcxtVenue) -> list[OrderEvent]:
    venue.sync()
    return venue.drain_events()


def _of(events: list[OrderEvent], kind: type) -> list[OrderEvent]:
    return [e for e in events if isinstance(e, kind)]


def test_a_wrong_secret_is_refused_credentials_not_retried_and_not_shown(rig: Rig) -> None:
    wrong = base64.b64encode(b"some other secret").decode()
    venue = rig.venue(secret=wrong)
    with pytest.raises(VenueError) as refused:
        venue.connect()
    assert not refused.value.retryable
    assert "refused the credentials" in str(refused.value)
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    assert wrong not in str(refused.value) + venue.status.reason


def test_an_acknowledged_submit_is_read_back_and_accepted_at_once(
    rig: Rig, venue: CcxtVenue
) -> None:
    order = rig.order(_instrument(venue), "ack", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    (accepted,) = venue.drain_events()
    assert isinstance(accepted, OrderAccepted)
    (placed,) = rig.market.orders(KEY)
    assert placed.client_order_id == "k-ack"


def test_a_submit_whose_answer_times_out_is_found_by_client_id_in_the_order_lists(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("timeout", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "lost", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    assert len(rig.market.orders(KEY)) == 1
    assert rig.server.requests["/0/private/OpenOrders"] > 0


def test_a_lost_market_order_that_filled_is_found_among_the_closed_orders(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("timeout", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "filled", lots=2)
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    assert [f.last_qty for f in _of(events, OrderFilled)] == [2 * LOT]  # type: ignore[attr-defined]
    assert len(rig.market.orders(KEY)) == 1
    assert rig.server.requests["/0/private/ClosedOrders"] > 0


def test_a_submit_dropped_before_the_venue_is_sent_once_more_with_the_same_id(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("drop", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "dropped", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    assert len(_of(_drain(venue), OrderAccepted)) == 1
    (placed,) = rig.market.orders(KEY)
    assert placed.client_order_id == "k-dropped"


def test_an_acknowledged_cancel_is_read_back_and_confirmed(rig: Rig, venue: CcxtVenue) -> None:
    order = rig.order(_instrument(venue), "c", kind=OrderType.LIMIT, price=Decimal(50))
    venue.submit(order)
    venue.cancel(order.client_order_id)
    assert [type(e) for e in venue.drain_events()] == [OrderAccepted, OrderCanceled]


def test_cancel_all_of_one_instrument_leaves_the_others_orders_working(
    rig: Rig, venue: CcxtVenue
) -> None:
    btc, eth = _instrument(venue, 0), _instrument(venue, 1)
    mine = rig.order(btc, "a", kind=OrderType.LIMIT, price=Decimal(50))
    other = rig.order(eth, "b", kind=OrderType.LIMIT, price=Decimal(50))
    for order in (mine, other):
        venue.submit(order)
    venue.drain_events()
    venue.cancel_all(btc.id)
    assert [e.client_order_id for e in _of(_drain(venue), OrderCanceled)] == [mine.client_order_id]
    assert [o.client_order_id for o in venue.open_orders()] == [other.client_order_id]
    assert rig.server.requests["/0/private/CancelAll"] == 0


def test_reports_read_every_page_of_a_history_longer_than_one_page(
    rig: Rig, venue: CcxtVenue
) -> None:
    instrument = _instrument(venue)
    orders = [rig.order(instrument, f"m{i}") for i in range(60)]
    for order in orders:
        venue.submit(order)
    events = _drain(venue)
    fills = _of(events, OrderFilled)
    assert len(fills) == 60
    restarted = rig.venue()
    restarted.connect()
    assert [r.to_event() for r in restarted.fill_reports()] == fills
    reports = restarted.order_status_reports()
    assert [r.client_order_id for r in reports] == [o.client_order_id for o in orders]
    assert {r.status for r in reports} == {OrderStatus.FILLED}
