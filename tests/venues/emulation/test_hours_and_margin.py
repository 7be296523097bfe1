"""Market hours, margin accounts, stop-market and DAY orders of the emulated market."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D  # noqa: N817

import pytest

from tradewind.venues.emulation import (
    FOREX_HOURS,
    EmulatedMarket,
    ExchangeHours,
    MarketSpec,
    NewOrder,
    OrderRejectedError,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)

HOUR_MS = 3_600_000
STOCK = SymbolSpec("AAPL", "USD", D("0.01"), D("1"), D("1"), D("0"))
EURUSD = SymbolSpec("EUR", "USD", D("0.00001"), D("1"), D("1"), D("0"))


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def stock_market(closed_orders: str = "queue") -> EmulatedMarket:
    spec = MarketSpec(
        commission_bps=D(0),
        margin_leverage=D(2),
        closed_market_orders=closed_orders,
        starting_balances={"USD": D("10000")},
    )
    market = EmulatedMarket({"AAPL": STOCK}, spec, hours={"AAPL": ExchangeHours("XNYS")})
    # Thursday 2018-05-31's session bar (the bundled daily bars close at 21:00 UTC).
    market.trade_bar("AAPL", ms("2018-05-31T00:00"), 100, 101, 99, 100, 1e6, ms("2018-05-31T21:00"))
    market.add_account("a")
    return market


def test_exchange_hours_follow_the_nyse_calendar() -> None:
    hours = ExchangeHours("XNYS")
    assert hours.is_open(ms("2018-06-01T15:00"))  # Friday 11:00 New York
    assert not hours.is_open(ms("2018-06-02T15:00"))  # Saturday
    assert hours.next_open_ms(ms("2018-06-02T15:00")) == ms("2018-06-04T13:30")
    assert hours.session_close_ms(ms("2018-06-01T15:00")) == ms("2018-06-01T20:00")


def test_forex_hours_close_from_friday_to_sunday_at_five_in_new_york() -> None:
    assert FOREX_HOURS.is_open(ms("2017-01-06T21:59"))
    assert not FOREX_HOURS.is_open(ms("2017-01-06T22:00"))
    assert not FOREX_HOURS.is_open(ms("2017-01-08T21:59"))
    assert FOREX_HOURS.is_open(ms("2017-01-08T22:00"))
    assert FOREX_HOURS.session_close_ms(ms("2017-01-04T10:00")) == ms("2017-01-06T22:00")


def test_a_market_order_while_closed_is_refused_where_the_venue_refuses_it() -> None:
    spec = MarketSpec(margin_leverage=D(50), starting_balances={"USD": D("10000")})
    market = EmulatedMarket({"EUR_USD": EURUSD}, spec, hours={"EUR_USD": FOREX_HOURS})
    market.add_account("a")
    market.trade_bar(
        "EUR_USD", ms("2017-01-06T21:00"), 1.05, 1.06, 1.04, 1.05, 1e6, ms("2017-01-06T22:00")
    )
    assert not market.is_open("EUR_USD")
    with pytest.raises(OrderRejectedError) as refused:
        market.place_order("a", NewOrder("EUR_USD", Side.BUY, OrderType.MARKET, qty=D(1000)))
    assert refused.value.reason is RejectReason.MARKET_CLOSED


def test_a_queued_market_order_fills_at_the_next_sessions_open() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-02T15:00"))  # Saturday
    placed = market.place_order("a", NewOrder("AAPL", Side.BUY, OrderType.MARKET, qty=D(10)))
    assert placed.order.status is OrderStatus.NEW
    assert not placed.trades
    trades = market.trade_bar(
        "AAPL", ms("2018-06-04T00:00"), 103, 104, 102, 103.5, 1e6, ms("2018-06-04T21:00")
    )
    assert [(t.price, t.qty) for t in trades] == [(D(103), D(10))]


def test_a_marketable_limit_does_not_fill_while_closed_and_ioc_expires() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-02T15:00"))
    gtc = market.place_order("a", NewOrder("AAPL", Side.BUY, OrderType.LIMIT, D(5), D(101)))
    ioc = market.place_order(
        "a", NewOrder("AAPL", Side.BUY, OrderType.LIMIT, D(5), D(101), tif=TimeInForce.IOC)
    )
    assert gtc.order.status is OrderStatus.NEW
    assert not gtc.trades
    assert ioc.order.status is OrderStatus.EXPIRED


def test_a_margin_account_can_sell_short_and_reports_the_position() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-01T15:00"))
    market.place_order("a", NewOrder("AAPL", Side.SELL, OrderType.MARKET, qty=D(20)))
    position = market.position("a", "AAPL")
    assert (position.qty, position.avg_price) == (D(-20), D(100))
    cash = {b.asset: b.free for b in market.balances("a")}
    assert cash["USD"] == D("12000")
    assert cash["AAPL"] == D(-20)
    market.place_order("a", NewOrder("AAPL", Side.BUY, OrderType.MARKET, qty=D(20)))
    assert market.position("a", "AAPL").qty == 0


def test_a_margin_order_past_leverage_times_equity_is_refused() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-01T15:00"))
    market.place_order("a", NewOrder("AAPL", Side.BUY, OrderType.MARKET, qty=D(150)))
    with pytest.raises(OrderRejectedError) as refused:  # 150 + 60 shares x 100 > 2 x 10,000
        market.place_order("a", NewOrder("AAPL", Side.BUY, OrderType.MARKET, qty=D(60)))
    assert refused.value.reason is RejectReason.INSUFFICIENT_MARGIN
    market.place_order("a", NewOrder("AAPL", Side.SELL, OrderType.MARKET, qty=D(150)))


def test_a_stop_market_order_fills_completely_at_its_stop_or_the_gapped_open() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-01T15:00"))
    new = NewOrder("AAPL", Side.SELL, OrderType.STOP, qty=D(30), stop_price=D(98))
    placed = market.place_order("a", new)
    assert placed.order.status is OrderStatus.NEW
    trades = market.trade_bar(
        "AAPL", ms("2018-06-04T00:00"), 97, 99, 96, 98, 10, ms("2018-06-04T21:00")
    )
    assert [(t.price, t.qty) for t in trades] == [(D(97), D(30))]  # gapped below the stop


def test_a_day_order_expires_after_its_sessions_last_bar() -> None:
    market = stock_market()
    market.advance_clock(ms("2018-06-04T15:00"))
    new = NewOrder("AAPL", Side.BUY, OrderType.LIMIT, D(5), D(90), tif=TimeInForce.DAY)
    placed = market.place_order("a", new)
    market.trade_bar("AAPL", ms("2018-06-04T00:00"), 100, 101, 99, 100, 1e6, ms("2018-06-04T21:00"))
    order = market.get_order("a", "AAPL", placed.order.order_id)
    assert order.status is OrderStatus.EXPIRED
