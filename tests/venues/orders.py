"""Order and bar builders shared by the simulated venue's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.domain import (
    ClientOrderId,
    InstrumentId,
    Order,
    OrderEvent,
    OrderFilled,
    OrderSide,
    OrderType,
    StrategyId,
)

T0 = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
HOUR_NS = 3_600 * 1_000_000_000
BUY, SELL = OrderSide.BUY, OrderSide.SELL
SPY_ID = InstrumentId("SPY", "SIM")


def bar_ns(k: int) -> int:
    """The open instant (ns) of the k-th hourly bar from T0."""
    return int(T0.timestamp()) * 1_000_000_000 + k * HOUR_NS


def order(
    n: int,
    side: OrderSide,
    qty: str,
    kind: OrderType = OrderType.MARKET,
    *,
    price: str | None = None,
    trigger: str | None = None,
    reduce_only: bool = False,
    instrument: InstrumentId = SPY_ID,
    at: int = 0,
) -> Order:
    """Order `run-n`, created `at` hours after T0."""
    return Order(
        client_order_id=ClientOrderId(f"run-{n}"),
        strategy_id=StrategyId("sma_cross"),
        instrument_id=instrument,
        side=side,
        order_type=kind,
        quantity=Decimal(qty),
        price=None if price is None else Decimal(price),
        trigger_price=None if trigger is None else Decimal(trigger),
        reduce_only=reduce_only,
        created_at=T0 + timedelta(hours=at),
    )


def fills(events: list[OrderEvent]) -> list[tuple[str, Decimal, Decimal]]:
    """(client order id, quantity, price) of each fill among `events`."""
    return [
        (str(e.client_order_id), e.last_qty, e.last_price)
        for e in events
        if isinstance(e, OrderFilled)
    ]
