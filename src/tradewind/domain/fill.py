"""Fills: executions as seen by portfolio accounting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import (
    ClientOrderId,
    InstrumentId,
    StrategyId,
    TradeId,
    VenueOrderId,
)
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide
from tradewind.domain.order_events import OrderFilled
from tradewind.domain.timestamps import ensure_utc

__all__ = ["Fill"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Fill:
    """One execution of an order.

    Attributes:
        quantity: executed quantity, > 0 (unsigned; `side` gives the direction).
        price: execution price in quote currency.
        commission: fee (negative for a rebate) in `commission_currency`; an empty
            currency means the instrument's quote currency.
        ts: execution time (UTC).

    Raises:
        DomainError: a non-positive quantity, a non-finite number, a naive `ts` or a
            wrong id type.
    """

    client_order_id: ClientOrderId
    venue_order_id: VenueOrderId | None
    trade_id: TradeId
    instrument_id: InstrumentId
    side: OrderSide
    quantity: Decimal
    price: Decimal
    ts: datetime
    commission: Decimal = Decimal(0)
    commission_currency: str = ""
    strategy_id: StrategyId | None = None

    def __post_init__(self) -> None:
        where = f"fill {self.trade_id!s} of order {self.client_order_id!s}"
        for name, kind in (
            ("client_order_id", ClientOrderId),
            ("trade_id", TradeId),
            ("instrument_id", InstrumentId),
        ):
            if not isinstance(getattr(self, name), kind):
                raise DomainError(
                    f"invalid {name} {getattr(self, name)!r} in {where}: expected a {kind.__name__}"
                )
        if self.venue_order_id is not None and not isinstance(self.venue_order_id, VenueOrderId):
            raise DomainError(
                f"invalid venue_order_id {self.venue_order_id!r} in {where}: "
                "expected a VenueOrderId or None"
            )
        if self.strategy_id is not None and not isinstance(self.strategy_id, StrategyId):
            raise DomainError(
                f"invalid strategy_id {self.strategy_id!r} in {where}: "
                "expected a StrategyId or None"
            )
        set_ = object.__setattr__
        try:
            set_(self, "side", OrderSide(self.side))
        except ValueError:
            raise DomainError(
                f"invalid side {self.side!r} in {where}: expected buy or sell"
            ) from None
        qty = to_decimal(self.quantity, field=f"quantity of {where}")
        if qty <= 0:
            raise DomainError(f"invalid quantity {qty} in {where}: expected a value > 0")
        set_(self, "quantity", qty)
        set_(self, "price", to_decimal(self.price, field=f"price of {where}"))
        set_(self, "commission", to_decimal(self.commission, field=f"commission of {where}"))
        set_(self, "ts", ensure_utc(self.ts, field=f"ts of {where}"))

    @classmethod
    def from_order(cls, order: Order, event: OrderFilled) -> Fill:
        """The fill an `OrderFilled` event describes for `order`.

        Raises:
            DomainError: the event belongs to another order.
        """
        if event.client_order_id != order.client_order_id:
            raise DomainError(
                f"fill event for order {event.client_order_id} does not belong to order "
                f"{order.client_order_id}"
            )
        return cls(
            client_order_id=order.client_order_id,
            venue_order_id=event.venue_order_id or order.venue_order_id,
            trade_id=event.trade_id,
            instrument_id=order.instrument_id,
            side=order.side,
            quantity=event.last_qty,
            price=event.last_price,
            ts=event.ts,
            commission=event.commission,
            commission_currency=event.commission_currency,
            strategy_id=order.strategy_id,
        )

    @property
    def signed_quantity(self) -> Decimal:
        """`quantity` with the side's sign (+ buy, - sell)."""
        return self.quantity * self.side.sign

    @property
    def notional(self) -> Decimal:
        """`quantity * price` (without any contract multiplier)."""
        return self.quantity * self.price
