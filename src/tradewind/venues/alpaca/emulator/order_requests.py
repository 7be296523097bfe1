"""The body of `POST /v2/orders` (and `PATCH /v2/orders/{id}`) read into market commands.

Accepted: type market, limit, stop, stop_limit; time_in_force day, gtc, ioc, fok; qty
(whole or fractional) or notional (market orders only); client_order_id up to 128
characters; order_class simple; extended_hours false. Fractional and notional orders
must be DAY orders, as Alpaca requires. Anything else is refused with 422 and a message
naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.wire import decimal_param, unprocessable
from tradewind.venues.emulation import NewOrder, Order, OrderType, Side, TimeInForce

__all__ = ["MAX_CLIENT_ID_CHARS", "client_id", "new_order", "replacement"]

MAX_CLIENT_ID_CHARS = 128
_TYPES = {
    "market": OrderType.MARKET,
    "limit": OrderType.LIMIT,
    "stop": OrderType.STOP,
    "stop_limit": OrderType.STOP_LIMIT,
}
_TIFS = {
    "day": TimeInForce.DAY,
    "gtc": TimeInForce.GTC,
    "ioc": TimeInForce.IOC,
    "fok": TimeInForce.FOK,
}
_SIDES = {"buy": Side.BUY, "sell": Side.SELL}


def new_order(body: Mapping[str, Any]) -> NewOrder:
    """The order a POST body asks for; raises AlpacaError (422) naming a bad field."""
    symbol = body.get("symbol")
    if not isinstance(symbol, str) or not symbol:
        raise unprocessable("symbol is required")
    side = _choice(body, "side", _SIDES)
    order_type = _order_type(body)
    tif = _tif(body.get("time_in_force"))
    _check_class(body)
    qty = decimal_param(body.get("qty"), "qty")
    notional = decimal_param(body.get("notional"), "notional")
    _check_amount(qty, notional, order_type, tif)
    limit, stop = _prices(body, order_type)
    return NewOrder(
        symbol=symbol.upper(),
        side=side,
        order_type=order_type,
        qty=qty,
        price=limit,
        stop_price=stop,
        tif=tif,
        client_order_id=client_id(body.get("client_order_id")),
        quote_order_qty=notional,
    )


def replacement(old: Order, body: Mapping[str, Any]) -> NewOrder:
    """The order replacing `old` per a PATCH body (qty, time_in_force, limit_price,
    stop_price, client_order_id); unspecified fields keep the old order's values and the
    quantity defaults to what is left unfilled."""
    if body.get("trail") is not None:
        raise unprocessable("trail: trailing stop orders are not supported by the emulator")
    qty = decimal_param(body.get("qty"), "qty")
    qty = old.qty - old.executed_qty if qty is None else qty
    tif = old.tif if body.get("time_in_force") is None else _tif(body.get("time_in_force"))
    limit = decimal_param(body.get("limit_price"), "limit_price")
    stop = decimal_param(body.get("stop_price"), "stop_price")
    if old.order_type is OrderType.MARKET:
        raise unprocessable("market orders cannot be replaced")
    if limit is not None and old.order_type not in (OrderType.LIMIT, OrderType.STOP_LIMIT):
        raise unprocessable(f"limit_price: not allowed for a {old.order_type.value} order")
    if stop is not None and old.order_type not in (OrderType.STOP, OrderType.STOP_LIMIT):
        raise unprocessable(f"stop_price: not allowed for a {old.order_type.value} order")
    _check_amount(qty, None, old.order_type, tif)
    return NewOrder(
        symbol=old.symbol,
        side=old.side,
        order_type=old.order_type,
        qty=qty,
        price=old.price if limit is None else limit,
        stop_price=old.stop_price if stop is None else stop,
        tif=tif,
        client_order_id=client_id(body.get("client_order_id")),
    )


def client_id(value: Any) -> str | None:
    """A client order id (None: the venue assigns one); at most 128 characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise unprocessable(f"client_order_id: expected a string, got {value!r}")
    if len(value) > MAX_CLIENT_ID_CHARS:
        raise unprocessable(
            f"client_order_id must be no more than {MAX_CLIENT_ID_CHARS} characters"
        )
    return value


def _choice(body: Mapping[str, Any], name: str, choices: Mapping[str, Any]) -> Any:
    value = body.get(name)
    if not isinstance(value, str) or value.lower() not in choices:
        raise unprocessable(f"invalid {name}: expected one of {sorted(choices)}, got {value!r}")
    return choices[value.lower()]


def _order_type(body: Mapping[str, Any]) -> OrderType:
    value = body.get("type", body.get("order_type"))
    if value == "trailing_stop":
        raise unprocessable("type: trailing_stop orders are not supported by the emulator")
    return _choice({"type": value}, "type", _TYPES)  # type: ignore[no-any-return]


def _tif(value: Any) -> TimeInForce:
    if value in ("opg", "cls"):
        raise unprocessable(f"time_in_force: {value} is not supported by the emulator")
    return _choice({"time_in_force": value}, "time_in_force", _TIFS)  # type: ignore[no-any-return]


def _check_class(body: Mapping[str, Any]) -> None:
    order_class = body.get("order_class") or "simple"
    if order_class != "simple":
        raise unprocessable(
            f"order_class: {order_class} orders are not supported by the emulator (simple only)"
        )
    if body.get("take_profit") or body.get("stop_loss") or body.get("legs"):
        raise unprocessable("take_profit, stop_loss and legs need a bracket/oco/oto/mleg class")
    if body.get("extended_hours") in (True, "true"):
        raise unprocessable("extended_hours: extended-hours trading is not emulated")


def _check_amount(
    qty: Decimal | None, notional: Decimal | None, order_type: OrderType, tif: TimeInForce
) -> None:
    if (qty is None) == (notional is None):
        raise unprocessable("qty or notional is required (exactly one of them)")
    if qty is not None and qty <= 0:
        raise unprocessable("qty must be > 0")
    if notional is not None:
        if notional <= 0:
            raise unprocessable("notional must be > 0")
        if order_type is not OrderType.MARKET:
            raise unprocessable("notional: allowed only on market orders by the emulator")
    fractional = notional is not None or (qty is not None and qty % 1 != 0)
    if fractional and tif is not TimeInForce.DAY:
        raise unprocessable("fractional orders must be DAY orders")


def _prices(
    body: Mapping[str, Any], order_type: OrderType
) -> tuple[Decimal | None, Decimal | None]:
    limit = decimal_param(body.get("limit_price"), "limit_price")
    stop = decimal_param(body.get("stop_price"), "stop_price")
    needs_limit = order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
    needs_stop = order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
    if needs_limit and limit is None:
        raise unprocessable(f"limit_price is required for {order_type.value} orders")
    if needs_stop and stop is None:
        raise unprocessable(f"stop_price is required for {order_type.value} orders")
    if not needs_limit and limit is not None:
        raise unprocessable(f"limit_price: not allowed for {order_type.value} orders")
    if not needs_stop and stop is not None:
        raise unprocessable(f"stop_price: not allowed for {order_type.value} orders")
    return limit, stop
