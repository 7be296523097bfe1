"""Domain orders to ccxt `create_order` arguments, and the capabilities that follow.

Quantities and prices travel as decimal strings (ccxt rounds strings exactly; a float
could be truncated one step down). The client order id goes in the exchange's own
parameter (`newClientOrderId` for binance, `clientOrderId` otherwise). A stop-limit is
a limit with a trigger: binance calls it STOP_LOSS_LIMIT when the trigger is on the
losing side of the market (a sell below it, a buy above it) and TAKE_PROFIT_LIMIT
otherwise, so the side of the last price decides which parameter ccxt gets (Kraken's
stop-loss-limit / take-profit-limit and Coinbase's stop direction follow the same way).

A modify (`checked_terms`, `edit_order_request`) is Binance's cancel-replace through
ccxt's `edit_order`: the new order keeps our client order id and is a fresh order, so
it is sent for the new total quantity minus what the order has filled already.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_commands import check_order_terms
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.ports.capabilities import VenueCapability

__all__ = [
    "CreateOrder",
    "EditOrder",
    "NewTerms",
    "capabilities_of",
    "checked_terms",
    "client_id_param",
    "create_order_request",
    "edit_order_request",
]

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


@dataclass(frozen=True, slots=True)
class EditOrder:
    """The arguments of one `exchange.edit_order` call (a cancel-replace)."""

    venue_order_id: str
    symbol: str
    type: str
    side: str
    amount: str
    price: str | None
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewTerms:
    """An order's terms after a modify; `remaining` is what the new venue order is for
    (`quantity`, the new total, minus what was filled)."""

    quantity: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    remaining: Decimal


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


def checked_terms(
    order: Order,
    filled: Decimal,
    instrument: Instrument,
    quantity: DecimalLike | None,
    price: DecimalLike | None,
    trigger_price: DecimalLike | None,
) -> NewTerms:
    """The terms a modify of `order` (`filled` so far at the venue) asks for; `None`
    keeps a term.

    Raises:
        DomainError: nothing to change, a term the order type does not take, a quantity
            not above the filled part, or a remaining quantity or price off the
            instrument's grid or below its minimums.
    """
    where = f"modify of order {order.client_order_id}"
    if quantity is None and price is None and trigger_price is None:
        raise DomainError(f"{where} changes nothing: give a quantity, price or trigger_price")
    terms = check_order_terms(
        order.client_order_id,
        order.side,
        order.order_type,
        order.quantity if quantity is None else to_decimal(quantity, field=f"quantity of {where}"),
        order.price if price is None else to_decimal(price, field=f"price of {where}"),
        order.trigger_price
        if trigger_price is None
        else to_decimal(trigger_price, field=f"trigger_price of {where}"),
        order.time_in_force,
    )
    if order.order_type not in (OrderType.LIMIT, OrderType.STOP_LIMIT):
        raise DomainError(f"{where}: only limit and stop-limit orders can be modified here")
    if terms.quantity <= filled:
        raise DomainError(
            f"invalid quantity {terms.quantity} in {where}: expected more than the filled {filled}"
        )
    remaining = terms.quantity - filled
    try:
        for reference in (terms.price, terms.trigger_price):
            if reference is not None:
                instrument.check_order(remaining, reference)
    except DomainError as error:
        raise DomainError(f"{where} (new order for the unfilled {remaining}): {error}") from None
    return NewTerms(terms.quantity, terms.price, terms.trigger_price, remaining)


def edit_order_request(
    order: Order,
    venue_order_id: str,
    symbol: str,
    terms: NewTerms,
    exchange_id: str,
    last_price: Decimal | None = None,
) -> EditOrder:
    """The `edit_order` arguments replacing venue order `venue_order_id` of `order`
    with `terms` (checked already), under the same client order id."""
    params: dict[str, Any] = {client_id_param(exchange_id): str(order.client_order_id)}
    if order.time_in_force in _TIF:
        params["timeInForce"] = _TIF[order.time_in_force]
    kind = "limit"
    if terms.trigger_price is not None:
        losing = _trigger_param(order.side, terms.trigger_price, last_price) == "stopLossPrice"
        kind = "STOP_LOSS_LIMIT" if losing else "TAKE_PROFIT_LIMIT"
        params["stopPrice"] = _text(terms.trigger_price)
    return EditOrder(
        venue_order_id, symbol, kind, order.side.value, _text(terms.remaining),
        _text(terms.price), params,
    )  # fmt: skip


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
# Where modify (ccxt's edit_order) is implemented and tested: Binance's cancel-replace.
_MODIFY_AT = frozenset({"binance"})
# Stop-limits where the markets list no order types, but ccxt's class maps
# stopLossPrice/takeProfitPrice with a limit price onto the exchange's stop-limit (Kraken
# stop-loss-limit/take-profit-limit, Coinbase stop_limit_stop_limit_gtc with its
# stop_direction) and the contract suite fills them against the exchange's emulator.
_STOP_LIMIT_AT = frozenset({"kraken", "coinbase"})
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
    `orderTypes`; empty when unknown, which leaves out stops, except on kraken and
    coinbase, whose stop-limits are declared without a listing). Modify only on binance
    with `editOrder` (its cancel-replace, the one run against an emulator); never
    short, reduce-only or day; fractional quantities and partial fills always.
    Stop-market orders are not declared even where the exchange lists them: the
    emulator has none, so that path is untested.
    """
    declared = {_C.FRACTIONAL, _C.PARTIAL_FILLS}
    if has.get("createMarketOrder", True):
        declared.add(_C.MARKET)
    if has.get("createLimitOrder", True):
        declared.add(_C.LIMIT)
    if {"STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"} <= order_types or exchange_id in _STOP_LIMIT_AT:
        declared.add(_C.STOP_LIMIT)
    if has.get("cancelAllOrders"):
        declared.add(_C.CANCEL_ALL)
    create = features.get("createOrder") or {}
    tif = create.get("timeInForce") or {} if isinstance(create, Mapping) else {}
    if isinstance(tif, Mapping) and tif.get("IOC"):
        declared.add(_C.IOC)
    if isinstance(tif, Mapping) and tif.get("FOK"):
        declared.add(_C.FOK)
    if has.get("editOrder") and exchange_id in _MODIFY_AT:
        declared.add(_C.MODIFY)
    declared -= _NOT_AT.get(exchange_id, frozenset())
    return frozenset(c.value for c in declared)
