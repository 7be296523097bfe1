"""The orders a live venue adapter sent, by client order id and by venue order id.

Every adapter keeps one record per order it sent (its own copy of the `Order`, the venue
symbol, a submission number and what the venue last said); the record type is the
adapter's own and only needs the fields of `TrackedOrder`. `OrderRegistry` indexes
those records, numbers submissions (orders refused before sending take a number too,
so ties at one instant sort as they were submitted) and tells which are still working.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping
from typing import Generic, Protocol, TypeVar

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order

__all__ = ["Execution", "OrderIds", "OrderRegistry", "TrackedOrder"]


class TrackedOrder(Protocol):
    """What the registry (and `polling_venue.PollingVenue`) needs of an adapter's record.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its venue symbol ("" for an order refused before it had one).
        seq: submission sequence number.
        outcome_unknown: the submit got no answer; the venue must be asked.
        reason: why it was rejected or canceled, when it was.
    """

    order: Order
    symbol: str
    seq: int
    outcome_unknown: bool
    reason: str


class OrderIds(Protocol):
    """A venue's order record, as far as finding its tracked order goes."""

    @property
    def venue_order_id(self) -> str: ...

    @property
    def client_order_id(self) -> str | None:
        """Our client order id as the venue echoes it (empty or None without one)."""
        ...


class Execution(Protocol):
    """A venue's execution (trade, fill) record, as far as attaching it goes."""

    @property
    def venue_order_id(self) -> str: ...

    @property
    def trade_id(self) -> str: ...


T = TypeVar("T", bound=TrackedOrder)
E = TypeVar("E", bound=Execution)


class OrderRegistry(Generic[T]):
    """Tracked orders by client order id (in submission order) and by venue order id.

    Args:
        make: builds a record from (a SUBMITTED copy of the order, venue symbol, seq);
            the record class itself, usually.
    """

    def __init__(self, make: Callable[[Order, str, int], T]) -> None:
        self._make = make
        self._by_client: dict[ClientOrderId, T] = {}
        self._by_venue: dict[str, T] = {}
        self._seq = 0

    def next_seq(self) -> int:
        """The next submission number (shared with orders refused before sending)."""
        self._seq += 1
        return self._seq

    def __contains__(self, client_order_id: object) -> bool:
        return client_order_id in self._by_client

    def all(self) -> list[T]:
        """Every tracked order, in submission order."""
        return list(self._by_client.values())

    def add(self, order: Order, symbol: str) -> T:
        """Track an order about to be sent (a SUBMITTED copy of it)."""
        return self.track(self.detached(order, symbol))

    def detached(self, order: Order, symbol: str = "") -> T:
        """A numbered record of `order` (a SUBMITTED copy) that is not tracked: for an
        order refused before it was sent."""
        return self._make(order.submitted_copy(), symbol, self.next_seq())

    def track(self, tracked: T) -> T:
        """Track a record built elsewhere (an order found at the venue), as it is."""
        self._by_client[tracked.order.client_order_id] = tracked
        return tracked

    def bind(self, venue_order_id: str, tracked: T) -> None:
        """Index `tracked` under one of its venue order ids."""
        self._by_venue[venue_order_id] = tracked

    def forget(self, client_order_id: ClientOrderId) -> None:
        """Drop an order that never reached the venue (its submit failed before sending),
        with every venue order id it was indexed under."""
        tracked = self._by_client.pop(client_order_id, None)
        if tracked is None:
            return
        for venue_order_id in [v for v, t in self._by_venue.items() if t is tracked]:
            del self._by_venue[venue_order_id]

    def get(self, client_order_id: ClientOrderId) -> T | None:
        return self._by_client.get(client_order_id)

    def by_venue_id(self, venue_order_id: str) -> T | None:
        return self._by_venue.get(venue_order_id)

    def find(self, state: OrderIds) -> T | None:
        """The tracked order a venue order is, by venue id, else by client id."""
        tracked = self._by_venue.get(state.venue_order_id)
        if tracked is None and state.client_order_id:
            tracked = self._by_client.get(ClientOrderId(state.client_order_id))
        return tracked

    def attach(self, executions: Iterable[E], book: Callable[[T], MutableMapping[str, E]]) -> None:
        """Put each execution into `book(tracked)` of its order (found by venue order id),
        keyed by trade id, the first copy kept; executions of other orders are ignored."""
        for execution in executions:
            tracked = self._by_venue.get(execution.venue_order_id)
            if tracked is not None:
                book(tracked).setdefault(execution.trade_id, execution)

    def working(self, symbol: str | None = None) -> list[T]:
        """Tracked orders not final yet (of `symbol`, when given), in submission order."""
        return [
            t for t in self.all()
            if not t.order.is_terminal and (symbol is None or t.symbol == symbol)
        ]  # fmt: skip
