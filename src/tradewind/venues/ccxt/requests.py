"""Domain orders to ccxt `create_order` arguments, and the capabilities that follow.

Quantities and prices travel as decimal strings (ccxt rounds strings exactly; a float
could be truncated one step down). The client order id goes in the exchange's own
parameter (`newClientOrderId` for binance, `clientOrderId` otherwise). A stop-limit is
a limit with a trigger: binance calls it STOP_LOSS_LIMIT when the trigger is on the
losing side of the market (a sell below it, a buy above it) and TAKE_PROFIT_LIMIT
otherwise, so the side of the last price decides which parameter ccxt gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.ports.capabilities import VenueCapability

__all__ = ["CreateOrder", "capabilities_of", "client_id_param", "create_order_request"]

_C = VenueCapability
_TIF = {TimeInForce.GTC: "GTC", TimeInForce.IOC: "IOC", TimeInForce.FOK: "FOK"}


@dataclass(frozen=True, slots=True)
class CreateOrder:
    """The arguments of one `exchange.create_order` call."""

    symbol: str
    type: str
    side: str
    amount: str
    price: str | None
    params: dict[str, Any]


def client_id_param(exchange_id: str) -> str:
    """The create-order parameter carrying our client order id."""
    return "newClientOrderId" if exchange_id.startswith("binance") else "clientOrderId"


def create_order_request(
    order: Order, symbol: str, exchange_id: str, last_price: Decimal | None = None
) -> CreateOrder:
    """The `create_order` arguments for `order` (capabilities already checked)."""
    params: dict[str, Any] = {client_id_param(exchange_id): str(order.client_order_id)}
    kind = "market" if order.order_type in (OrderType.MARKET, OrderType.STOP) else "limit"
    if kind == "limit" and order.time_in_force in _TIF:
        params["timeInForce"] = _TIF[order.time_in_force]
    trigger = order.trigger_price
    if trigger is not None:
        params[_trigger_param(order.side, trigger, last_price)] = _text(trigger)
    price = _text(order.price) if kind == "limit" and order.price is not None else None
    return CreateOrder(symbol, kind, order.side.value, _text(order.quantity), price, params)


def _trigger_param(side: OrderSide, trigger: Decimal, last_price: Decimal | None) -> str:
    if last_price is None:
        return "stopLossPrice"
    losing_side = trigger < last_price if side is OrderSide.SELL else trigger > last_price
    return "stopLossPrice" if losing_side else "takeProfitPrice"


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# What an exchange's ccxt class claims but its venue does not do as one request:
# Kraken's CancelAll ignores the symbol (the adapter cancels one by one) and its AddOrder
# takes no FOK.
_NOT_AT = {"kraken": frozenset({VenueCapability.CANCEL_ALL, VenueCapability.FOK})}


def capabilities_of(
    has: Mapping[str, Any],
    features: Mapping[str, Any],
    order_types: frozenset[str],
    exchange_id: str = "",
) -> frozenset[str]:
    """What the adapter can honestly declare for a spot exchange.

    `has` is ccxt's `exchange.has`, `features` its `exchange.features['spot']` and
    `order_types` the upper-case order types every traded market lists (binance's
    `orderTypes`; empty when unknown, which leaves out stops). Never short,
    reduce-only, day or modify (not implemented); fractional quantities and partial
    fills always (crypto spot). Stop-market orders are not declared even where the
    exchange lists them: the emulator has none, so that path is untested.
    """
    declared = {_C.FRACTIONAL, _C.PARTIAL_FILLS}
    if has.get("createMarketOrder", True):
        declared.add(_C.MARKET)
    if has.get("createLimitOrder", True):
        declared.add(_C.LIMIT)
    if {"STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"} <= order_types:
        declared.add(_C.STOP_LIMIT)
    if has.get("cancelAllOrders"):
        declared.add(_C.CANCEL_ALL)
    create = features.get("createOrder") or {}
    tif = create.get("timeInForce") or {} if isinstance(create, Mapping) else {}
    if isinstance(tif, Mapping) and tif.get("IOC"):
        declared.add(_C.IOC)
    if isinstance(tif, Mapping) and tif.get("FOK"):
        declared.add(_C.FOK)
    declared -= _NOT_AT.get(exchange_id, frozenset())
    return frozenset(c.value for c in declared)
