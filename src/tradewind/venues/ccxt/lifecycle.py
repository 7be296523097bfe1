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
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, VenueOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
)
from tradewind.execution.venue_events import REPLAY_STRATEGY, event_key, instant_of_ms, replay_order
from tradewind.venues.ccxt.parsing import VenueOrder, VenueTrade

__all__ = ["REPLAY_STRATEGY", "derive_events", "event_key", "replay", "sorted_trades"]


_instant = instant_of_ms


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
    return replay_order(
        order,
        events,
        instrument_id=instrument_id,
        client_order_id=client_order_id,
        created_at=_instant(order.created_ms),
        price=order.price,
        venue_ref=order.venue_order_id,
    )
