"""Order commands (imperative, immutable): what the system asks a venue to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timestamps import ensure_utc

__all__ = ["CancelOrder", "OrderTerms", "SubmitOrder", "check_order_terms"]


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """Validated, normalized terms of an order (see `check_order_terms`)."""

    side: OrderSide
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    time_in_force: TimeInForce


def check_order_terms(
    client_order_id: ClientOrderId,
    side: OrderSide | str,
    order_type: OrderType | str,
    quantity: DecimalLike,
    price: DecimalLike | None,
    trigger_price: DecimalLike | None,
    time_in_force: TimeInForce | str,
) -> OrderTerms:
    """Validate order terms independently of any instrument.

    Quantity must be > 0; LIMIT needs `price`, STOP needs `trigger_price`, STOP_LIMIT
    needs both; MARKET takes neither, LIMIT takes no trigger and STOP no price.

    Raises:
        DomainError: naming the order id, the field, what was expected and found.
    """
    if not isinstance(client_order_id, ClientOrderId):
        raise DomainError(f"invalid client_order_id {client_order_id!r}: expected a ClientOrderId")
    where = f"order {client_order_id}"
    side_ = _enum(OrderSide, side, "side", where)
    type_ = _enum(OrderType, order_type, "order_type", where)
    tif = _enum(TimeInForce, time_in_force, "time_in_force", where)
    qty = to_decimal(quantity, field=f"quantity of {where}")
    if qty <= 0:
        raise DomainError(f"invalid quantity {qty} for {where}: expected a value > 0")
    px = None if price is None else to_decimal(price, field=f"price of {where}")
    trigger = (
        None if trigger_price is None else to_decimal(trigger_price, field=f"trigger of {where}")
    )
    if type_.needs_price and px is None:
        raise DomainError(f"invalid {type_.value} {where}: a price is required")
    if not type_.needs_price and px is not None:
        raise DomainError(f"invalid {type_.value} {where}: expected no price, found {px}")
    if type_.needs_trigger and trigger is None:
        raise DomainError(f"invalid {type_.value} {where}: a trigger_price is required")
    if not type_.needs_trigger and trigger is not None:
        raise DomainError(
            f"invalid {type_.value} {where}: expected no trigger_price, found {trigger}"
        )
    return OrderTerms(side_, type_, qty, px, trigger, tif)


_E = TypeVar("_E", OrderSide, OrderType, TimeInForce)


def _enum(kind: type[_E], value: str, name: str, where: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        expected = ", ".join(m.value for m in kind)
        raise DomainError(
            f"invalid {name} {value!r} for {where}: expected one of {expected}"
        ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitOrder:
    """Ask a venue to work a new order.

    Quantities and prices are `Decimal` (other numbers are converted exactly); the
    quantity is unsigned, `side` carries the direction. `ts` is when the command
    was issued (UTC).

    Raises:
        DomainError: see `check_order_terms`; also a naive `ts` or wrong id types.
    """

    client_order_id: ClientOrderId
    strategy_id: StrategyId
    instrument_id: InstrumentId
    side: OrderSide
    order_type: OrderType
    quantity: Decimal
    ts: datetime
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False
    tag: str = ""

    def __post_init__(self) -> None:
        terms = check_order_terms(
            self.client_order_id,
            self.side,
            self.order_type,
            self.quantity,
            self.price,
            self.trigger_price,
            self.time_in_force,
        )
        if not isinstance(self.strategy_id, StrategyId):
            raise DomainError(
                f"invalid strategy_id {self.strategy_id!r} for order {self.client_order_id}: "
                "expected a StrategyId"
            )
        if not isinstance(self.instrument_id, InstrumentId):
            raise DomainError(
                f"invalid instrument_id {self.instrument_id!r} for order "
                f"{self.client_order_id}: expected an InstrumentId"
            )
        set_ = object.__setattr__
        set_(self, "side", terms.side)
        set_(self, "order_type", terms.order_type)
        set_(self, "quantity", terms.quantity)
        set_(self, "price", terms.price)
        set_(self, "trigger_price", terms.trigger_price)
        set_(self, "time_in_force", terms.time_in_force)
        set_(self, "ts", ensure_utc(self.ts, field=f"ts of order {self.client_order_id}"))


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelOrder:
    """Ask a venue to cancel a working order.

    Raises:
        DomainError: a naive `ts` or wrong id types.
    """

    client_order_id: ClientOrderId
    instrument_id: InstrumentId
    ts: datetime
    reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.client_order_id, ClientOrderId):
            raise DomainError(
                f"invalid client_order_id {self.client_order_id!r}: expected a ClientOrderId"
            )
        if not isinstance(self.instrument_id, InstrumentId):
            raise DomainError(
                f"invalid instrument_id {self.instrument_id!r} for cancel of "
                f"{self.client_order_id}: expected an InstrumentId"
            )
        object.__setattr__(
            self, "ts", ensure_utc(self.ts, field=f"ts of cancel {self.client_order_id}")
        )
