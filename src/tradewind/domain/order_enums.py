"""Order vocabulary: side, type, time in force and lifecycle status."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OrderSide", "OrderStatus", "OrderType", "TimeInForce"]


class OrderSide(StrEnum):
    """Buy or sell."""

    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        """+1 for BUY, -1 for SELL (the sign a fill adds to a position)."""
        return 1 if self is OrderSide.BUY else -1

    @property
    def opposite(self) -> OrderSide:
        """SELL for BUY and BUY for SELL."""
        return OrderSide.SELL if self is OrderSide.BUY else OrderSide.BUY


class OrderType(StrEnum):
    """How an order is priced."""

    MARKET = "market"
    """Fill at the best available price; no price."""
    LIMIT = "limit"
    """Fill at `price` or better; requires `price`."""
    STOP = "stop"
    """Becomes a market order when `trigger_price` trades; requires `trigger_price`."""
    STOP_LIMIT = "stop_limit"
    """Becomes a limit order at `price` when `trigger_price` trades; requires both."""

    @property
    def needs_price(self) -> bool:
        """Whether a limit `price` is required."""
        return self in (OrderType.LIMIT, OrderType.STOP_LIMIT)

    @property
    def needs_trigger(self) -> bool:
        """Whether a `trigger_price` is required."""
        return self in (OrderType.STOP, OrderType.STOP_LIMIT)


class TimeInForce(StrEnum):
    """How long an order stays working."""

    GTC = "gtc"
    """Good till canceled."""
    DAY = "day"
    """Expires at the end of the trading session."""
    IOC = "ioc"
    """Immediate or cancel: fill what is possible now, cancel the rest."""
    FOK = "fok"
    """Fill or kill: fill the whole quantity now or cancel it all."""


class OrderStatus(StrEnum):
    """Where an order is in its lifecycle (see `tradewind.domain.order` for transitions)."""

    INITIALIZED = "initialized"
    """Created locally, not yet sent."""
    SUBMITTED = "submitted"
    """Sent to the venue, not yet acknowledged."""
    ACCEPTED = "accepted"
    """Working at the venue."""
    PARTIALLY_FILLED = "partially_filled"
    """Some quantity filled, the rest still working."""
    FILLED = "filled"
    """The whole quantity filled (terminal)."""
    PENDING_CANCEL = "pending_cancel"
    """A cancel was requested and is not yet confirmed."""
    CANCELED = "canceled"
    """Canceled; any filled part stays filled (terminal)."""
    REJECTED = "rejected"
    """Refused by risk or by the venue (terminal)."""
    EXPIRED = "expired"
    """Its time in force ran out (terminal)."""

    @property
    def is_terminal(self) -> bool:
        """Whether no further event can change the order."""
        return self in _TERMINAL

    @property
    def is_open(self) -> bool:
        """Whether the order may still fill (sent and not terminal)."""
        return self not in _TERMINAL and self is not OrderStatus.INITIALIZED


_TERMINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
)
