"""The order entity and its explicit state machine.

Transitions (anything not listed raises `InvalidTransitionError`):

| from | event | to |
|---|---|---|
| INITIALIZED | Submitted | SUBMITTED |
| INITIALIZED | Rejected (pre-trade risk) | REJECTED |
| INITIALIZED | Canceled (never sent) | CANCELED |
| SUBMITTED | Accepted | ACCEPTED |
| SUBMITTED | Rejected | REJECTED |
| SUBMITTED, ACCEPTED, PARTIALLY_FILLED | Filled | PARTIALLY_FILLED or FILLED |
| SUBMITTED, ACCEPTED, PARTIALLY_FILLED | CancelPending | PENDING_CANCEL |
| SUBMITTED, ACCEPTED, PARTIALLY_FILLED, PENDING_CANCEL | Canceled | CANCELED |
| SUBMITTED, ACCEPTED, PARTIALLY_FILLED, PENDING_CANCEL | Expired | EXPIRED |
| PENDING_CANCEL | Filled | PENDING_CANCEL, or FILLED when complete |
| PENDING_CANCEL | CancelRejected | back to ACCEPTED (PARTIALLY_FILLED if filled) |
| ACCEPTED, PARTIALLY_FILLED | Updated (new terms) | unchanged |
| ACCEPTED, PARTIALLY_FILLED, PENDING_CANCEL | ModifyRejected | unchanged |

A fill always ends in FILLED when it completes the quantity. FILLED, CANCELED,
REJECTED and EXPIRED are terminal.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError, InvalidTransitionError
from tradewind.domain.identifiers import (
    ClientOrderId,
    InstrumentId,
    StrategyId,
    TradeId,
    VenueOrderId,
)
from tradewind.domain.order_commands import SubmitOrder, check_order_terms
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelPending,
    OrderCancelRejected,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
    OrderSubmitted,
    OrderUpdated,
)
from tradewind.domain.timestamps import ensure_utc

__all__ = ["TRANSITIONS", "Order"]

_S = OrderStatus
_WORKING = (_S.SUBMITTED, _S.ACCEPTED, _S.PARTIALLY_FILLED)

TRANSITIONS: dict[tuple[OrderStatus, type[OrderEvent]], OrderStatus] = {
    (_S.INITIALIZED, OrderSubmitted): _S.SUBMITTED,
    (_S.INITIALIZED, OrderRejected): _S.REJECTED,
    (_S.INITIALIZED, OrderCanceled): _S.CANCELED,
    (_S.SUBMITTED, OrderAccepted): _S.ACCEPTED,
    (_S.SUBMITTED, OrderRejected): _S.REJECTED,
    **{(s, OrderFilled): _S.PARTIALLY_FILLED for s in _WORKING},
    **{(s, OrderCancelPending): _S.PENDING_CANCEL for s in _WORKING},
    **{(s, OrderCanceled): _S.CANCELED for s in (*_WORKING, _S.PENDING_CANCEL)},
    **{(s, OrderExpired): _S.EXPIRED for s in (*_WORKING, _S.PENDING_CANCEL)},
    (_S.PENDING_CANCEL, OrderFilled): _S.PENDING_CANCEL,
    (_S.PENDING_CANCEL, OrderCancelRejected): _S.ACCEPTED,
    **{(s, OrderUpdated): s for s in (_S.ACCEPTED, _S.PARTIALLY_FILLED)},
    **{(s, OrderModifyRejected): s for s in (_S.ACCEPTED, _S.PARTIALLY_FILLED, _S.PENDING_CANCEL)},
}
"""`(status, event type) -> status`; fills that complete the order go to FILLED instead,
and a rejected cancel of a partly filled order returns to PARTIALLY_FILLED."""


class Order:
    """An order and everything that has happened to it.

    Create it with `Order.from_command(submit)` (or the keyword constructor, which
    validates the same terms), then feed it events with `apply`. Quantities and
    prices are `Decimal`; `quantity` is unsigned and `side` gives the direction.

    Raises:
        DomainError: invalid terms on creation (see `check_order_terms`).
    """

    __slots__ = (
        "_avg_px",
        "_commissions",
        "_events",
        "_filled_qty",
        "_last_ts",
        "_status",
        "_trade_ids",
        "_venue_order_id",
        "client_order_id",
        "created_at",
        "instrument_id",
        "order_type",
        "price",
        "quantity",
        "reduce_only",
        "side",
        "strategy_id",
        "tag",
        "time_in_force",
        "trigger_price",
    )

    def __init__(
        self,
        *,
        client_order_id: ClientOrderId,
        strategy_id: StrategyId,
        instrument_id: InstrumentId,
        side: OrderSide,
        order_type: OrderType,
        quantity: DecimalLike,
        created_at: datetime,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
        time_in_force: TimeInForce = TimeInForce.GTC,
        reduce_only: bool = False,
        tag: str = "",
    ) -> None:
        terms = check_order_terms(
            client_order_id, side, order_type, quantity, price, trigger_price, time_in_force
        )
        if not isinstance(strategy_id, StrategyId):
            raise DomainError(
                f"invalid strategy_id {strategy_id!r} for order {client_order_id}: "
                "expected a StrategyId"
            )
        if not isinstance(instrument_id, InstrumentId):
            raise DomainError(
                f"invalid instrument_id {instrument_id!r} for order {client_order_id}: "
                "expected an InstrumentId"
            )
        self.client_order_id: ClientOrderId = client_order_id
        self.strategy_id: StrategyId = strategy_id
        self.instrument_id: InstrumentId = instrument_id
        self.side: OrderSide = terms.side
        self.order_type: OrderType = terms.order_type
        self.quantity: Decimal = terms.quantity
        self.price: Decimal | None = terms.price
        self.trigger_price: Decimal | None = terms.trigger_price
        self.time_in_force: TimeInForce = terms.time_in_force
        self.reduce_only: bool = bool(reduce_only)
        self.tag: str = tag
        self.created_at: datetime = ensure_utc(
            created_at, field=f"created_at of order {client_order_id}"
        )
        self._status = OrderStatus.INITIALIZED
        self._venue_order_id: VenueOrderId | None = None
        self._filled_qty = Decimal(0)
        self._avg_px: Decimal | None = None
        self._commissions: dict[str, Decimal] = {}
        self._trade_ids: set[TradeId] = set()
        self._events: list[OrderEvent] = []
        self._last_ts: datetime = self.created_at

    @classmethod
    def from_command(cls, command: SubmitOrder) -> Order:
        """The INITIALIZED order a `SubmitOrder` command describes."""
        return cls(
            client_order_id=command.client_order_id,
            strategy_id=command.strategy_id,
            instrument_id=command.instrument_id,
            side=command.side,
            order_type=command.order_type,
            quantity=command.quantity,
            created_at=command.ts,
            price=command.price,
            trigger_price=command.trigger_price,
            time_in_force=command.time_in_force,
            reduce_only=command.reduce_only,
            tag=command.tag,
        )

    def submitted_copy(self) -> Order:
        """A new SUBMITTED order with the same terms and none of this one's history: a
        venue's own record of an order it was sent (the caller's stays untouched)."""
        copy = Order(
            client_order_id=self.client_order_id,
            strategy_id=self.strategy_id,
            instrument_id=self.instrument_id,
            side=self.side,
            order_type=self.order_type,
            quantity=self.quantity,
            created_at=self.created_at,
            price=self.price,
            trigger_price=self.trigger_price,
            time_in_force=self.time_in_force,
            reduce_only=self.reduce_only,
            tag=self.tag,
        )
        copy.apply(OrderSubmitted(client_order_id=self.client_order_id, ts=self.created_at))
        return copy

    # -- state ----------------------------------------------------------------

    @property
    def status(self) -> OrderStatus:
        return self._status

    @property
    def venue_order_id(self) -> VenueOrderId | None:
        """The venue's id, once accepted or reported with a fill."""
        return self._venue_order_id

    @property
    def filled_qty(self) -> Decimal:
        """Quantity filled so far (0 <= filled_qty <= quantity)."""
        return self._filled_qty

    @property
    def leaves_qty(self) -> Decimal:
        """Quantity still open: `quantity - filled_qty` while working, else 0."""
        if self._status.is_terminal:
            return Decimal(0)
        return self.quantity - self._filled_qty

    @property
    def avg_px(self) -> Decimal | None:
        """Quantity-weighted average fill price; None before the first fill."""
        return self._avg_px

    @property
    def commissions(self) -> dict[str, Decimal]:
        """Total commission per currency ('' = quote currency), as a new dict."""
        return dict(self._commissions)

    @property
    def events(self) -> tuple[OrderEvent, ...]:
        """Every event applied, in order."""
        return tuple(self._events)

    @property
    def last_event_at(self) -> datetime:
        """When the last event happened (creation time before any event)."""
        return self._last_ts

    @property
    def is_terminal(self) -> bool:
        return self._status.is_terminal

    @property
    def is_open(self) -> bool:
        """Whether the order is at the venue and may still fill."""
        return self._status.is_open

    @property
    def signed_quantity(self) -> Decimal:
        """`quantity` with the side's sign (+ buy, - sell)."""
        return self.quantity * self.side.sign

    def has_trade(self, trade_id: TradeId) -> bool:
        """Whether a fill with this trade id was already applied."""
        return trade_id in self._trade_ids

    # -- transitions ----------------------------------------------------------

    def apply(self, event: OrderEvent) -> OrderStatus:
        """Apply one event and return the new status.

        The order is unchanged when this raises.

        Raises:
            InvalidTransitionError: the event is not allowed in the current status
                (names the order, the status and the event).
            DomainError: the event is for another order, a fill's trade id was already
                applied, a fill would exceed the order quantity, or an update's terms are
                invalid for the order or not above the filled quantity.
        """
        if not isinstance(event, OrderEvent):
            raise DomainError(
                f"cannot apply {event!r} to order {self.client_order_id}: expected an OrderEvent"
            )
        if event.client_order_id != self.client_order_id:
            raise DomainError(
                f"cannot apply {type(event).__name__} for order {event.client_order_id} "
                f"to order {self.client_order_id}"
            )
        target = TRANSITIONS.get((self._status, type(event)))
        if target is None:
            raise InvalidTransitionError(
                f"invalid transition for order {self.client_order_id}: "
                f"{type(event).__name__} is not allowed in status {self._status.name}"
            )
        if isinstance(event, OrderFilled):
            target = self._apply_fill(event, target)
        elif isinstance(event, OrderAccepted):
            self._venue_order_id = event.venue_order_id
        elif isinstance(event, OrderUpdated):
            self._apply_update(event)
        elif isinstance(event, OrderCancelRejected) and self._filled_qty > 0:
            target = OrderStatus.PARTIALLY_FILLED
        self._status = target
        self._events.append(event)
        self._last_ts = event.ts
        return target

    def _apply_fill(self, fill: OrderFilled, target: OrderStatus) -> OrderStatus:
        # Validate everything before mutating so a refused fill leaves no trace.
        if fill.trade_id in self._trade_ids:
            raise DomainError(
                f"duplicate fill for order {self.client_order_id}: trade {fill.trade_id} "
                "was already applied"
            )
        filled = self._filled_qty + fill.last_qty
        if filled > self.quantity:
            raise DomainError(
                f"overfill of order {self.client_order_id}: fill of {fill.last_qty} would make "
                f"filled {filled}, above quantity {self.quantity}"
            )
        previous_value = (self._avg_px or Decimal(0)) * self._filled_qty
        self._avg_px = (previous_value + fill.last_price * fill.last_qty) / filled
        self._filled_qty = filled
        self._trade_ids.add(fill.trade_id)
        currency = fill.commission_currency
        self._commissions[currency] = self._commissions.get(currency, Decimal(0)) + fill.commission
        if fill.venue_order_id is not None and self._venue_order_id is None:
            self._venue_order_id = fill.venue_order_id
        return OrderStatus.FILLED if filled == self.quantity else target

    def _apply_update(self, update: OrderUpdated) -> None:
        terms = check_order_terms(
            self.client_order_id,
            self.side,
            self.order_type,
            update.quantity,
            update.price,
            update.trigger_price,
            self.time_in_force,
        )
        if terms.quantity <= self._filled_qty:
            raise DomainError(
                f"invalid update of order {self.client_order_id}: quantity {terms.quantity} "
                f"is not above the filled {self._filled_qty}"
            )
        self.quantity = terms.quantity
        self.price = terms.price
        self.trigger_price = terms.trigger_price

    def __repr__(self) -> str:
        price = f" @ {self.price}" if self.price is not None else ""
        return (
            f"Order({self.client_order_id} {self.side.value} {self.quantity} "
            f"{self.instrument_id} {self.order_type.value}{price} "
            f"{self._status.name} filled={self._filled_qty})"
        )
