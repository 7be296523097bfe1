"""The orders this adapter sent (or found at TWS after a restart), what TWS last said
about each, and the events already handed out (each exactly once, keyed by trade id or
event type).

The adapter feeds every venue answer in (`observe`, `add_fills`); `advance` derives the
order's events (`lifecycle.derive_events`), keeps those not emitted yet, applies them to
the adapter's own copy of the order and returns them for the event queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderEvent
from tradewind.execution import order_registry as registry
from tradewind.execution.venue_events import event_key, hand_out
from tradewind.venues.ib.lifecycle import created_ms_of, derive_events
from tradewind.venues.ib.parsing import VenueFill, VenueOrder

__all__ = ["OrderRegistry", "Tracked", "advance", "order_key", "rank_of"]


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


class OrderRegistry(registry.OrderRegistry[Tracked]):
    """Every order of this adapter, by client order id."""

    def __init__(self) -> None:
        super().__init__(Tracked)

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

    def observe(self, tracked: Tracked, state: VenueOrder) -> None:
        """Record TWS's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        if state.order_id:
            tracked.order_id = state.order_id

    def add_fills(self, fills: Iterable[VenueFill]) -> None:
        """Attach executions to their tracked orders (others' are ignored)."""
        by_perm = {t.state.perm_id: t for t in self.all() if t.state and t.state.perm_id}
        for fill in fills:
            tracked = by_perm.get(fill.perm_id)
            if tracked is not None:
                tracked.fills.setdefault(fill.trade_id, fill)


def advance(tracked: Tracked, rejection: str = "") -> list[OrderEvent]:
    """The events of `tracked` not emitted yet, applied to its copy, oldest first."""
    if tracked.state is None:
        return []
    events = derive_events(
        tracked.state, tracked.fills.values(), tracked.client_order_id, rejection
    )
    return hand_out(tracked, events)


def rank_of(tracked: Tracked) -> tuple[int, int]:
    """How `in_time_order` ranks the order's events at one instant: by creation and
    permId, as the fill reports are."""
    return order_key(tracked.state) if tracked.state else (0, 0)
