"""Small records standing in for a venue adapter's own (tests of the shared pieces)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timestamps import instant_from_ns

__all__ = ["INSTRUMENT", "Fill", "Record", "VenueState", "at", "order"]

INSTRUMENT = InstrumentId("BTC-USD", "TEST")


def at(ms: int) -> datetime:
    return instant_from_ns(ms * 1_000_000)


def order(name: str, qty: str = "2", *, instrument_id: InstrumentId | None = None) -> Order:
    return Order(
        client_order_id=ClientOrderId(name),
        strategy_id=StrategyId("t"),
        instrument_id=instrument_id or INSTRUMENT,
        side=OrderSide.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal(qty),
        price=Decimal("100"),
        time_in_force=TimeInForce.GTC,
        created_at=at(1_000),
    )


@dataclass(slots=True, eq=False)
class Record:
    """An adapter's tracked order: the fields the shared pieces need."""

    order: Order
    symbol: str
    seq: int
    outcome_unknown: bool = False
    reason: str = ""
    emitted: set[str] = field(default_factory=set)
    fills: dict[str, Fill] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VenueState:
    venue_order_id: str
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    venue_order_id: str
    trade_id: str
