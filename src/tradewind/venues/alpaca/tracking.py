"""The orders this adapter sent, what Alpaca last said about each, and the events
already handed out (each exactly once, keyed by trade id or event type).

The adapter feeds every venue answer in (`observe`, `add_fills`); an order found
working at Alpaca when the adapter starts is `adopt`ed with its events so far counted
as handed out (the reports tell those), so only what happens next is emitted. `advance`
derives the order's events (`chains.chain_events`: a modified order is a chain of replaced
Alpaca orders, `legs` then `state`), keeps those not emitted yet, applies them to the
adapter's own copy of the order and returns them for the event queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderEvent
from tradewind.execution import order_registry as registry
from tradewind.execution.venue_events import event_key, hand_out
from tradewind.venues.alpaca.chains import chain_events
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder

__all__ = ["OrderRegistry", "Tracked", "advance"]


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


class OrderRegistry(registry.OrderRegistry[Tracked]):
    """Every order this adapter sent, by client order id and by venue order id."""

    def __init__(self) -> None:
        super().__init__(Tracked)

    def observe(self, tracked: Tracked, state: AlpacaOrder) -> None:
        """Record Alpaca's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        self.bind(state.venue_order_id, tracked)

    def adopt(
        self, order: Order, chain: Sequence[AlpacaOrder], fills: Iterable[AlpacaFill]
    ) -> Tracked:
        """Track one of our orders found working at Alpaca (sent before a restart).

        Args:
            order: the order its events so far build (`chains.rebuild`).
            chain: its Alpaca orders, oldest first (the last one working).
            fills: its executions so far; with its other events, they count as handed
                out, so only later ones are emitted.
        """
        tracked = self.track(Tracked(order=order, symbol=chain[-1].symbol, seq=self.next_seq()))
        tracked.legs = list(chain[:-1])
        for leg in tracked.legs:
            self.bind(leg.venue_order_id, tracked)
        self.observe(tracked, chain[-1])
        self.add_fills(fills)
        told = chain_events(tracked.chain, tracked.fills.values(), order.client_order_id)
        tracked.emitted.update(event_key(e) for e in told)
        return tracked

    def add_fills(self, fills: Iterable[AlpacaFill]) -> None:
        """Attach executions to their tracked orders (others' fills are ignored)."""
        self.attach(fills, lambda tracked: tracked.fills)


def advance(tracked: Tracked) -> list[OrderEvent]:
    """The events of `tracked` not emitted yet, applied to its copy, oldest first."""
    if tracked.state is None:
        return []
    events = chain_events(tracked.chain, tracked.fills.values(), tracked.client_order_id)
    return hand_out(tracked, events)
