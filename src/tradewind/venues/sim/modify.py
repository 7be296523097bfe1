"""Checking a modify request against an order and its instrument (the sim's rules)."""

from __future__ import annotations

from datetime import datetime

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_commands import check_order_terms
from tradewind.domain.order_events import OrderUpdated

__all__ = ["checked_update"]


def checked_update(
    order: Order,
    instrument: Instrument,
    ts: datetime,
    quantity: DecimalLike | None,
    price: DecimalLike | None,
    trigger_price: DecimalLike | None,
    *,
    last_close: float | None,
) -> OrderUpdated:
    """The `OrderUpdated` a modify of `order` leads to; `None` keeps a term.

    Raises:
        DomainError: nothing to change, a term the order type does not take, a
            quantity not above the filled part, or terms off the instrument's grid
            or below its minimums (market-like orders are valued at `last_close`).
    """
    where = f"modify of order {order.client_order_id}"
    if quantity is None and price is None and trigger_price is None:
        raise DomainError(f"{where} changes nothing: give a quantity, price or trigger_price")
    new_qty = (
        order.quantity if quantity is None else to_decimal(quantity, field=f"quantity of {where}")
    )
    new_price = order.price if price is None else to_decimal(price, field=f"price of {where}")
    new_trigger = (
        order.trigger_price
        if trigger_price is None
        else to_decimal(trigger_price, field=f"trigger_price of {where}")
    )
    terms = check_order_terms(
        order.client_order_id,
        order.side,
        order.order_type,
        new_qty,
        new_price,
        new_trigger,
        order.time_in_force,
    )
    if terms.quantity <= order.filled_qty:
        raise DomainError(
            f"invalid quantity {terms.quantity} in {where}: expected more than the "
            f"filled {order.filled_qty}"
        )
    reference = terms.price if terms.price is not None else terms.trigger_price
    if reference is None and last_close is not None:
        reference = instrument.round_price(last_close)
    instrument.check_order(terms.quantity, reference)
    if terms.price is not None and terms.trigger_price is not None:
        instrument.check_order(terms.quantity, terms.trigger_price)
    return OrderUpdated(
        client_order_id=order.client_order_id,
        ts=ts,
        quantity=terms.quantity,
        price=terms.price,
        trigger_price=terms.trigger_price,
    )
