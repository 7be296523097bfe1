"""What a venue can do: declared capabilities and the checks made before sending.

An adapter declares `capabilities` honestly (only what the venue itself does); the
caller, and every adapter on entry, refuses an order or request needing one that is
missing, so nothing unsupported ever reaches the wire.
"""

from __future__ import annotations

from enum import StrEnum

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import Venue
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType, TimeInForce

__all__ = [
    "VenueCapability",
    "missing_capabilities",
    "require_capabilities",
    "require_capability",
]


class VenueCapability(StrEnum):
    """Features a venue may support (`capabilities` holds their string values)."""

    MARKET = "market"
    """Market orders."""
    LIMIT = "limit"
    """Limit orders."""
    STOP = "stop"
    """Stop (stop-market) orders."""
    STOP_LIMIT = "stop_limit"
    """Stop-limit orders."""
    IOC = "ioc"
    """Immediate-or-cancel time in force."""
    FOK = "fok"
    """Fill-or-kill time in force."""
    DAY = "day"
    """Day orders that expire at the session end."""
    SHORT = "short"
    """Selling what is not held."""
    FRACTIONAL = "fractional"
    """Quantities below one unit (e.g. 0.5 shares)."""
    REDUCE_ONLY = "reduce_only"
    """Reduce-only orders: never grow or flip a position."""
    MODIFY = "modify"
    """Changing a working order's quantity, price or trigger in place (`modify`)."""
    CANCEL_ALL = "cancel_all"
    """Canceling every working order (of one instrument) in one venue request."""
    PARTIAL_FILLS = "partial_fills"
    """The venue may fill one order in several executions; the rest keeps working."""
    CANCEL_ON_DISCONNECT = "cancel_on_disconnect"
    """A venue-side dead man's switch: the venue cancels every working order of the
    account when the client stops re-arming a countdown (Kraken's CancelAllOrdersAfter)."""


_BY_ORDER_TYPE = {
    OrderType.MARKET: VenueCapability.MARKET,
    OrderType.LIMIT: VenueCapability.LIMIT,
    OrderType.STOP: VenueCapability.STOP,
    OrderType.STOP_LIMIT: VenueCapability.STOP_LIMIT,
}
_BY_TIME_IN_FORCE = {
    TimeInForce.IOC: VenueCapability.IOC,
    TimeInForce.FOK: VenueCapability.FOK,
    TimeInForce.DAY: VenueCapability.DAY,
}


def missing_capabilities(order: Order, capabilities: frozenset[str]) -> frozenset[str]:
    """The capabilities `order` needs (type, time in force, reduce-only) not declared."""
    needed = {_BY_ORDER_TYPE[order.order_type].value}
    tif = _BY_TIME_IN_FORCE.get(order.time_in_force)
    if tif is not None:
        needed.add(tif.value)
    if order.reduce_only:
        needed.add(VenueCapability.REDUCE_ONLY.value)
    return frozenset(needed - capabilities)


def require_capabilities(order: Order, capabilities: frozenset[str], venue: Venue) -> None:
    """Raise unless `venue` declares every capability `order` needs.

    Raises:
        DomainError: naming the order, the venue and the missing capabilities.
    """
    missing = missing_capabilities(order, capabilities)
    if missing:
        raise DomainError(
            f"order {order.client_order_id} needs {', '.join(sorted(missing))}, which venue "
            f"{venue} does not support (supported: {', '.join(sorted(capabilities)) or 'none'})"
        )


def require_capability(
    capability: VenueCapability, capabilities: frozenset[str], venue: Venue, request: str
) -> None:
    """Raise unless `venue` declares `capability` (for requests such as modify).

    Raises:
        DomainError: naming the request, the venue and the missing capability.
    """
    if capability.value not in capabilities:
        raise DomainError(
            f"{request} needs {capability.value}, which venue {venue} does not support "
            f"(supported: {', '.join(sorted(capabilities)) or 'none'})"
        )
