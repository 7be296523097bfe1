"""Orders to alpaca-py order requests, and the capabilities the adapter declares.

Quantities and prices travel as alpaca-py's request models take them (floats, whose
shortest text is the decimal one for Alpaca's 9-decimal quantities and 2- or 4-decimal
prices). The client order id travels as Alpaca's `client_order_id` with this adapter's
prefix (`client_ids`), so an order whose answer was lost is found again by it
(`GET /v2/orders:by_client_order_id`) and a restarted adapter knows it for its own.
"""

from __future__ import annotations

from decimal import Decimal

from alpaca.trading.enums import OrderSide as AlpacaSide
from alpaca.trading.enums import TimeInForce as AlpacaTif
from alpaca.trading.requests import (
    LimitOrderRequest,
    MarketOrderRequest,
    OrderRequest,
    ReplaceOrderRequest,
    StopLimitOrderRequest,
    StopOrderRequest,
)

from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.venue_errors import VenueError
from tradewind.ports.execution import VenueCapability
from tradewind.venues.alpaca.client_ids import wire_client_id

__all__ = ["capabilities_of", "order_request", "replace_request"]

_TIF = {
    TimeInForce.DAY: AlpacaTif.DAY,
    TimeInForce.GTC: AlpacaTif.GTC,
    TimeInForce.IOC: AlpacaTif.IOC,
    TimeInForce.FOK: AlpacaTif.FOK,
}
_BASE = frozenset(
    {
        VenueCapability.MARKET,
        VenueCapability.LIMIT,
        VenueCapability.STOP,
        VenueCapability.STOP_LIMIT,
        VenueCapability.DAY,
        VenueCapability.IOC,
        VenueCapability.FOK,
        VenueCapability.PARTIAL_FILLS,
        VenueCapability.MODIFY,
    }
)


def capabilities_of(*, shortable: bool, fractional: bool) -> frozenset[str]:
    """What the adapter declares on Alpaca.

    Always market, limit, stop, stop-limit, DAY / IOC / FOK (GTC is the default),
    partial fills and modify (Alpaca's replace, followed as one order: see `chains`).
    `short` when the account may short and every symbol is shortable; `fractional`
    when fractions are configured and a symbol is fractionable. Never `cancel_all`
    (Alpaca's `DELETE /v2/orders` cancels every symbol, so `cancel_all` cancels order
    by order) or `reduce_only`.
    """
    declared = {c.value for c in _BASE}
    if shortable:
        declared.add(VenueCapability.SHORT.value)
    if fractional:
        declared.add(VenueCapability.FRACTIONAL.value)
    return frozenset(declared)


def order_request(order: Order, symbol: str) -> OrderRequest:
    """The alpaca-py request that places `order` (simple order class, regular hours).

    Raises:
        VenueError: a time in force Alpaca does not take.
    """
    tif = _TIF.get(order.time_in_force)
    if tif is None:
        raise VenueError(
            f"order {order.client_order_id}: time in force {order.time_in_force.value} is not "
            "one of day, gtc, ioc, fok at Alpaca"
        )
    common = {
        "symbol": symbol,
        "qty": float(order.quantity),
        "side": AlpacaSide.BUY if order.side is OrderSide.BUY else AlpacaSide.SELL,
        "time_in_force": tif,
        "client_order_id": wire_client_id(str(order.client_order_id)),
        "extended_hours": False,
    }
    if order.order_type is OrderType.MARKET:
        return MarketOrderRequest(**common)
    if order.order_type is OrderType.LIMIT:
        return LimitOrderRequest(limit_price=_float(order.price, order, "price"), **common)
    trigger = _float(order.trigger_price, order, "trigger_price")
    if order.order_type is OrderType.STOP:
        return StopOrderRequest(stop_price=trigger, **common)
    return StopLimitOrderRequest(
        stop_price=trigger, limit_price=_float(order.price, order, "price"), **common
    )


def replace_request(
    remaining: Decimal | None,
    price: Decimal | None,
    trigger_price: Decimal | None,
    client_order_id: str | None,
) -> ReplaceOrderRequest:
    """The body of `PATCH /v2/orders/{id}`: the new order's quantity (the unfilled rest;
    None keeps Alpaca's default, the old order's unfilled rest), its limit and stop
    prices (None for a type without one) and its own client order id.

    Raises:
        VenueError: a fractional `remaining` (alpaca-py's replace takes whole shares).
    """
    if remaining is not None and remaining % 1 != 0:
        raise VenueError(
            f"invalid quantity {remaining} for a replace: Alpaca replaces whole shares only"
        )
    return ReplaceOrderRequest(
        qty=None if remaining is None else int(remaining),
        limit_price=None if price is None else float(str(price)),
        stop_price=None if trigger_price is None else float(str(trigger_price)),
        client_order_id=client_order_id,
    )


def _float(value: object, order: Order, name: str) -> float:
    if value is None:
        raise VenueError(f"order {order.client_order_id}: {name} is missing")
    return float(str(value))
