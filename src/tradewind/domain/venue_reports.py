"""What a venue reports about itself: connection status, orders, fills, positions, cash.

These records are the venue's side of the story, read back through the execution
port (`tradewind.ports.execution.ExecutionVenue`) to reconcile after a restart or a
disconnect. They are frozen and validated like events; money and quantities are
`Decimal`, instants UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, Venue, VenueOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import OrderFilled
from tradewind.domain.position import PositionSide
from tradewind.domain.timestamps import ensure_utc

__all__ = [
    "Balance",
    "ConnectionStatus",
    "FillReport",
    "OrderStatusReport",
    "PositionReport",
    "VenueStatus",
]

_CURRENCY = re.compile(r"^[A-Za-z0-9]{1,12}$")


class ConnectionStatus(StrEnum):
    """Whether an adapter can reach its venue."""

    CONNECTED = "connected"
    """Orders, queries and events all work."""
    DEGRADED = "degraded"
    """Reachable, but something is impaired (e.g. the event stream is down and the
    adapter polls); orders are still accepted."""
    DISCONNECTED = "disconnected"
    """Not reachable, or not connected yet; requests are refused."""


@dataclass(frozen=True, slots=True)
class VenueStatus:
    """An adapter's connection status and why it is in it.

    Attributes:
        connection: connected, degraded or disconnected.
        reason: a human-readable cause ("" when connected normally).
    """

    connection: ConnectionStatus
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "connection", ConnectionStatus(self.connection))

    @property
    def accepts_requests(self) -> bool:
        """Whether orders and queries may be sent (connected or degraded)."""
        return self.connection is not ConnectionStatus.DISCONNECTED


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatusReport:
    """The venue's view of one order at `ts_last`.

    Attributes:
        venue: the venue reporting.
        client_order_id: Tradewind's id of the order.
        venue_order_id: the venue's id; None when the order was rejected unaccepted.
        instrument_id, side, order_type, time_in_force, reduce_only: the order's terms.
        status: its lifecycle status at the venue.
        quantity: the current total quantity (after any modify).
        filled_qty: quantity filled so far, 0 <= filled_qty <= quantity.
        avg_px: average fill price; None before the first fill.
        price, trigger_price: the current limit price and trigger, when the type has them.
        ts_last: when the order last changed (UTC).
        reason: why it was rejected or canceled, when it was.

    Raises:
        DomainError: a non-finite number, a fill above the quantity or a naive time.
    """

    venue: Venue
    client_order_id: ClientOrderId
    venue_order_id: VenueOrderId | None
    instrument_id: InstrumentId
    side: OrderSide
    order_type: OrderType
    time_in_force: TimeInForce
    status: OrderStatus
    quantity: Decimal
    filled_qty: Decimal
    ts_last: datetime
    avg_px: Decimal | None = None
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    reduce_only: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        where = f"order status report of {self.client_order_id}"
        set_ = object.__setattr__
        set_(self, "side", OrderSide(self.side))
        set_(self, "order_type", OrderType(self.order_type))
        set_(self, "time_in_force", TimeInForce(self.time_in_force))
        set_(self, "status", OrderStatus(self.status))
        set_(self, "quantity", to_decimal(self.quantity, field=f"quantity of {where}"))
        set_(self, "filled_qty", to_decimal(self.filled_qty, field=f"filled_qty of {where}"))
        if not Decimal(0) <= self.filled_qty <= self.quantity:
            raise DomainError(
                f"invalid filled_qty {self.filled_qty} in {where}: expected 0 to the "
                f"quantity {self.quantity}"
            )
        for name in ("avg_px", "price", "trigger_price"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, to_decimal(value, field=f"{name} of {where}"))
        set_(self, "ts_last", ensure_utc(self.ts_last, field=f"ts_last of {where}"))

    @classmethod
    def of_order(cls, order: Order, venue: Venue, reason: str = "") -> OrderStatusReport:
        """The report describing `order` as it stands (status, fills, current terms)."""
        return cls(
            venue=venue,
            client_order_id=order.client_order_id,
            venue_order_id=order.venue_order_id,
            instrument_id=order.instrument_id,
            side=order.side,
            order_type=order.order_type,
            time_in_force=order.time_in_force,
            status=order.status,
            quantity=order.quantity,
            filled_qty=order.filled_qty,
            ts_last=order.last_event_at,
            avg_px=order.avg_px,
            price=order.price,
            trigger_price=order.trigger_price,
            reduce_only=order.reduce_only,
            reason=reason,
        )

    @property
    def leaves_qty(self) -> Decimal:
        """Quantity still working: `quantity - filled_qty` while open, else 0."""
        return Decimal(0) if self.status.is_terminal else self.quantity - self.filled_qty


@dataclass(frozen=True, slots=True, kw_only=True)
class FillReport:
    """One execution as the venue records it (the same facts as its `OrderFilled`).

    Attributes:
        venue: the venue reporting.
        client_order_id, venue_order_id: the order it belongs to.
        trade_id: the venue's id of this execution.
        instrument_id, side: what was traded in which direction.
        last_qty: quantity of this execution, > 0.
        last_price: its price in quote currency.
        commission: its fee (negative for a rebate) in `commission_currency`
            ("" = the quote currency).
        ts: when it happened (UTC).

    Raises:
        DomainError: a non-positive quantity, a non-finite number or a naive time.
    """

    venue: Venue
    client_order_id: ClientOrderId
    venue_order_id: VenueOrderId | None
    trade_id: TradeId
    instrument_id: InstrumentId
    side: OrderSide
    last_qty: Decimal
    last_price: Decimal
    ts: datetime
    commission: Decimal = Decimal(0)
    commission_currency: str = ""

    def __post_init__(self) -> None:
        # The event validates the shared fields with the same messages.
        self.to_event()
        set_ = object.__setattr__
        set_(self, "side", OrderSide(self.side))
        set_(self, "last_qty", to_decimal(self.last_qty))
        set_(self, "last_price", to_decimal(self.last_price))
        set_(self, "commission", to_decimal(self.commission))
        set_(self, "ts", ensure_utc(self.ts, field=f"ts of fill report {self.trade_id}"))

    @classmethod
    def of_event(
        cls, event: OrderFilled, *, venue: Venue, instrument_id: InstrumentId, side: OrderSide
    ) -> FillReport:
        """The report of the execution `event` announced."""
        return cls(
            venue=venue,
            client_order_id=event.client_order_id,
            venue_order_id=event.venue_order_id,
            trade_id=event.trade_id,
            instrument_id=instrument_id,
            side=side,
            last_qty=event.last_qty,
            last_price=event.last_price,
            ts=event.ts,
            commission=event.commission,
            commission_currency=event.commission_currency,
        )

    def to_event(self) -> OrderFilled:
        """The `OrderFilled` event this execution corresponds to."""
        return OrderFilled(
            client_order_id=self.client_order_id,
            ts=self.ts,
            trade_id=self.trade_id,
            last_qty=self.last_qty,
            last_price=self.last_price,
            commission=self.commission,
            commission_currency=self.commission_currency,
            venue_order_id=self.venue_order_id,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionReport:
    """The venue's net position in one instrument.

    Attributes:
        venue: the venue reporting.
        instrument_id: the instrument.
        quantity: signed net quantity (+ long, - short, 0 flat).
        avg_open_price: average entry price of the open quantity (0 when flat).
        ts: when the venue last changed it (UTC), if it says.

    Raises:
        DomainError: a non-finite number or a naive time.
    """

    venue: Venue
    instrument_id: InstrumentId
    quantity: Decimal
    avg_open_price: Decimal = Decimal(0)
    ts: datetime | None = None

    def __post_init__(self) -> None:
        where = f"position report of {self.instrument_id}"
        set_ = object.__setattr__
        set_(self, "quantity", to_decimal(self.quantity, field=f"quantity of {where}"))
        set_(
            self,
            "avg_open_price",
            to_decimal(self.avg_open_price, field=f"avg_open_price of {where}"),
        )
        if self.ts is not None:
            set_(self, "ts", ensure_utc(self.ts, field=f"ts of {where}"))

    @property
    def side(self) -> PositionSide:
        """LONG, SHORT or FLAT from the sign of `quantity`."""
        if self.quantity > 0:
            return PositionSide.LONG
        return PositionSide.SHORT if self.quantity < 0 else PositionSide.FLAT

    @property
    def is_flat(self) -> bool:
        return self.quantity == 0


@dataclass(frozen=True, slots=True)
class Balance:
    """Cash (or an asset) held at a venue in one currency.

    Attributes:
        currency: currency or asset code, 1-12 letters/digits (`USD`, `BTC`).
        total: everything held; may be negative where the venue lends.
        locked: the part reserved by working orders or margin, >= 0.

    Raises:
        DomainError: a bad currency code, a non-finite number or a negative `locked`.
    """

    currency: str
    total: Decimal
    locked: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise DomainError(
                f"invalid balance currency {self.currency!r}: expected a currency or asset "
                "code of 1-12 letters/digits, e.g. 'USD'"
            )
        where = f"balance in {self.currency}"
        set_ = object.__setattr__
        set_(self, "total", to_decimal(self.total, field=f"total of {where}"))
        set_(self, "locked", to_decimal(self.locked, field=f"locked of {where}"))
        if self.locked < 0:
            raise DomainError(f"invalid locked {self.locked} of {where}: expected a value >= 0")

    @property
    def free(self) -> Decimal:
        """What can be used for new orders: `total - locked`."""
        return self.total - self.locked
