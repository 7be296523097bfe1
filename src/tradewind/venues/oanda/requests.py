"""Orders to v20 order requests, and what this adapter declares it can do.

| our order | v20 `type` | `timeInForce` | `price` |
|---|---|---|---|
| market | MARKET | IOC when asked, else FOK (v20 allows only these two) | - |
| limit | LIMIT | GTC, GFD for day, IOC, FOK | the limit |
| stop (stop-market) | STOP | GTC, GFD for day, IOC, FOK | the trigger |

Units are signed (negative sells), `positionFill` DEFAULT (a sell may reduce a long or
open a short), and `clientExtensions.id` is our client order id, so `@clientID`
finds the order again after a restart or a lost answer. A stop-limit is not offered:
v20's STOP with `priceBound` is cancelled when the trigger's fill would pass the bound
instead of resting as a limit, which is not what a stop-limit does.
"""

from __future__ import annotations

from typing import Any

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType, TimeInForce
from tradewind.ports.capabilities import VenueCapability

__all__ = ["CAPABILITIES", "CLIENT_TAG", "order_request", "order_type_of", "time_in_force_of"]

CAPABILITIES = frozenset(
    c.value
    for c in (
        VenueCapability.MARKET,
        VenueCapability.LIMIT,
        VenueCapability.STOP,
        VenueCapability.IOC,
        VenueCapability.FOK,
        VenueCapability.DAY,
        VenueCapability.SHORT,
        VenueCapability.MODIFY,
    )
)
"""What the adapter declares: no stop-limit (see the module docstring), no fractional
units for currencies, no reduce-only, no one-request cancel-all (v20 has none:
`cancel_all` cancels one order at a time), no partial fills (v20 fills an order whole
or cancels what an IOC could not fill)."""

CLIENT_TAG = "tradewind"
"""`clientExtensions.tag` of every order this adapter sends."""

_TYPES = {OrderType.MARKET: "MARKET", OrderType.LIMIT: "LIMIT", OrderType.STOP: "STOP"}
_TIF = {
    TimeInForce.GTC: "GTC",
    TimeInForce.DAY: "GFD",
    TimeInForce.IOC: "IOC",
    TimeInForce.FOK: "FOK",
}
_FROM_TYPE = {value: key for key, value in _TYPES.items()}
_FROM_TIF = {"GTC": TimeInForce.GTC, "GFD": TimeInForce.DAY, "GTD": TimeInForce.GTC,
             "IOC": TimeInForce.IOC, "FOK": TimeInForce.FOK}  # fmt: skip


def order_request(order: Order, symbol: str, instrument: Instrument) -> dict[str, Any]:
    """The v20 `order` object for `order` (the body of `POST .../orders`).

    Raises:
        DomainError: an order type v20 is not sent here (stop-limit).
    """
    kind = _TYPES.get(order.order_type)
    if kind is None:
        raise DomainError(
            f"order {order.client_order_id}: {order.order_type.value} orders are not sent to "
            "OANDA (v20 has no stop-limit)"
        )
    units = order.quantity * order.side.sign
    body: dict[str, Any] = {
        "type": kind,
        "instrument": symbol,
        "units": _text(units, instrument.size_precision),
        "timeInForce": _tif(order),
        "positionFill": "DEFAULT",
        "clientExtensions": {"id": str(order.client_order_id), "tag": CLIENT_TAG},
    }
    level = order.price if order.order_type is OrderType.LIMIT else order.trigger_price
    if order.order_type is not OrderType.MARKET:
        if level is None:
            raise DomainError(f"order {order.client_order_id}: a {kind} order needs a price")
        body["price"] = _text(level, instrument.price_precision)
    return body


def _tif(order: Order) -> str:
    if order.order_type is OrderType.MARKET:
        return "IOC" if order.time_in_force is TimeInForce.IOC else "FOK"
    return _TIF[order.time_in_force]


def _text(value: Any, decimals: int) -> str:
    number = to_decimal(value)
    return f"{number:.{max(decimals, 0)}f}"


def order_type_of(v20_type: str) -> OrderType | None:
    """Our order type of a v20 order type (None for types this adapter never sends)."""
    return _FROM_TYPE.get(v20_type)


def time_in_force_of(v20_tif: str | None, order_type: OrderType) -> TimeInForce:
    """Our time in force of a v20 one (a market order's FOK is our GTC default)."""
    if order_type is OrderType.MARKET:
        return TimeInForce.IOC if v20_tif == "IOC" else TimeInForce.GTC
    return _FROM_TIF.get(v20_tif or "GTC", TimeInForce.GTC)
