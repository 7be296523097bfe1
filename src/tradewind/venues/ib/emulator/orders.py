"""IB orders over the emulated market: the placeOrder request, its market order, its status.

The IB identity of an order (API clientId, orderId and orderRef) is kept in the market
order's client order id as `ib/<clientId>/<orderId>/<orderRef>`, so it survives a state
save and restore; the permId is the market's order id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tradewind.venues.emulation import NewOrder, Order, OrderStatus, OrderType, Side, TimeInForce
from tradewind.venues.ib.emulator.contracts import ContractQuery, parse_contract
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = [
    "IbIdentity",
    "PlaceOrderRequest",
    "UnsupportedOrderError",
    "ib_commission",
    "ib_status",
    "identity_of",
    "parse_place_order",
    "to_new_order",
]

_ORDER_TYPES = {
    "MKT": OrderType.MARKET,
    "LMT": OrderType.LIMIT,
    "STP": OrderType.STOP,
    "STP LMT": OrderType.STOP_LIMIT,
    "STPLMT": OrderType.STOP_LIMIT,
}
_TIFS = {
    "": TimeInForce.DAY,
    "DAY": TimeInForce.DAY,
    "GTC": TimeInForce.GTC,
    "IOC": TimeInForce.IOC,
    "FOK": TimeInForce.FOK,
}
_PREFIX = "ib/"
_CENT = Decimal("0.01")


class UnsupportedOrderError(ValueError):
    """An order the emulator does not take; the message is TWS's rejection reason."""


@dataclass(frozen=True, slots=True)
class PlaceOrderRequest:
    """The fields of a placeOrder message the emulator uses."""

    order_id: int
    contract: ContractQuery
    action: str
    total_quantity: Decimal | None
    order_type: str
    lmt_price: Decimal | None
    aux_price: Decimal | None
    tif: str
    account: str
    order_ref: str
    transmit: bool
    parent_id: int
    outside_rth: bool
    what_if: bool


def parse_place_order(fields: Sequence[str]) -> PlaceOrderRequest:
    """placeOrder (id 3) as ib_async 2.1.0 writes it at server version 178."""
    reader = FieldReader(fields, start=1)
    order_id = reader.integer()
    contract = parse_contract(reader)
    reader.skip(2)  # secIdType, secId
    action = reader.text().upper()
    quantity = reader.decimal()
    order_type = reader.text().upper()
    lmt, aux = reader.decimal(), reader.decimal()
    tif = reader.text().upper()
    reader.skip(1)  # ocaGroup
    account = reader.text()
    reader.skip(2)  # openClose, origin
    order_ref = reader.text()
    transmit = reader.flag()
    parent_id = reader.integer()
    reader.skip(4)  # blockOrder, sweepToFill, displaySize, triggerMethod
    outside_rth = reader.flag()
    return PlaceOrderRequest(
        order_id, contract, action, quantity, order_type, lmt, aux, tif, account,
        order_ref, transmit, parent_id, outside_rth, _what_if(fields, reader, contract),
    )  # fmt: skip


def _what_if(fields: Sequence[str], reader: FieldReader, contract: ContractQuery) -> bool:
    """Walk the variable tail of placeOrder (non-combo orders) up to the whatIf flag."""
    if contract.sec_type.upper() == "BAG":
        return False
    reader.skip(1)  # hidden
    reader.skip(7)  # "", discretionaryAmt, goodAfterTime, goodTillDate, faGroup/Method/Pct
    reader.skip(24)  # modelCode ... deltaNeutralOrderType, deltaNeutralAuxPrice
    if fields[reader.position - 2 : reader.position - 1] not in ([""], []):
        reader.skip(8)  # delta-neutral order fields
    reader.skip(6)  # continuousUpdate ... scaleSubsLevelSize
    increment = reader.decimal()
    if increment is not None and increment > 0:
        reader.skip(7)
    reader.skip(3)  # scaleTable, activeStartTime, activeStopTime
    if reader.text():  # hedgeType
        reader.skip(1)
    reader.skip(4)  # optOutSmartRouting, clearingAccount, clearingIntent, notHeld
    if reader.flag():  # delta-neutral contract
        reader.skip(3)
    if reader.text():  # algoStrategy
        reader.skip(2 * reader.integer())
    reader.skip(1)  # algoId
    return reader.flag()


@dataclass(frozen=True, slots=True)
class IbIdentity:
    """Who placed a market order through the API: (clientId, orderId) and its orderRef."""

    client_id: int
    order_id: int
    order_ref: str

    def client_order_id(self) -> str:
        return f"{_PREFIX}{self.client_id}/{self.order_id}/{self.order_ref}"


def identity_of(order: Order) -> IbIdentity:
    """The IB identity of a market order (orders placed otherwise: clientId 0, orderId 0)."""
    text = order.client_order_id
    if text.startswith(_PREFIX):
        client, order_id, ref = text[len(_PREFIX) :].split("/", 2)
        return IbIdentity(int(client), int(order_id), ref)
    return IbIdentity(0, 0, text)


def to_new_order(request: PlaceOrderRequest, market_symbol: str, identity: IbIdentity) -> NewOrder:
    """The market order of a placeOrder request; raises UnsupportedOrderError."""
    order_type = _ORDER_TYPES.get(request.order_type)
    if order_type is None:
        raise UnsupportedOrderError(f"order type {request.order_type!r} is not supported")
    tif = _TIFS.get(request.tif)
    if tif is None:
        raise UnsupportedOrderError(f"time in force {request.tif!r} is not supported")
    if request.action not in ("BUY", "SELL"):
        raise UnsupportedOrderError(f"action {request.action!r}: expected BUY or SELL")
    if request.total_quantity is None or request.total_quantity <= 0:
        raise UnsupportedOrderError("The order size must be greater than zero")
    needs_limit = order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
    needs_stop = order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    if needs_limit and request.lmt_price is None:
        raise UnsupportedOrderError("limit price is missing")
    if needs_stop and request.aux_price is None:
        raise UnsupportedOrderError("stop price (auxPrice) is missing")
    return NewOrder(
        symbol=market_symbol,
        side=Side.BUY if request.action == "BUY" else Side.SELL,
        order_type=order_type,
        qty=request.total_quantity,
        price=request.lmt_price if needs_limit else None,
        stop_price=request.aux_price if needs_stop else None,
        tif=tif,
        client_order_id=identity.client_order_id(),
    )


def ib_status(order: Order, *, market_open: bool, triggered: bool) -> str:
    """The TWS status of a market order.

    Working orders are Submitted, except stops not yet triggered and orders waiting for
    the market to open (PreSubmitted); expired orders (IOC rest, DAY at the close) are
    Cancelled; refused ones Inactive.
    """
    if order.status is OrderStatus.FILLED:
        return "Filled"
    if order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
        return "Cancelled"
    if order.status is OrderStatus.REJECTED:
        return "Inactive"
    stop = order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    if (stop and not triggered) or (not market_open and order.executed_qty == 0):
        return "PreSubmitted"
    return "Submitted"


def ib_commission(*, is_forex: bool, qty: Decimal, price: Decimal) -> Decimal:
    """IB's fixed pricing per execution: stocks USD 0.005/share, min USD 1, max 1% of the
    trade value; forex 0.2 bps of the value, min USD 2 (in the quote currency, USD)."""
    value = abs(qty * price)
    if is_forex:
        fee = max(Decimal(2), value * Decimal("0.00002"))
    else:
        fee = min(max(Decimal(1), abs(qty) * Decimal("0.005")), value * Decimal("0.01"))
    return fee.quantize(_CENT, rounding=ROUND_HALF_UP)
