"""The orders this adapter sent (or found at TWS after a restart), what TWS last said
about each, and the events already handed out (each exactly once, keyed by trade id or
event type).

The adapter feeds every venue answer in (`observe`, `add_fills`); `advance` derives the
order's events (`lifecycle.derive_events`), keeps those not emitted yet, applies them to
the adapter's own copy of the order and returns them for the event queue.
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
from tradewind.venues.ib.lifecycle import created_ms_of, derive_events, event_key
from tradewind.venues.ib.parsing import VenueFill, VenueOrder

__all__ = ["OrderRegistry", "Tracked", "advance", "in_time_order", "order_key"]

_log = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)
class Tracked:
    """One order of this adapter.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its venue symbol.
        seq: submission sequence number (orders ties at one instant).
        order_id: the API order id it was placed with (0 before placing).
        state: what TWS last said about it (None before any answer).
        fills: its executions seen so far, by trade id.
        emitted: keys of the events already handed out.
        outcome_unknown: the placement got no answer; TWS must be asked.
        resubmitted: the one placement after an unknown outcome was made.
        reason: why it was rejected, when it was.
    """

    order: Order
    symbol: str
    seq: int
    order_id: int = 0
    state: VenueOrder | None = None
    fills: dict[str, VenueFill] = field(default_factory=dict)
    emitted: set[str] = field(default_factory=set)
    outcome_unknown: bool = False
    resubmitted: bool = False
    reason: str = ""

    @property
    def client_order_id(self) -> ClientOrderId:
        return self.order.client_order_id

    @property
    def is_working(self) -> bool:
        """Sent and not final as far as the emitted events go."""
        return not self.order.is_terminal


def order_key(state: VenueOrder) -> tuple[int, int]:
    """How orders are told apart in time: creation instant, then TWS's permId."""
    return created_ms_of(state), state.perm_id


class OrderRegistry:
    """Every order of this adapter, by client order id."""

    def __init__(self) -> None:
        self._by_client: dict[ClientOrderId, Tracked] = {}
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

    def adopt(
        self, order: Order, symbol: str, state: VenueOrder, fills: Iterable[VenueFill]
    ) -> None:
        """Track an order found at TWS (placed before a restart): its events so far
        count as handed out (the caller reconciles them from the reports)."""
        tracked = self.add(order, symbol)
        tracked.order = order
        self.observe(tracked, state)
        self.add_fills(fills)
        tracked.emitted.update(
            event_key(e)
            for e in derive_events(state, tracked.fills.values(), order.client_order_id)
        )

    def forget(self, client_order_id: ClientOrderId) -> None:
        """Drop an order that never left (its submit failed before sending)."""
        self._by_client.pop(client_order_id, None)

    def get(self, client_order_id: ClientOrderId) -> Tracked | None:
        return self._by_client.get(client_order_id)

    def observe(self, tracked: Tracked, state: VenueOrder) -> None:
        """Record TWS's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        if state.order_id:
            tracked.order_id = state.order_id

    def add_fills(self, fills: Iterable[VenueFill]) -> None:
        """Attach executions to their tracked orders (others' are ignored)."""
        by_perm = {
            t.state.perm_id: t for t in self._by_client.values() if t.state and t.state.perm_id
        }
        for fill in fills:
            tracked = by_perm.get(fill.perm_id)
            if tracked is not None:
                tracked.fills.setdefault(fill.trade_id, fill)

    def working(self, symbol: str | None = None) -> list[Tracked]:
        """Tracked orders not final yet (of `symbol`, when given), in submission order."""
        return [
            t for t in self._by_client.values()
            if t.is_working and (symbol is None or t.symbol == symbol)
        ]  # fmt: skip


def advance(tracked: Tracked, rejection: str = "") -> list[OrderEvent]:
    """The events of `tracked` not emitted yet, applied to its copy, oldest first."""
    if tracked.state is None:
        return []
    fresh = []
    events = derive_events(
        tracked.state, tracked.fills.values(), tracked.client_order_id, rejection
    )
    for event in events:
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
    """Events of several orders merged oldest first (ties by creation and permId, as the
    fill reports are); each order's own stay in order."""
    keyed: list[tuple[datetime, tuple[int, int], int, OrderEvent]] = []
    for tracked, events in batches:
        floor: datetime | None = None
        rank = order_key(tracked.state) if tracked.state else (0, 0)
        for position, event in enumerate(events):
            floor = event.ts if floor is None else max(floor, event.ts)
            keyed.append((floor, rank, position, event))
    keyed.sort(key=lambda item: item[:3])
    return [item[3] for item in keyed]
