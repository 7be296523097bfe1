"""An engine order's terms as its venue can take them.

The engine works three kinds: market entries, stop-loss (stop-market) and take-profit
(limit) exits, both reduce-only. A spot exchange has no reduce-only flag and may have no
stop-market type: there a sell can only reduce what is held anyway, so the flag is
dropped, and a stop-loss becomes a stop-limit whose limit is `STOP_LIMIT_COLLAR_PCT`
beyond the trigger (it fills in all but a gap of that size).
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
    reduce_only = kind != KIND_MARKET
    if reduce_only and VenueCapability.REDUCE_ONLY.value not in capabilities:
        reduce_only = VenueCapability.SHORT.value in capabilities  # spot: sells only reduce
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
