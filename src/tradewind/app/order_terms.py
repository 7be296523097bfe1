"""An engine order's terms as its venue can take them.

The engine works three kinds: market entries, stop-loss (stop-market) and take-profit
(limit) exits, both reduce-only. Where the venue has no reduce-only flag (spot
exchanges, Alpaca, Interactive Brokers) the flag is dropped: a spot sell can only reduce
what is held anyway, and at a broker the engine sizes each exit to its position and
cancels the other exit when one fills (a paper route to such a broker says so in its
label). A venue without a stop-market type gets a stop-loss as a stop-limit whose limit
is `STOP_LIMIT_COLLAR_PCT` beyond the trigger (it fills in all but a gap of that size).
"""

from __future__ import annotations

from collections.abc import Set
from decimal import Decimal
from typing import Any

from tradewind.domain.instrument import Instrument
from tradewind.domain.order_enums import OrderSide, OrderType
from tradewind.engine.kernel import KIND_MARKET, KIND_STOP_LOSS
from tradewind.ports.execution import VenueCapability

__all__ = ["STOP_LIMIT_COLLAR_PCT", "venue_terms"]

STOP_LIMIT_COLLAR_PCT = Decimal("1")
"""How far beyond a stop-loss trigger its limit is set where only stop-limits exist, %."""


def venue_terms(
    kind: int, side: OrderSide, level: Decimal, instrument: Instrument, capabilities: Set[str]
) -> dict[str, Any]:
    """`order_type`, `price`, `trigger_price` and `reduce_only` of an engine order of
    `kind` at `level` (its stop or limit level), for a venue with `capabilities`."""
    # Without the flag at the venue an exit goes as a plain order: on spot a sell can
    # only reduce anyway; at a broker that shorts, the engine sizes exits to its position
    # and cancels the sibling exit when one fills (the route's label says so).
    reduce_only = kind != KIND_MARKET and VenueCapability.REDUCE_ONLY.value in capabilities
    if kind == KIND_MARKET:
        return {"order_type": OrderType.MARKET, "reduce_only": reduce_only}
    if kind != KIND_STOP_LOSS:
        return {"order_type": OrderType.LIMIT, "price": level, "reduce_only": reduce_only}
    if VenueCapability.STOP.value in capabilities or (
        VenueCapability.STOP_LIMIT.value not in capabilities
    ):
        terms = {"order_type": OrderType.STOP, "trigger_price": level}
        return terms | {"reduce_only": reduce_only}
    collar = STOP_LIMIT_COLLAR_PCT / 100 * (-1 if side is OrderSide.SELL else 1)
    limit = instrument.round_price(level * (1 + collar))
    return {
        "order_type": OrderType.STOP_LIMIT,
        "trigger_price": instrument.round_price(level),
        "price": limit,
        "reduce_only": reduce_only,
    }
