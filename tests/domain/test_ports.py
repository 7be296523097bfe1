"""The ports are satisfiable by small fakes, and capability checks name what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.domain import (
    ClientOrderId,
    DomainError,
    Order,
    OrderSide,
    OrderType,
    Position,
    Timeframe,
    TimeInForce,
    Venue,
)
from tradewind.domain.decimals import DecimalLike
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.venue_reports import (
    Balance,
    ConnectionStatus,
    FillReport,
    OrderStatusReport,
    VenueStatus,
)
from tradewind.ports.clock import Clock
from tradewind.ports.execution import (
    ExecutionVenue,
    VenueCapability,
    missing_capabilities,
    require_capabilities,
    require_capability,
)
from tradewind.ports.market_data import BarFrame, MarketDataSource

from .factories import BTC, COID, STRATEGY, T0, limit_order


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


class ListSource:
    def symbols(self) -> Sequence[str]:
        return ["BTC-USD"]

    def load_bars(
        self,
        symbol: str,
        timeframe: Timeframe,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> BarFrame:
        return [(symbol, str(timeframe))]


class RecordingVenue:
    def __init__(self) -> None:
        self.sent: list[Order] = []

    @property
    def venue(self) -> Venue:
        return Venue("SIM")

    @property
    def capabilities(self) -> frozenset[str]:
        return frozenset({VenueCapability.MARKET, VenueCapability.LIMIT})

    def submit(self, order: Order) -> None:
        require_capabilities(order, self.capabilities, self.venue)
        self.sent.append(order)

    def cancel(self, client_order_id: ClientOrderId) -> None:
        self.sent = [o for o in self.sent if o.client_order_id != client_order_id]

    def open_orders(self) -> Sequence[Order]:
        return list(self.sent)

    def positions(self) -> Sequence[Position]:
        return []

    @property
    def status(self) -> VenueStatus:
        return VenueStatus(ConnectionStatus.CONNECTED)

    def connect(self) -> None:
        pass

    def disconnect(self) -> None:
        pass

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        self.sent = [o for o in self.sent if instrument_id not in (None, o.instrument_id)]

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        require_capability(VenueCapability.MODIFY, self.capabilities, self.venue, "modify")

    def balances(self) -> Sequence[Balance]:
        return []

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        return []

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        return []

    def server_time(self) -> datetime:
        return T0

    def drain_events(self) -> list[OrderEvent]:
        return []


def test_fakes_satisfy_the_port_protocols() -> None:
    clock: Clock = FixedClock(datetime(2024, 1, 1, tzinfo=UTC))
    source: MarketDataSource = ListSource()
    venue: ExecutionVenue = RecordingVenue()
    assert isinstance(clock, Clock)
    assert isinstance(source, MarketDataSource)
    assert isinstance(venue, ExecutionVenue)
    assert not isinstance(object(), ExecutionVenue)


def test_capabilities_are_plain_strings() -> None:
    assert "limit" in RecordingVenue().capabilities


def test_missing_capabilities_cover_order_type_and_time_in_force() -> None:
    stop_ioc = Order(
        client_order_id=COID,
        strategy_id=STRATEGY,
        instrument_id=BTC,
        side=OrderSide.SELL,
        order_type=OrderType.STOP,
        quantity=Decimal(1),
        trigger_price=Decimal(90),
        time_in_force=TimeInForce.IOC,
        created_at=T0,
    )
    assert missing_capabilities(stop_ioc, frozenset({"market", "limit"})) == {"stop", "ioc"}
    assert missing_capabilities(limit_order(), frozenset({"limit"})) == frozenset()


def test_venue_refuses_an_order_it_cannot_work() -> None:
    venue = RecordingVenue()
    venue.submit(limit_order())
    stop = Order(
        client_order_id=ClientOrderId("O-2"),
        strategy_id=STRATEGY,
        instrument_id=BTC,
        side=OrderSide.SELL,
        order_type=OrderType.STOP,
        quantity=Decimal(1),
        trigger_price=Decimal(90),
        created_at=T0,
    )
    with pytest.raises(DomainError, match="order O-2 needs stop, which venue SIM does not support"):
        venue.submit(stop)
    assert [o.client_order_id for o in venue.open_orders()] == [COID]
