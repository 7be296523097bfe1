"""Order builders and event bookkeeping shared by the contract tests."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import OrderEvent, OrderFilled, OrderSubmitted
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.ports.execution import ExecutionVenue

from .harness import VenueHarness

__all__ = [
    "BUY",
    "SELL",
    "apply_all",
    "away",
    "connection",
    "fills",
    "make_order",
    "of_type",
    "status",
]

BUY, SELL = OrderSide.BUY, OrderSide.SELL
E = TypeVar("E", bound=OrderEvent)


def make_order(
    harness: VenueHarness,
    name: str,
    side: OrderSide,
    lots: int,
    kind: OrderType = OrderType.MARKET,
    *,
    price: Decimal | None = None,
    trigger: Decimal | None = None,
    instrument: Instrument | None = None,
    time_in_force: TimeInForce = TimeInForce.GTC,
) -> Order:
    """A SUBMITTED order of `lots` lots, stamped with the venue's current time."""
    instrument = instrument or harness.primary
    order = Order(
        client_order_id=ClientOrderId(f"contract-{name}"),
        strategy_id=StrategyId("contract"),
        instrument_id=instrument.id,
        side=side,
        order_type=kind,
        quantity=instrument.lot_size * lots,
        price=price,
        trigger_price=trigger,
        time_in_force=time_in_force,
        created_at=harness.now(),
    )
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return order


def apply_all(orders: Iterable[Order], events: Iterable[OrderEvent]) -> None:
    """Apply each event to its order (the caller's side of the event channel)."""
    by_id = {o.client_order_id: o for o in orders}
    for event in events:
        by_id[event.client_order_id].apply(event)


def connection(venue: ExecutionVenue) -> ConnectionStatus:
    """The venue's connection now (a call, so type checkers do not keep an earlier one)."""
    return venue.status.connection


def status(order: Order) -> OrderStatus:
    """The order's status now (a call, so type checkers do not keep an earlier one)."""
    return order.status


def of_type(events: Iterable[OrderEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


def fills(events: Iterable[OrderEvent]) -> list[OrderFilled]:
    return of_type(events, OrderFilled)


def away(harness: VenueHarness, factor: str) -> Decimal:
    """`start_price * factor` on the tick grid: a level the market has not reached."""
    return harness.primary.round_price(harness.start_price * Decimal(factor))
