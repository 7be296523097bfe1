"""Domain orders to ib_async `Order`s, and the capabilities the adapter declares.

Order types: MARKET -> `MKT`, LIMIT -> `LMT` (`lmtPrice`), STOP -> `STP` (`auxPrice`),
STOP_LIMIT -> `STP LMT` (`lmtPrice` and `auxPrice`). Time in force: GTC, DAY, IOC, FOK.
Quantities and prices travel as plain decimal text (never floats, never exponents).

`orderRef` carries our client order id and the order's creation instant in ms,
separated by a space (`"<client order id> <created ms>"`; a client order id has no
whitespace): TWS echoes `orderRef` in open orders, completed orders and executions, so
a restarted adapter finds its orders by it, and TWS reports no acceptance time of a
working order, so the instant the events are stamped with travels with the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from ib_async import Order as IbOrder

from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timestamps import ns_of
from tradewind.ports.capabilities import VenueCapability

__all__ = [
    "IB_ORDER_TYPES",
    "IB_TIME_IN_FORCE",
    "capabilities_of",
    "ib_order_for",
    "order_ref",
    "parse_order_ref",
    "wire_decimal",
]

IB_ORDER_TYPES = {
    OrderType.MARKET: "MKT",
    OrderType.LIMIT: "LMT",
    OrderType.STOP: "STP",
    OrderType.STOP_LIMIT: "STP LMT",
}
IB_TIME_IN_FORCE = {
    TimeInForce.GTC: "GTC",
    TimeInForce.DAY: "DAY",
    TimeInForce.IOC: "IOC",
    TimeInForce.FOK: "FOK",
}
_C = VenueCapability


def wire_decimal(value: Decimal) -> Decimal:
    """`value` without an exponent, so `str()` gives plain decimal text (`1E+2` -> `100`)."""
    return Decimal(format(value.normalize(), "f"))


def order_ref(client_order_id: str, created_at: datetime) -> str:
    """The `orderRef` of an order: its client order id and creation instant (ms)."""
    return f"{client_order_id} {ns_of(created_at) // 1_000_000}"


def parse_order_ref(ref: str) -> tuple[str, int | None]:
    """(client order id, created ms or None) of an `orderRef`; an orderRef without the
    instant (a foreign order) is all client order id."""
    text = (ref or "").strip()
    head, _, tail = text.partition(" ")
    if tail.isdigit():
        return head, int(tail)
    return text, None


def ib_order_for(order: Order, account: str, order_id: int = 0) -> IbOrder:
    """The ib_async `Order` for a domain order (capabilities already checked)."""
    ib = IbOrder(
        orderId=order_id,
        action="BUY" if order.side is OrderSide.BUY else "SELL",
        totalQuantity=wire_decimal(order.quantity),  # type: ignore[arg-type]
        orderType=IB_ORDER_TYPES[order.order_type],
        tif=IB_TIME_IN_FORCE[order.time_in_force],
        orderRef=order_ref(str(order.client_order_id), order.created_at),
        account=account,
        transmit=True,
    )
    if order.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT) and order.price is not None:
        ib.lmtPrice = wire_decimal(order.price)
    stop = order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    if stop and order.trigger_price is not None:
        ib.auxPrice = wire_decimal(order.trigger_price)
    return ib


def capabilities_of(instruments: Iterable[Instrument], *, modify: bool) -> frozenset[str]:
    """What the adapter declares for IB.

    Market, limit, stop and stop-limit orders; IOC, FOK and DAY; short selling (a margin
    account); partial fills (IB fills in several executions). Fractional when a traded
    contract's size increment is below one. Modify when the caller enabled it (IB's own:
    `placeOrder` again with the same order id). Never reduce-only (IB has no such flag
    for stocks and forex) and never `cancel_all` as one request: `reqGlobalCancel`
    cancels every order of the account, other clients' and manual ones included, so
    `cancel_all` cancels this adapter's orders one by one instead.
    """
    declared = {
        _C.MARKET, _C.LIMIT, _C.STOP, _C.STOP_LIMIT, _C.IOC, _C.FOK, _C.DAY, _C.SHORT,
        _C.PARTIAL_FILLS,
    }  # fmt: skip
    if any(i.lot_size < 1 for i in instruments):
        declared.add(_C.FRACTIONAL)
    if modify:
        declared.add(_C.MODIFY)
    return frozenset(c.value for c in declared)
