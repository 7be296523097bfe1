"""The execution port: a venue that works orders (simulated, paper or live).

Each venue declares what it supports in `capabilities`; the engine checks an order
against them before sending it, and the shared contract suite tests every adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol, runtime_checkable

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType, TimeInForce
from tradewind.domain.position import Position

__all__ = ["ExecutionVenue", "VenueCapability", "missing_capabilities", "require_capabilities"]


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
    """The capabilities `order` needs (order type, time in force) that are not declared."""
    needed = {_BY_ORDER_TYPE[order.order_type].value}
    tif = _BY_TIME_IN_FORCE.get(order.time_in_force)
    if tif is not None:
        needed.add(tif.value)
    return frozenset(needed - capabilities)


@runtime_checkable
class ExecutionVenue(Protocol):
    """A place orders are sent to; one adapter per venue (sim, ccxt, oanda, ...).

    Outcomes (accepted, filled, canceled, ...) come back as order events through the
    adapter's event channel, not as return values, so backtest, paper and live
    behave the same.
    """

    @property
    def venue(self) -> Venue:
        """Which venue this adapter trades on."""
        ...

    @property
    def capabilities(self) -> frozenset[str]:
        """Supported features, values of `VenueCapability` (e.g. `{"market", "limit"}`)."""
        ...

    def submit(self, order: Order) -> None:
        """Send an order (already journaled by the caller).

        Raises:
            DomainError: the order needs a capability the venue lacks.
        """
        ...

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Request cancellation of a working order (confirmation arrives as an event)."""
        ...

    def open_orders(self) -> Sequence[Order]:
        """Orders the venue reports as working."""
        ...

    def positions(self) -> Sequence[Position]:
        """Positions the venue reports (used to reconcile on start)."""
        ...


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
