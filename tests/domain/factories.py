"""Small builders shared by the domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.domain import (
    ClientOrderId,
    InstrumentId,
    Order,
    OrderSide,
    OrderType,
    StrategyId,
    TradeId,
)
from tradewind.domain.fill import Fill

T0 = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)
BTC = InstrumentId("BTC-USD", "SIM")
COID = ClientOrderId("O-1")
STRATEGY = StrategyId("ema_cross")


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def limit_order(quantity: str = "2", price: str = "100", side: OrderSide = OrderSide.BUY) -> Order:
    return Order(
        client_order_id=COID,
        strategy_id=STRATEGY,
        instrument_id=BTC,
        side=side,
        order_type=OrderType.LIMIT,
        quantity=Decimal(quantity),
        price=Decimal(price),
        created_at=T0,
    )


def fill(
    side: OrderSide,
    quantity: str | Decimal,
    price: str | Decimal,
    trade: str,
    commission: str = "0",
    instrument_id: InstrumentId = BTC,
) -> Fill:
    return Fill(
        client_order_id=COID,
        venue_order_id=None,
        trade_id=TradeId(trade),
        instrument_id=instrument_id,
        side=side,
        quantity=Decimal(quantity),
        price=Decimal(price),
        ts=T0,
        commission=Decimal(commission),
    )
