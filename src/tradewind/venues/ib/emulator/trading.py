"""Order requests: placeOrder (new or modify), cancelOrder, reqGlobalCancel.

Errors as TWS sends them, addressed to the orderId: 200 no security definition, 201 order
rejected (with the reason), 103 duplicate order id, 202 order cancelled, 10147 cancel of
an unknown order, 10148 cancel of a finished order, 321 refused modification (the order
stays as it was).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from tradewind.venues.emulation import (
    NewOrder,
    Order,
    OrderRejectedError,
    OrderStatus,
    RejectReason,
)
from tradewind.venues.ib.emulator.core import NO_SECURITY, ClientState, Core, Reply
from tradewind.venues.ib.emulator.messages import open_order, order_status
from tradewind.venues.ib.emulator.orders import (
    IbIdentity,
    PlaceOrderRequest,
    UnsupportedOrderError,
    parse_place_order,
    to_new_order,
)
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = ["cancel_order", "global_cancel", "place_order"]

_REJECTED = "Order rejected - reason:"


def place_order(
    core: Core, client: ClientState, fields: Sequence[str], *, reject: bool, duplicate_ack: bool
) -> Reply:
    """A new order, or a modification when the (clientId, orderId) order is working."""
    request = parse_place_order(fields)
    reply = Reply(client.client_id)
    oid = request.order_id
    contracts = core.find(request.contract)
    if not contracts:
        return reply.error(oid, 200, NO_SECURITY)
    if reject:
        return reply.error(oid, 201, f"{_REJECTED}emulated rejection (fault injection)")
    refusal = _unsupported(request)
    if refusal:
        return reply.error(oid, 201, f"{_REJECTED}{refusal}")
    identity = IbIdentity(client.client_id, oid, request.order_ref)
    try:
        new = to_new_order(request, contracts[0].market_symbol, identity)
    except UnsupportedOrderError as exc:
        return reply.error(oid, 201, f"{_REJECTED}{exc}")
    existing = core.book.latest(client.client_id, oid)
    if existing is not None and not existing.status.is_open:
        return reply.error(oid, 103, "Duplicate order id")
    with core.market.atomic():
        if existing is not None:
            return _modify(core, reply, oid, existing, new)
        try:
            placement = core.market.place_order(core.account, new)
        except OrderRejectedError as exc:
            return _rejected(reply, oid, exc)
        _acknowledge(core, reply, placement.order, duplicate_ack=duplicate_ack)
        return reply.extend(core.book.sync())


def _unsupported(request: PlaceOrderRequest) -> str | None:
    if request.what_if:
        return "what-if orders are not emulated"
    if not request.transmit:
        return "orders held in TWS (transmit=False) are not emulated"
    if request.parent_id:
        return "attached (bracket) orders are not emulated"
    return None


def _rejected(reply: Reply, order_id: int, exc: OrderRejectedError) -> Reply:
    if exc.reason is RejectReason.UNKNOWN_SYMBOL:
        return reply.error(order_id, 200, NO_SECURITY)
    return reply.error(order_id, 201, f"{_REJECTED}{exc}")


def _acknowledge(core: Core, reply: Reply, order: Order, *, duplicate_ack: bool) -> None:
    """openOrder + orderStatus of the order as it was accepted, before any fill."""
    accepted = dataclasses.replace(
        order,
        status=OrderStatus.NEW,
        executed_qty=order.executed_qty * 0,
        cumulative_quote=order.cumulative_quote * 0,
    )
    view = core.book.view(accepted)
    reply.send(open_order(view)).send(order_status(view))
    if duplicate_ack:
        reply.send(order_status(view))
    core.book.mark_reported(accepted)


def _modify(core: Core, reply: Reply, oid: int, existing: Order, new: NewOrder) -> Reply:
    if existing.executed_qty > 0:
        return reply.error(
            oid, 321, "Error validating request: modifying a partly filled order is not emulated"
        )
    canceled = core.market.cancel_order(core.account, existing.symbol, existing.order_id)
    core.book.mark_reported(canceled)
    try:
        placement = core.market.place_order(core.account, new)
    except OrderRejectedError as exc:
        core.market.place_order(core.account, _again(existing))
        core.book.sync()
        return reply.error(oid, 321, f"Error validating request: modification refused: {exc}")
    _acknowledge(core, reply, placement.order, duplicate_ack=False)
    return reply.extend(core.book.sync())


def _again(order: Order) -> NewOrder:
    return NewOrder(
        symbol=order.symbol,
        side=order.side,
        order_type=order.order_type,
        qty=order.qty,
        price=order.price,
        stop_price=order.stop_price,
        tif=order.tif,
        client_order_id=order.client_order_id,
    )


def cancel_order(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """cancelOrder: orderStatus Cancelled and error 202, or 10147 / 10148."""
    reader = FieldReader(fields, start=2)
    order_id = reader.integer()
    reply = Reply(client.client_id)
    with core.market.atomic():
        order = core.book.latest(client.client_id, order_id)
        if order is None:
            return reply.error(
                order_id, 10147, f"OrderId {order_id} that needs to be cancelled is not found."
            )
        if not order.status.is_open:
            state = core.book.view(order).status
            return reply.error(
                order_id,
                10148,
                f"OrderId {order_id} that needs to be cancelled cannot be cancelled, state: "
                f"{state}.",
            )
        core.market.cancel_order(core.account, order.symbol, order.order_id)
        reply.extend(core.book.sync())
        return reply.error(order_id, 202, "Order Canceled - reason:")


def global_cancel(core: Core, client: ClientState) -> Reply:
    """reqGlobalCancel: every working order of the account, whichever client placed it."""
    reply = Reply(client.client_id)
    with core.market.atomic():
        canceled = [
            core.market.cancel_order(core.account, o.symbol, o.order_id)
            for o in core.book.orders()
            if o.status.is_open
        ]
        reply.extend(core.book.sync())
        for order in canceled:
            identity = core.book.view(order).identity
            owner = Reply(identity.client_id).error(
                identity.order_id, 202, "Order Canceled - reason:"
            )
            reply.extend(owner.events)
    return reply
