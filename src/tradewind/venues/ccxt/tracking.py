"""The orders this adapter sent, what the venue last said about each, and the
events already handed out (each exactly once, keyed by trade id or event type).

The adapter feeds every venue answer in (`observe`, `add_trades`); `advance` derives
the order's events (`lifecycle.derive_events`), keeps those not emitted yet, applies
them to the adapter's own copy of the order and returns them for the event queue.

A modify is a cancel-replace at the venue (Binance): one client order is then several
venue orders ("legs"), oldest first, each replaced one canceled, all under our client
order id. `chain_events` tells them as one order: accepted once, every leg's fills
(each with its own venue order id), and the last leg's end; `merged_order` gives the
terms the chain stands for (the replaced legs' fills plus the last leg's quantity).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
)
from tradewind.execution import order_registry as registry
from tradewind.execution.venue_events import hand_out
from tradewind.venues.ccxt.lifecycle import derive_events
from tradewind.venues.ccxt.parsing import VenueOrder, VenueTrade

__all__ = [
    "OrderRegistry",
    "Tracked",
    "advance",
    "chain_events",
    "merged_order",
]


@dataclass(slots=True, eq=False)
class Tracked:
    """One order sent by this adapter.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its venue symbol.
        seq: submission sequence number (orders ties at one instant).
        state: what the venue last said about it (None before any answer); after a
            modify, about the replacement.
        legs: the venue orders a modify replaced (final states), oldest first.
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
    legs: list[VenueOrder] = field(default_factory=list)
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
    def first_created_ms(self) -> int | None:
        """When the venue created its first order for this one (None before any answer)."""
        first = self.legs[0] if self.legs else self.state
        return None if first is None else first.created_ms

    @property
    def replaced_filled(self) -> Decimal:
        """What the replaced legs filled at the venue."""
        return sum((leg.filled for leg in self.legs), Decimal(0))

    @property
    def is_working(self) -> bool:
        """Sent and not final as far as the emitted events go."""
        return not self.order.is_terminal


class OrderRegistry(registry.OrderRegistry[Tracked]):
    """Every order this adapter sent, by client order id and by venue order id."""

    def __init__(self) -> None:
        super().__init__(Tracked)

    def observe(self, tracked: Tracked, state: VenueOrder) -> None:
        """Record the venue's latest view of a tracked order."""
        tracked.state = state
        tracked.outcome_unknown = False
        self.bind(state.venue_order_id, tracked)

    def add_trades(self, trades: Iterable[VenueTrade]) -> None:
        """Attach executions to their tracked orders (others' trades are ignored)."""
        self.attach(trades, lambda tracked: tracked.trades)


def advance(tracked: Tracked) -> list[OrderEvent]:
    """The events of `tracked` not emitted yet, applied to its copy, oldest first."""
    if tracked.state is None:
        return []
    legs = [*tracked.legs, tracked.state]
    return hand_out(tracked, chain_events(legs, tracked.trades.values(), tracked.client_order_id))


def chain_events(
    legs: Sequence[VenueOrder], trades: Iterable[VenueTrade], client_order_id: ClientOrderId
) -> list[OrderEvent]:
    """The events of one client order held at the venue as `legs` (oldest first).

    Accepted once (with the first leg's venue id), the fills of every leg, and the last
    leg's cancel or expiry, held back until every leg's fills are visible.
    """
    trades = list(trades)
    events: list[OrderEvent] = []
    complete = True
    for index, leg in enumerate(legs):
        last = index == len(legs) - 1
        for event in derive_events(leg, trades, client_order_id):
            if index > 0 and isinstance(event, OrderAccepted):
                continue
            if isinstance(event, (OrderCanceled, OrderExpired)) and not (last and complete):
                continue
            events.append(event)
        seen = sum((t.quantity for t in trades if t.venue_order_id == leg.venue_order_id),
                   Decimal(0))  # fmt: skip
        complete = complete and (last or seen >= leg.filled)
    return events


def merged_order(legs: Sequence[VenueOrder]) -> VenueOrder:
    """The one order `legs` stand for: the last leg's terms and status, created with the
    first, its quantity and filled amount counting what the replaced legs filled."""
    first, last = legs[0], legs[-1]
    before = sum((leg.filled for leg in legs[:-1]), Decimal(0))
    return replace(
        last,
        venue_order_id=first.venue_order_id,
        created_ms=first.created_ms,
        quantity=before + last.quantity,
        filled=before + last.filled,
    )
