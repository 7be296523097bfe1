"""The orders this adapter sent, what the venue last said about each, and the
events already handed out (each exactly once, keyed by trade id or event type).

The adapter feeds every venue answer in (`observe`, `add_trades`); `advance` derives
the order's events (`lifecycle.derive_events`), keeps those not emitted yet, applies
them to the adapter's own copy of the order and returns them for the event queue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderEvent, OrderSubmitted
from tradewind.venues.ccxt.lifecycle import derive_events, event_key
from tradewind.venues.ccxt.parsing import VenueOrder, VenueTrade

__all__ = ["OrderRegistry", "Tracked", "advance", "copy_submitted", "in_time_order"]

_log = logging.getLogger(__name__)


def copy_submitted(order: Order) -> Order:
    """The adapter's own SUBMITTED copy of a caller's order (the caller's stays untouched)."""
    copy = Order(
        client_order_id=order.client_order_id,
        strategy_id=order.strategy_id,
        instrument_id=order.instrument_id,
        side=order.side,
        order_type=order.order_type,
        quantity=order.quantity,
        created_at=order.created_at,
        price=order.price,
        trigger_price=order.trigger_price,
        time_in_force=order.time_in_force,
        reduce_only=order.reduce_only,
        tag=order.tag,
    )
    copy.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return copy


@dataclass(slots=True, eq=False)
class Tracked:
    """One order sent by this adapter.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its venue symbol.
        seq: submission sequence number (orders ties at one instant).
        state: what the venue last said about it (None before any answer).
        trades: its executions seen so far, by trade id.
        emitted: keys of the events already handed out.
        outcome_unknown: the submit got no answer; the venue must be asked.
        resubmitted: the one resubmission after an unknown outcome was made.
        reason: why it was rejected or canceled, when it was.
    """

    order: Order
    symbol: str
    seq: int
    state: VenueOrder | None = None
    trades: dict[str, VenueTrade] = field(default_factory=dict)
    emitted: set[str] = field(default_factory=set)
    outcome_unknown: bool = False
    resubmitted: bool = False
    reason: str = ""

    @property
    def client_order_id(self) -> ClientOrderId:
        return self.order.client_order_id

    @property
    def venue_order_id(self) -> str | None:
        return None if self.state is None else self.state.venue_order_id

    @property
    def is_working(self) -> bool:
        """Sent and not final as far as the emitted events go."""
        return not self.order.is_terminal


class OrderRegistry:
    """Every order this adapter sent, by client order id and by venue order id."""

    def __init__(self) -> None:
        self._by_client: dict[ClientOrderId, Tracked] = {}
        self._by_venue: dict[str, Tracked] = {}
        self._seq = 0

    def next_seq(self) -> int:
        """The next submission number (shared with orders refused before sending)."""
        self._seq += 1
        return self._seq

    def __contains__(self, client_order_id: object) -> bool:
        return client_order_id in self._by_client

    def all(self) -> list[Tracked]:
        """Every tracked order, in submission order."""
        return list(self._by_client.values())

    def add(self, order: Order, symbol: str) -> Tracked:
        tracked = Tracked(copy_submitted(order), symbol, self.next_seq())
        self._by_client[order.client_order_id] = tracked
        return tracked

    def forget(self, client_order_id: ClientOrderId) -> None:
        """Drop an order that never left (its submit raised before sending)."""
        tracked = self._by_client.pop(client_order_id, None)
        if tracked is not None and tracked.venue_order_id is not None:
            self._by_venue.pop(tracked.venue_order_id, None)

    def get(self, client_order_id: ClientOrderId) -> Tracked | None:
        return self._by_client.get(client_order_id)

    def by_venue_id(self, venue_order_id: str) -> Tracked | None:
        return self._by_venue.get(venue_order_id)

    def find(self, state: VenueOrder) -> Tracked | None:
        """The tracked order a venue order is, by venue id or client id."""
        tracked = self._by_venue.get(state.venue_order_id)
        if tracked is None and state.client_order_id:
            tracked = self._by_client.get(ClientOrderId(state.client_order_id))
        return tracked

    def observe(self, tracked: Tracked, state: VenueOrder) -> None:
        """Record the venue's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        self._by_venue[state.venue_order_id] = tracked

    def add_trades(self, trades: Iterable[VenueTrade]) -> None:
        """Attach executions to their tracked orders (others' trades are ignored)."""
        for trade in trades:
            tracked = self._by_venue.get(trade.venue_order_id)
            if tracked is not None:
                tracked.trades.setdefault(trade.trade_id, trade)

    def working(self, symbol: str | None = None) -> list[Tracked]:
        """Tracked orders not final yet (of `symbol`, when given), in submission order."""
        return [
            t for t in self._by_client.values()
            if t.is_working and (symbol is None or t.symbol == symbol)
        ]  # fmt: skip


def advance(tracked: Tracked) -> list[OrderEvent]:
    """The events of `tracked` not emitted yet, applied to its copy, oldest first."""
    if tracked.state is None:
        return []
    fresh = []
    for event in derive_events(tracked.state, tracked.trades.values(), tracked.client_order_id):
        key = event_key(event)
        if key in tracked.emitted:
            continue
        tracked.emitted.add(key)
        try:
            tracked.order.apply(event)
        except DomainError as error:
            _log.warning(
                "venue event %s for %s not applicable: %s", key, tracked.client_order_id, error
            )
            continue
        fresh.append(event)
    return fresh


def in_time_order(batches: Iterable[tuple[Tracked, list[OrderEvent]]]) -> list[OrderEvent]:
    """Events of several orders merged oldest first; each order's own stay in order."""
    keyed: list[tuple[datetime, int, int, OrderEvent]] = []
    for tracked, events in batches:
        floor: datetime | None = None
        for position, event in enumerate(events):
            floor = event.ts if floor is None else max(floor, event.ts)
            keyed.append((floor, tracked.seq, position, event))
    keyed.sort(key=lambda item: item[:3])
    return [item[3] for item in keyed]
