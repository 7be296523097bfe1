"""The orders this adapter sent, what Alpaca last said about each, and the events
already handed out (each exactly once, keyed by trade id or event type).

The adapter feeds every venue answer in (`observe`, `add_fills`); `advance` derives
the order's events (`chains.chain_events`: a modified order is a chain of replaced
Alpaca orders, `legs` then `state`), keeps those not emitted yet, applies them to the
adapter's own copy of the order and returns them for the event queue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderEvent
from tradewind.venues.alpaca.chains import chain_events
from tradewind.venues.alpaca.lifecycle import event_key
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder

__all__ = ["OrderRegistry", "Tracked", "advance", "in_time_order"]

_log = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)
class Tracked:
    """One order sent by this adapter.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its venue symbol.
        seq: submission sequence number (orders ties at one instant).
        state: what Alpaca last said about its current leg (None before any answer).
        legs: the Alpaca orders a replace superseded (final states), oldest first.
        fills: its executions seen so far, by trade (activity) id.
        emitted: keys of the events already handed out.
        outcome_unknown: the submit got no answer; Alpaca must be asked.
        resubmitted: the one resubmission after an unknown outcome was made.
        reason: why it was rejected, when it was.
    """

    order: Order
    symbol: str
    seq: int
    state: AlpacaOrder | None = None
    legs: list[AlpacaOrder] = field(default_factory=list)
    fills: dict[str, AlpacaFill] = field(default_factory=dict)
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
    def chain(self) -> list[AlpacaOrder]:
        """Every Alpaca order this one has been, oldest first (empty before an answer)."""
        return [] if self.state is None else [*self.legs, self.state]

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
        tracked = Tracked(order.submitted_copy(), symbol, self.next_seq())
        self._by_client[order.client_order_id] = tracked
        return tracked

    def forget(self, client_order_id: ClientOrderId) -> None:
        """Drop an order that never reached the venue."""
        tracked = self._by_client.pop(client_order_id, None)
        if tracked is not None and tracked.venue_order_id is not None:
            self._by_venue.pop(tracked.venue_order_id, None)

    def get(self, client_order_id: ClientOrderId) -> Tracked | None:
        return self._by_client.get(client_order_id)

    def find(self, state: AlpacaOrder) -> Tracked | None:
        """The tracked order a venue order is, by venue id or client id."""
        tracked = self._by_venue.get(state.venue_order_id)
        if tracked is None and state.client_order_id:
            tracked = self._by_client.get(ClientOrderId(state.client_order_id))
        return tracked

    def observe(self, tracked: Tracked, state: AlpacaOrder) -> None:
        """Record Alpaca's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        self._by_venue[state.venue_order_id] = tracked

    def add_fills(self, fills: Iterable[AlpacaFill]) -> None:
        """Attach executions to their tracked orders (others' fills are ignored)."""
        for fill in fills:
            tracked = self._by_venue.get(fill.venue_order_id)
            if tracked is not None:
                tracked.fills.setdefault(fill.trade_id, fill)

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
    for event in chain_events(tracked.chain, tracked.fills.values(), tracked.client_order_id):
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
