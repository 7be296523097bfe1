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
    OrderUpdated,
)
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder

__all__ = ["REPLAY_STRATEGY", "derive_events", "event_key", "instant", "replay", "sorted_fills"]

REPLAY_STRATEGY = StrategyId("venue")
"""The strategy id of orders rebuilt from venue data (the venue does not know ours)."""
_CANCELED = frozenset({"canceled", "replaced"})


def instant(ms: int) -> datetime:
    """A UTC instant from ms since the epoch."""
    return instant_from_ns(ms * 1_000_000)


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


def event_key(event: OrderEvent) -> str:
    """What makes an event unique within its order (the dedupe key)."""
    if isinstance(event, OrderFilled):
        return f"fill:{event.trade_id}"
    if isinstance(event, OrderUpdated):
        return f"update:{event.ts.isoformat()}:{event.quantity}:{event.price}:{event.trigger_price}"
    return type(event).__name__


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
    try:
        rebuilt = Order(
            client_order_id=client_order_id,
            strategy_id=REPLAY_STRATEGY,
            instrument_id=instrument_id,
            side=order.side,
            order_type=order.order_type,
            quantity=order.quantity,
            created_at=instant(order.created_ms),
            price=order.price if order.order_type.value in ("limit", "stop_limit") else None,
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
