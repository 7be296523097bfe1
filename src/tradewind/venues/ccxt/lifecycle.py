"""An exchange order and its trades, told as domain order events.

One pure derivation (`derive_events`) serves both sides of the port: polling emits
the events it gives that were not emitted yet, and the reports replay the very same
events into an `Order` (`replay`). So what `order_status_reports` and `fill_reports`
say equals what the events said, by construction, whenever both saw the same venue
data. Instants are the exchange's: accepted at the order's creation, each fill at its
trade, canceled / expired at the order's last update (never before its last fill).

A canceled or expired order whose trades are not all visible yet (the trades' sum is
below the exchange's `filled`) gets its terminal event only once they are, so a fill
never arrives after the order was closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import (
    ClientOrderId,
    InstrumentId,
    StrategyId,
    TradeId,
    VenueOrderId,
)
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
)
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt.parsing import VenueOrder, VenueTrade

__all__ = ["REPLAY_STRATEGY", "derive_events", "event_key", "replay", "sorted_trades"]

REPLAY_STRATEGY = StrategyId("venue")
"""The strategy id of orders rebuilt from venue data (the venue does not know ours)."""


def _instant(ms: int) -> datetime:
    return instant_from_ns(ms * 1_000_000)


def sorted_trades(trades: Iterable[VenueTrade]) -> list[VenueTrade]:
    """Trades oldest first; numeric ids in numeric order within one instant."""
    return sorted(trades, key=lambda t: (t.ts_ms, len(t.trade_id), t.trade_id))


def derive_events(
    order: VenueOrder, trades: Iterable[VenueTrade], client_order_id: ClientOrderId
) -> list[OrderEvent]:
    """The events that tell `order`'s story so far, oldest first.

    `trades` may hold trades of other orders; only this order's count, and never
    beyond its quantity.
    """
    created = _instant(order.created_ms)
    if order.status == "rejected":
        return [
            OrderRejected(
                client_order_id=client_order_id, ts=created, reason="rejected by the venue"
            )
        ]
    venue_order_id = VenueOrderId(order.venue_order_id)
    events: list[OrderEvent] = [
        OrderAccepted(client_order_id=client_order_id, ts=created, venue_order_id=venue_order_id)
    ]
    filled, last_ms = Decimal(0), order.created_ms
    for trade in sorted_trades(t for t in trades if t.venue_order_id == order.venue_order_id):
        if filled + trade.quantity > order.quantity:
            break  # the venue never overfills; a bad payload must not make us
        events.append(
            OrderFilled(
                client_order_id=client_order_id,
                ts=_instant(trade.ts_ms),
                trade_id=TradeId(trade.trade_id),
                last_qty=trade.quantity,
                last_price=trade.price,
                commission=trade.fee,
                commission_currency=trade.fee_currency,
                venue_order_id=venue_order_id,
            )
        )
        filled += trade.quantity
        last_ms = max(last_ms, trade.ts_ms)
    if order.status in ("canceled", "expired") and filled >= order.filled:
        ts = _instant(max(order.updated_ms, last_ms))
        if order.status == "canceled":
            events.append(OrderCanceled(client_order_id=client_order_id, ts=ts))
        else:
            events.append(OrderExpired(client_order_id=client_order_id, ts=ts))
    return events


def event_key(event: OrderEvent) -> str:
    """What makes an event unique within its order (the dedupe key)."""
    if isinstance(event, OrderFilled):
        return f"fill:{event.trade_id}"
    return type(event).__name__


def replay(
    order: VenueOrder,
    events: Sequence[OrderEvent],
    instrument_id: InstrumentId,
    client_order_id: ClientOrderId,
) -> Order:
    """The `Order` those events build, with the venue's terms.

    Raises:
        VenueError: terms or events the domain refuses (named).
    """
    try:
        rebuilt = Order(
            client_order_id=client_order_id,
            strategy_id=REPLAY_STRATEGY,
            instrument_id=instrument_id,
            side=order.side,
            order_type=order.order_type,
            quantity=order.quantity,
            created_at=_instant(order.created_ms),
            price=order.price,
            trigger_price=order.trigger_price,
            time_in_force=order.time_in_force,
        )
        rebuilt.apply(OrderSubmitted(client_order_id=client_order_id, ts=rebuilt.created_at))
        for event in events:
            rebuilt.apply(event)
    except DomainError as error:
        raise VenueError(
            f"invalid order payload for {client_order_id} ({order.venue_order_id}): {error}"
        ) from None
    return rebuilt
