"""Helpers for the order events a live venue adapter derives from the venue's records.

Each adapter derives an order's whole story from what the venue says (its own
`lifecycle.derive_events`); these pieces are the same for every venue:

- `event_key`: what makes an event unique within its order, so each is handed out once;
- `hand_out`: the derived events not handed out yet, applied to the adapter's copy;
- `in_time_order`: several orders' new events merged oldest first;
- `replay_order`: the `Order` the derived events build (for the reports), with the
  venue's terms; `REPLAY_STRATEGY` is its strategy id;
- `instant_of_ms`: a UTC instant from the ms most venues count in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, TypeVar

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.order_events import OrderEvent, OrderFilled, OrderSubmitted, OrderUpdated
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError

__all__ = [
    "REPLAY_STRATEGY",
    "EmittingOrder",
    "OrderTerms",
    "event_key",
    "hand_out",
    "in_time_order",
    "instant_of_ms",
    "replay_order",
]

_log = logging.getLogger(__name__)

REPLAY_STRATEGY = StrategyId("venue")
"""The strategy id of orders rebuilt from venue data (the venue does not know ours)."""


class EmittingOrder(Protocol):
    """An adapter's record of one order, as far as handing out its events goes."""

    @property
    def order(self) -> Order:
        """The adapter's copy, moved by the events handed out."""
        ...

    @property
    def emitted(self) -> set[str]:
        """Keys (`event_key`) of the events already handed out."""
        ...


class OrderTerms(Protocol):
    """A venue's order record, as far as rebuilding the `Order` goes."""

    @property
    def side(self) -> OrderSide: ...

    @property
    def order_type(self) -> OrderType: ...

    @property
    def quantity(self) -> Decimal: ...

    @property
    def trigger_price(self) -> Decimal | None: ...

    @property
    def time_in_force(self) -> TimeInForce: ...


Rank = TypeVar("Rank", int, tuple[int, int])


def instant_of_ms(ms: int) -> datetime:
    """A UTC instant from ms since the epoch."""
    return instant_from_ns(ms * 1_000_000)


def event_key(event: OrderEvent) -> str:
    """What makes an event unique within its order (the dedupe key): a fill's trade id,
    an update's instant and terms, else the event's type."""
    if isinstance(event, OrderFilled):
        return f"fill:{event.trade_id}"
    if isinstance(event, OrderUpdated):
        return f"update:{event.ts.isoformat()}:{event.quantity}:{event.price}:{event.trigger_price}"
    return type(event).__name__


def hand_out(tracked: EmittingOrder, events: Iterable[OrderEvent]) -> list[OrderEvent]:
    """The events of `events` (one order's story, oldest first) not handed out yet.

    Each is marked handed out and applied to `tracked.order`; one the order refuses is
    logged and dropped (it stays marked, so it is not tried again).
    """
    fresh = []
    for event in events:
        key = event_key(event)
        if key in tracked.emitted:
            continue
        tracked.emitted.add(key)
        try:
            tracked.order.apply(event)
        except DomainError as error:
            _log.warning(
                "venue event %s for %s not applicable: %s",
                key,
                tracked.order.client_order_id,
                error,
            )
            continue
        fresh.append(event)
    return fresh


def in_time_order(batches: Iterable[tuple[Rank, Sequence[OrderEvent]]]) -> list[OrderEvent]:
    """Events of several orders merged oldest first; each order's own stay in order.

    A batch is (rank, one order's events oldest first); events at one instant sort by
    their order's rank (its submission number, say), then their place in the batch.
    An event never sorts before an earlier one of its own order.
    """
    keyed: list[tuple[datetime, Rank, int, OrderEvent]] = []
    for rank, events in batches:
        floor: datetime | None = None
        for position, event in enumerate(events):
            floor = event.ts if floor is None else max(floor, event.ts)
            keyed.append((floor, rank, position, event))
    keyed.sort(key=lambda item: item[:3])
    return [item[3] for item in keyed]


def replay_order(
    terms: OrderTerms,
    events: Iterable[OrderEvent],
    *,
    instrument_id: InstrumentId,
    client_order_id: ClientOrderId,
    created_at: datetime,
    price: Decimal | None,
    venue_ref: str,
) -> Order:
    """The `Order` `events` build from SUBMITTED, with the venue's terms.

    Args:
        terms: the venue's record of the order (side, type, quantity, trigger, TIF).
        price: its limit price as the domain takes it (None for orders without one).
        venue_ref: how the venue names the order, for the error message.

    Raises:
        VenueError: terms or events the domain refuses (named with `venue_ref`).
    """
    try:
        rebuilt = Order(
            client_order_id=client_order_id,
            strategy_id=REPLAY_STRATEGY,
            instrument_id=instrument_id,
            side=terms.side,
            order_type=terms.order_type,
            quantity=terms.quantity,
            created_at=created_at,
            price=price,
            trigger_price=terms.trigger_price,
            time_in_force=terms.time_in_force,
        )
        rebuilt.apply(OrderSubmitted(client_order_id=client_order_id, ts=rebuilt.created_at))
        for event in events:
            rebuilt.apply(event)
    except DomainError as error:
        raise VenueError(
            f"invalid order payload for {client_order_id} ({venue_ref}): {error}"
        ) from None
    return rebuilt
