"""An Alpaca order and its FILL activities, told as domain order events.

One pure derivation (`derive_events`) serves both sides of the port: polling emits the
events not emitted yet, and the reports replay the same events into an `Order`
(`replay`), so `order_status_reports` and `fill_reports` equal what the events said
whenever both saw the same venue data. Instants are Alpaca's: accepted at submission,
each fill at its activity's `transaction_time` (trade id = activity id, no commission:
Alpaca charges none on equities), canceled / expired at `canceled_at` / `expired_at`
(never before the last fill). An order canceled or expired whose fills are not all
visible yet (their sum below `filled_qty`) gets its terminal event only once they are.
An order `replaced` at the venue ends this story; `chains` follows it into its
replacement (an `OrderUpdated`), so a replaced order is canceled only when told alone.
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
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder

__all__ = ["REPLAY_STRATEGY", "derive_events", "event_key", "instant", "replay", "sorted_fills"]

_CANCELED = frozenset({"canceled", "replaced"})


instant = instant_of_ms
"""A UTC instant from ms since the epoch."""


def sorted_fills(fills: Iterable[AlpacaFill]) -> list[AlpacaFill]:
    """Fills oldest first (activity ids order them within one instant)."""
    return sorted(fills, key=lambda f: (f.ts_ms, f.trade_id))


def derive_events(
    order: AlpacaOrder, fills: Iterable[AlpacaFill], client_order_id: ClientOrderId
) -> list[OrderEvent]:
    """The events that tell `order`'s story so far, oldest first.

    `fills` may hold other orders' fills; only this order's count, never beyond its
    quantity.
    """
    created = instant(order.created_ms)
    if order.status == "rejected":
        ts = instant(order.ended_ms or order.updated_ms)
        return [OrderRejected(client_order_id=client_order_id, ts=ts, reason="rejected by Alpaca")]
    venue_order_id = VenueOrderId(order.venue_order_id)
    events: list[OrderEvent] = [
        OrderAccepted(client_order_id=client_order_id, ts=created, venue_order_id=venue_order_id)
    ]
    filled, last_ms = Decimal(0), order.created_ms
    for fill in sorted_fills(f for f in fills if f.venue_order_id == order.venue_order_id):
        if filled + fill.quantity > order.quantity:
            break  # the venue never overfills; a bad payload must not make us
        events.append(
            OrderFilled(
                client_order_id=client_order_id,
                ts=instant(max(fill.ts_ms, order.created_ms)),
                trade_id=TradeId(fill.trade_id),
                last_qty=fill.quantity,
                last_price=fill.price,
                commission=Decimal(0),
                commission_currency="",
                venue_order_id=venue_order_id,
            )
        )
        filled += fill.quantity
        last_ms = max(last_ms, fill.ts_ms)
    ended = order.status in _CANCELED or order.status == "expired"
    if ended and filled >= order.filled:
        ts = instant(max(order.ended_ms or order.updated_ms, last_ms))
        if order.status == "expired":
            events.append(OrderExpired(client_order_id=client_order_id, ts=ts))
        else:
            reason = "replaced at the venue" if order.status == "replaced" else ""
            events.append(OrderCanceled(client_order_id=client_order_id, ts=ts, reason=reason))
    return events


def replay(
    order: AlpacaOrder,
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
        created_at=instant(order.created_ms),
        price=order.price if order.order_type.value in ("limit", "stop_limit") else None,
        venue_ref=order.venue_order_id,
    )
