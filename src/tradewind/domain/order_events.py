"""Order events (past tense, immutable): what happened to an order.

Every event names its order (`client_order_id`) and when it happened (`ts`, UTC).
`Order.apply` moves an order through its state machine with these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, TradeId, VenueOrderId
from tradewind.domain.timestamps import ensure_utc

__all__ = [
    "OrderAccepted",
    "OrderCancelPending",
    "OrderCancelRejected",
    "OrderCanceled",
    "OrderEvent",
    "OrderExpired",
    "OrderFilled",
    "OrderModifyRejected",
    "OrderRejected",
    "OrderSubmitted",
    "OrderUpdated",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent:
    """Base of all order events.

    Raises:
        DomainError: `client_order_id` is not a `ClientOrderId` or `ts` is naive.
    """

    client_order_id: ClientOrderId
    ts: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.client_order_id, ClientOrderId):
            raise DomainError(
                f"invalid client_order_id {self.client_order_id!r} in {type(self).__name__}: "
                "expected a ClientOrderId"
            )
        object.__setattr__(self, "ts", ensure_utc(self.ts, field=f"ts of {type(self).__name__}"))


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSubmitted(OrderEvent):
    """The order was sent to the venue."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderAccepted(OrderEvent):
    """The venue acknowledged the order and it is working."""

    venue_order_id: VenueOrderId

    def __post_init__(self) -> None:
        OrderEvent.__post_init__(self)
        if not isinstance(self.venue_order_id, VenueOrderId):
            raise DomainError(
                f"invalid venue_order_id {self.venue_order_id!r} in OrderAccepted for "
                f"{self.client_order_id}: expected a VenueOrderId"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRejected(OrderEvent):
    """Risk or the venue refused the order; `reason` says why."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCancelPending(OrderEvent):
    """A cancel was requested and awaits the venue's confirmation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCancelRejected(OrderEvent):
    """The venue refused a cancel (e.g. the order was already filled); it keeps working."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCanceled(OrderEvent):
    """The order was canceled; filled quantity stays filled."""

    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderUpdated(OrderEvent):
    """The venue changed a working order's terms (the answer to a modify request).

    Carries the order's complete terms after the change, not the difference, so
    applying it twice is harmless.

    Attributes:
        quantity: the new total quantity (filled part included), > 0.
        price: the new limit price; None for order types without one.
        trigger_price: the new trigger; None for order types without one.

    Raises:
        DomainError: a non-positive quantity or a non-finite number.
    """

    quantity: Decimal
    price: Decimal | None = None
    trigger_price: Decimal | None = None

    def __post_init__(self) -> None:
        OrderEvent.__post_init__(self)
        where = f"update of {self.client_order_id}"
        set_ = object.__setattr__
        qty = to_decimal(self.quantity, field=f"quantity of {where}")
        if qty <= 0:
            raise DomainError(f"invalid quantity {qty} in {where}: expected a value > 0")
        set_(self, "quantity", qty)
        for name in ("price", "trigger_price"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, to_decimal(value, field=f"{name} of {where}"))


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderModifyRejected(OrderEvent):
    """The venue refused a modify request; the order keeps its previous terms."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderExpired(OrderEvent):
    """The order's time in force ran out."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilled(OrderEvent):
    """One execution against the order.

    Attributes:
        trade_id: the venue's id of this execution; an order applies each id once.
        last_qty: quantity of this execution, > 0 (unsigned; the order's side applies).
        last_price: price of this execution, in quote currency.
        commission: fee charged for it (negative for a rebate), in `commission_currency`.
        commission_currency: currency of the fee; empty means the quote currency.
        venue_order_id: the venue's order id, when known.

    Raises:
        DomainError: a non-positive quantity, a non-finite number or a wrong id type.
    """

    trade_id: TradeId
    last_qty: Decimal
    last_price: Decimal
    commission: Decimal = Decimal(0)
    commission_currency: str = ""
    venue_order_id: VenueOrderId | None = None

    def __post_init__(self) -> None:
        OrderEvent.__post_init__(self)
        where = f"fill of {self.client_order_id}"
        if not isinstance(self.trade_id, TradeId):
            raise DomainError(f"invalid trade_id {self.trade_id!r} in {where}: expected a TradeId")
        if self.venue_order_id is not None and not isinstance(self.venue_order_id, VenueOrderId):
            raise DomainError(
                f"invalid venue_order_id {self.venue_order_id!r} in {where}: "
                "expected a VenueOrderId or None"
            )
        set_ = object.__setattr__
        qty = to_decimal(self.last_qty, field=f"last_qty of {where}")
        if qty <= 0:
            raise DomainError(f"invalid last_qty {qty} in {where}: expected a value > 0")
        set_(self, "last_qty", qty)
        set_(self, "last_price", to_decimal(self.last_price, field=f"last_price of {where}"))
        set_(self, "commission", to_decimal(self.commission, field=f"commission of {where}"))
