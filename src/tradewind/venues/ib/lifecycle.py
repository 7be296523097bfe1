"""A TWS order and its executions, told as domain order events.

One pure derivation (`derive_events`) serves both sides of the port: polling emits the
events it gives that were not emitted yet, and the reports replay the very same events
into an `Order` (`replay`), so what `order_status_reports` and `fill_reports` say
equals what the events said whenever both saw the same venue data.

Instants are the venue's: accepted at the order's creation (carried in `orderRef`, as
TWS reports no acceptance time), each fill at its execution time, canceled / expired at
TWS's `completedTime` (never before the last fill). A canceled order whose executions
are not all visible yet (their sum is below TWS's `filled`) gets its terminal event only
once they are, so a fill never arrives after the order was closed. TWS's `Inactive`
(and a cancel before TWS assigned a permId) is a rejection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, VenueOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
)
from tradewind.execution.venue_events import REPLAY_STRATEGY, event_key, instant_of_ms, replay_order
from tradewind.venues.ib.parsing import CANCELED_STATES, VenueFill, VenueOrder

__all__ = ["REPLAY_STRATEGY", "created_ms_of", "derive_events", "event_key", "replay"]

_NOT_ACCEPTED = frozenset({"PendingSubmit", "ApiPending"})
_SHORT_LIVED = frozenset({TimeInForce.IOC, TimeInForce.FOK})


_instant = instant_of_ms


def created_ms_of(order: VenueOrder, fills: Sequence[VenueFill] = ()) -> int:
    """When the order was created: from `orderRef`, else its first fill or completion."""
    if order.created_ms is not None:
        return order.created_ms
    candidates = [f.ts_ms for f in fills] + ([order.completed_ms] if order.completed_ms else [])
    return min(candidates, default=0)


def derive_events(
    order: VenueOrder,
    fills: Iterable[VenueFill],
    client_order_id: ClientOrderId,
    rejection: str = "",
) -> list[OrderEvent]:
    """The events that tell `order`'s story so far, oldest first.

    `fills` may hold executions of other orders; only this order's (by permId) count,
    never beyond its quantity. `rejection` is TWS's error text for a rejected order.
    """
    own = sorted(
        (f for f in fills if order.perm_id and f.perm_id == order.perm_id),
        key=lambda f: f.ts_ms,
    )
    created_ms = created_ms_of(order, own)
    created = _instant(created_ms)
    never_accepted = order.perm_id == 0 and order.status in CANCELED_STATES
    if (order.status == "Inactive" or never_accepted) and not own:
        reason = rejection or order.completed_status or f"rejected by the venue ({order.status})"
        return [OrderRejected(client_order_id=client_order_id, ts=created, reason=reason)]
    if order.perm_id == 0 or order.status in _NOT_ACCEPTED:
        return []
    venue_order_id = VenueOrderId(order.venue_order_id)
    events: list[OrderEvent] = [
        OrderAccepted(client_order_id=client_order_id, ts=created, venue_order_id=venue_order_id)
    ]
    filled, last_ms = Decimal(0), created_ms
    for fill in own:
        if filled + fill.quantity > order.quantity:
            break  # TWS never overfills; a bad payload must not make us
        events.append(_filled(fill, client_order_id, venue_order_id))
        filled += fill.quantity
        last_ms = max(last_ms, fill.ts_ms)
    if order.status in CANCELED_STATES | {"Inactive"} and filled >= order.filled:
        ts = _instant(max(order.completed_ms or created_ms, last_ms))
        expired = order.time_in_force in _SHORT_LIVED or "expir" in order.completed_status.lower()
        event = OrderExpired if expired else OrderCanceled
        events.append(event(client_order_id=client_order_id, ts=ts))
    return events


def _filled(
    fill: VenueFill, client_order_id: ClientOrderId, venue_order_id: VenueOrderId
) -> OrderFilled:
    return OrderFilled(
        client_order_id=client_order_id,
        ts=_instant(fill.ts_ms),
        trade_id=TradeId(fill.trade_id),
        last_qty=fill.quantity,
        last_price=fill.price,
        commission=fill.commission,
        commission_currency=fill.commission_currency,
        venue_order_id=venue_order_id,
    )


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
        created_at=_instant(created_ms_of(order)),
        price=order.price,
        venue_ref=f"permId {order.perm_id}",
    )
