"""A modify's new terms, checked, as the body of a v20 replace.

v20's replace (`PUT .../orders/{id}`) cancels the order and creates a new one; the
new order carries the same `clientExtensions.id`, the same type, side and time in
force, and the units still to fill (new total minus what filled). Terms off the
instrument's grid, a price the order type lacks, or a total not above the filled part
are refused here (nothing is sent).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_enums import OrderType
from tradewind.venues.oanda.lifecycle import Tracked
from tradewind.venues.oanda.requests import CLIENT_TAG

__all__ = ["modified_request"]


def modified_request(
    tracked: Tracked,
    instrument: Instrument | None,
    quantity: DecimalLike | None,
    price: DecimalLike | None,
    trigger_price: DecimalLike | None,
) -> dict[str, Any]:
    """The v20 `order` object replacing `tracked` with the new terms.

    Raises:
        DomainError: the new terms are invalid for the order or off the grid (named).
    """
    order = tracked.order
    cid = order.client_order_id
    if instrument is None:
        raise DomainError(f"modify of order {cid}: its instrument is not traded here")
    if order.order_type is OrderType.MARKET:
        raise DomainError(f"modify of order {cid}: a market order cannot be modified")
    if price is not None and order.order_type is not OrderType.LIMIT:
        raise DomainError(
            f"modify of order {cid}: a {order.order_type.value} order has no limit price"
        )
    if trigger_price is not None and order.order_type is not OrderType.STOP:
        raise DomainError(f"modify of order {cid}: a {order.order_type.value} order has no trigger")
    total = order.quantity if quantity is None else to_decimal(quantity, field="quantity")
    if total <= order.filled_qty:
        raise DomainError(
            f"modify of order {cid}: quantity {total} is not above the filled {order.filled_qty}"
        )
    current = order.price if order.order_type is OrderType.LIMIT else order.trigger_price
    new_level = price if price is not None else trigger_price
    level = current if new_level is None else to_decimal(new_level, field="price")
    instrument.check_order(total, level)
    if level is None:
        raise DomainError(f"modify of order {cid}: the order has no price")
    units = (total - order.filled_qty) * order.side.sign
    return {
        "type": "LIMIT" if order.order_type is OrderType.LIMIT else "STOP",
        "instrument": tracked.symbol,
        "units": f"{units:.{max(instrument.size_precision, 0)}f}",
        "price": f"{Decimal(level):.{max(instrument.price_precision, 0)}f}",
        "timeInForce": tracked.v20_tif or "GTC",
        "positionFill": "DEFAULT",
        "clientExtensions": {"id": str(cid), "tag": CLIENT_TAG},
    }
