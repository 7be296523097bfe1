"""Engine orders as their venue can take them: spot exchanges get no reduce-only flag
and a stop-limit for a stop-loss when they have no stop-market type."""

from __future__ import annotations

from decimal import Decimal

from tradewind.app.order_terms import venue_terms
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.order_enums import OrderSide, OrderType
from tradewind.engine.kernel import KIND_MARKET, KIND_STOP_LOSS, KIND_TAKE_PROFIT

BTC = Instrument.for_symbol("BTC-USDT", MarketClass.CRYPTO, price_tick="0.01")
SPOT = {"market", "limit", "stop_limit", "ioc", "fok"}
SIM = {"market", "limit", "stop", "stop_limit", "reduce_only", "short"}


def test_the_simulator_takes_the_engines_terms_as_they_are() -> None:
    terms = venue_terms(KIND_STOP_LOSS, OrderSide.SELL, Decimal("95.5"), BTC, SIM)
    assert terms == {"order_type": OrderType.STOP, "trigger_price": Decimal("95.5"),
                     "reduce_only": True}  # fmt: skip
    take = venue_terms(KIND_TAKE_PROFIT, OrderSide.SELL, Decimal("120"), BTC, SIM)
    assert take == {"order_type": OrderType.LIMIT, "price": Decimal("120"), "reduce_only": True}


def test_a_spot_exchange_gets_a_stop_limit_one_percent_beyond_and_no_reduce_only() -> None:
    sell = venue_terms(KIND_STOP_LOSS, OrderSide.SELL, Decimal("100.004"), BTC, SPOT)
    assert sell["order_type"] is OrderType.STOP_LIMIT
    assert sell["trigger_price"] == Decimal("100.00")
    assert sell["price"] == Decimal("99.00")
    assert sell["reduce_only"] is False
    buy = venue_terms(KIND_STOP_LOSS, OrderSide.BUY, Decimal("100"), BTC, SPOT)
    assert buy["price"] == Decimal("101.00")
    entry = venue_terms(KIND_MARKET, OrderSide.BUY, Decimal("0"), BTC, SPOT)
    assert entry == {"order_type": OrderType.MARKET, "reduce_only": False}


def test_a_broker_without_reduce_only_gets_exits_as_plain_orders() -> None:
    caps = {"limit", "stop", "short"}  # Alpaca, Interactive Brokers
    take = venue_terms(KIND_TAKE_PROFIT, OrderSide.SELL, Decimal("1"), BTC, caps)
    stop = venue_terms(KIND_STOP_LOSS, OrderSide.SELL, Decimal("1"), BTC, caps)
    assert take["reduce_only"] is False
    assert stop == {"order_type": OrderType.STOP, "trigger_price": Decimal("1"),
                    "reduce_only": False}  # fmt: skip
