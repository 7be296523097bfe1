"""One of our orders held at Alpaca as a chain of replaced orders, told as one order.

Alpaca's replace (`PATCH /v2/orders/{id}`) makes a new order with its own id and
client order id that `replaces` the old one, which becomes `replaced` (`replaced_by`).
A modified order is therefore several Alpaca orders ("legs"), oldest first, all under
the first leg's client order id (ours). `chain_events` tells the chain as one order:
accepted once, every leg's fills, an `OrderUpdated` where each replacement starts
(its total counts what the replaced legs filled), and the last leg's end, held back
until every leg's fills are visible. Polling and the reports derive the same events,
so the reports equal what the events said, also after a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderRejected,
    OrderUpdated,
)
from tradewind.domain.timestamps import ns_of
from tradewind.venues.alpaca.lifecycle import derive_events, instant, replay
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder

__all__ = ["MAX_CHAIN_LEGS", "chain_events", "client_id_of", "rebuild", "replacement_chains"]

MAX_CHAIN_LEGS = 1_000
"""Replacements followed at most for one order (a guard against a link cycle)."""


def client_id_of(chain: Sequence[AlpacaOrder]) -> ClientOrderId:
    """The client order id a chain goes by: its first leg's (Alpaca's id without one)."""
    first = chain[0]
    return ClientOrderId(first.client_order_id or f"venue-{first.venue_order_id}")


def chain_events(
    legs: Sequence[AlpacaOrder], fills: Iterable[AlpacaFill], client_order_id: ClientOrderId
) -> list[OrderEvent]:
    """The events of one client order held at Alpaca as `legs` (oldest first).

    `fills` may hold other orders' fills; each leg counts only its own.
    """
    fills = list(fills)
    events: list[OrderEvent] = []
    complete, filled_before, last_ms = True, Decimal(0), legs[0].created_ms
    for index, leg in enumerate(legs):
        last = index == len(legs) - 1
        if index > 0:
            last_ms = max(last_ms, leg.created_ms)
            events.append(_update(leg, filled_before, last_ms, client_order_id))
        for event in derive_events(leg, fills, client_order_id):
            if index > 0 and isinstance(event, OrderAccepted):
                continue
            if isinstance(event, OrderRejected) and index > 0:
                event = OrderCanceled(
                    client_order_id=client_order_id,
                    ts=max(event.ts, instant(last_ms)),
                    reason="replacement rejected by Alpaca",
                )
            if _is_end(event) and not (last and complete and leg.replaced_by is None):
                continue
            events.append(event)
            last_ms = max(last_ms, ns_of(event.ts) // 1_000_000)
        seen = sum((f.quantity for f in fills if f.venue_order_id == leg.venue_order_id),
                   Decimal(0))  # fmt: skip
        complete = complete and (last or seen >= leg.filled)
        filled_before += leg.filled
    return events


def _update(
    leg: AlpacaOrder, filled_before: Decimal, ts_ms: int, client_order_id: ClientOrderId
) -> OrderUpdated:
    return OrderUpdated(
        client_order_id=client_order_id,
        ts=instant(ts_ms),
        quantity=filled_before + leg.quantity,
        price=leg.price,
        trigger_price=leg.trigger_price,
    )


def _is_end(event: OrderEvent) -> bool:
    return isinstance(event, (OrderCanceled, OrderExpired, OrderRejected))


def rebuild(
    chain: Sequence[AlpacaOrder],
    fills: Iterable[AlpacaFill],
    instrument_id: InstrumentId,
    client_order_id: ClientOrderId | None = None,
) -> Order:
    """The `Order` a chain's events build from its first leg's terms.

    Raises:
        VenueError: terms or events the domain refuses (named).
    """
    coid = client_order_id or client_id_of(chain)
    return replay(chain[0], chain_events(chain, fills, coid), instrument_id, coid)


def replacement_chains(
    orders: Iterable[AlpacaOrder], fetch: Callable[[str], AlpacaOrder | None]
) -> list[list[AlpacaOrder]]:
    """`orders` grouped into replacement chains, oldest first by their first leg.

    A replaced order missing from `orders` (placed before the window read) is fetched
    by id, so a chain always starts at the order we sent.
    """
    by_id = {o.venue_order_id: o for o in orders}
    pending = [o.replaces for o in by_id.values() if o.replaces and o.replaces not in by_id]
    for _ in range(MAX_CHAIN_LEGS):
        if not pending:
            break
        vid = pending.pop()
        if vid in by_id:
            continue
        found = fetch(vid)
        if found is not None:
            by_id[found.venue_order_id] = found
            if found.replaces and found.replaces not in by_id:
                pending.append(found.replaces)
    successor: dict[str, AlpacaOrder] = {}
    for order in by_id.values():
        if order.replaces in by_id:
            successor[order.replaces or ""] = order
    for order in by_id.values():
        if order.replaced_by in by_id and order.venue_order_id not in successor:
            successor[order.venue_order_id] = by_id[order.replaced_by or ""]
    followers = {o.venue_order_id for o in successor.values()}
    chains = []
    for root in sorted(by_id.values(), key=lambda o: (o.created_ms, o.venue_order_id)):
        if root.venue_order_id in followers:
            continue
        chain, seen = [root], {root.venue_order_id}
        while chain[-1].venue_order_id in successor and len(chain) < MAX_CHAIN_LEGS:
            nxt = successor[chain[-1].venue_order_id]
            if nxt.venue_order_id in seen:
                break
            chain.append(nxt)
            seen.add(nxt.venue_order_id)
        chains.append(chain)
    return chains
