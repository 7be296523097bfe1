"""The emulated market's matching: fills, partial fills, IOC/FOK, stop-limit, balances, filters."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - short literals in tables

import pytest

from tradewind.venues.emulation import (
    EmulatedMarket,
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

ACCT = "key"
T0 = 1_700_000_040_000
BUY, SELL = Side.BUY, Side.SELL


def make_market(**spec: object) -> EmulatedMarket:
    symbols = {"BTCUSDT": SymbolSpec("BTC", "USDT", D("0.01"), D("0.001"), D("0.001"), D("5"))}
    market = EmulatedMarket(symbols, MarketSpec(**spec))  # type: ignore[arg-type]
    market.add_account(ACCT, {"USDT": D("10000"), "BTC": D("10")})
    market.trade_bar("BTCUSDT", T0, 100, 101, 99, 100, 40)
    return market


def limit(
    side: Side, qty: str, price: str, tif: TimeInForce = TimeInForce.GTC, **kw: object
) -> NewOrder:
    return NewOrder("BTCUSDT", side, OrderType.LIMIT, D(qty), D(price), tif=tif, **kw)  # type: ignore[arg-type]


def bar(market: EmulatedMarket, i: int, o: float, h: float, low: float, c: float, v: float) -> None:
    market.trade_bar("BTCUSDT", T0 + i * 60_000, o, h, low, c, v)


def free(market: EmulatedMarket, asset: str) -> D:
    return next(b.free for b in market.balances(ACCT) if b.asset == asset)


def locked(market: EmulatedMarket, asset: str) -> D:
    return next(b.locked for b in market.balances(ACCT) if b.asset == asset)


def test_a_market_buy_fills_completely_at_the_last_price_and_pays_quote_commission() -> None:
    market = make_market()
    placed = market.place_order(ACCT, NewOrder("BTCUSDT", BUY, OrderType.MARKET, D("2")))
    assert placed.order.status is OrderStatus.FILLED
    assert [(t.price, t.qty, t.commission, t.is_maker) for t in placed.trades] == [
        (D("100"), D("2"), D("0.2"), False)
    ]
    assert (free(market, "USDT"), free(market, "BTC")) == (D("9799.8"), D("12"))


def test_a_market_order_by_quote_amount_buys_whole_lots() -> None:
    market = make_market()
    placed = market.place_order(
        ACCT, NewOrder("BTCUSDT", BUY, OrderType.MARKET, quote_order_qty=D("150.05"))
    )
    assert placed.order.executed_qty == D("1.500")


def test_a_resting_buy_locks_quote_and_fills_at_min_of_price_and_open() -> None:
    market = make_market()
    order = market.place_order(ACCT, limit(BUY, "1", "98")).order
    assert locked(market, "USDT") == D("98.098")
    bar(market, 1, 97, 97.5, 96, 97, 100)
    filled = market.get_order(ACCT, "BTCUSDT", order.order_id)
    assert (filled.status, filled.cumulative_quote) == (OrderStatus.FILLED, D("97"))
    assert locked(market, "USDT") == 0
    assert free(market, "USDT") == D("10000") - D("97") - D("0.097")


def test_resting_orders_share_the_bar_volume_cap_oldest_first() -> None:
    market = make_market()
    first = market.place_order(ACCT, limit(SELL, "3", "101")).order
    second = market.place_order(ACCT, limit(SELL, "3", "101")).order
    trades = market.trade_bar("BTCUSDT", T0 + 60_000, 100, 102, 100, 101, 16)  # cap 4
    assert [(t.order_id, t.qty) for t in trades] == [
        (first.order_id, D("3")),
        (second.order_id, D("1")),
    ]
    assert market.get_order(ACCT, "BTCUSDT", second.order_id).status is OrderStatus.PARTIALLY_FILLED
    bar(market, 2, 101, 101.5, 100, 101, 100)
    assert market.get_order(ACCT, "BTCUSDT", second.order_id).status is OrderStatus.FILLED


def test_one_trade_per_order_per_bar() -> None:
    market = make_market(max_volume_share=D("1"))
    market.place_order(ACCT, limit(BUY, "5", "99"))
    assert len(market.trade_bar("BTCUSDT", T0 + 60_000, 99, 99, 98, 98, 2)) == 1


@pytest.mark.parametrize(
    ("tif", "status", "executed"),
    [
        (TimeInForce.IOC, OrderStatus.EXPIRED, D("2")),
        (TimeInForce.FOK, OrderStatus.EXPIRED, D("0")),
        (TimeInForce.GTC, OrderStatus.PARTIALLY_FILLED, D("2")),
    ],
)
def test_a_marketable_limit_beyond_the_immediate_share_follows_its_time_in_force(
    tif: TimeInForce, status: OrderStatus, executed: D
) -> None:
    market = make_market(immediate_fill_share=D("0.05"))  # 5% of 40 = 2
    placed = market.place_order(ACCT, limit(BUY, "3", "100.5", tif))
    assert (placed.order.status, placed.order.executed_qty) == (status, executed)
    if tif is not TimeInForce.GTC:
        assert locked(market, "USDT") == 0


def test_a_non_marketable_ioc_expires_at_once() -> None:
    market = make_market()
    placed = market.place_order(ACCT, limit(BUY, "1", "99", TimeInForce.IOC))
    assert (placed.order.status, placed.trades) == (OrderStatus.EXPIRED, ())


def test_a_stop_limit_waits_for_its_trigger_then_fills_from_the_stop() -> None:
    market = make_market()
    stop = NewOrder(
        "BTCUSDT", SELL, OrderType.STOP_LIMIT, D("1"), price=D("97"), stop_price=D("98")
    )
    order = market.place_order(ACCT, stop).order
    assert order.working_time_ms is None
    assert market.trade_bar("BTCUSDT", T0 + 60_000, 100, 100, 98.5, 99, 100) == []
    trades = market.trade_bar("BTCUSDT", T0 + 120_000, 99, 99, 96, 96.5, 100)
    assert [t.price for t in trades] == [D("98")]


def test_a_stop_that_would_trigger_immediately_is_refused() -> None:
    market = make_market()
    stop = NewOrder("BTCUSDT", BUY, OrderType.STOP_LIMIT, D("1"), price=D("99"), stop_price=D("99"))
    with pytest.raises(OrderRejectedError) as caught:
        market.place_order(ACCT, stop)
    assert caught.value.reason is RejectReason.WOULD_TRIGGER_IMMEDIATELY


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (limit(BUY, "1", "99.995"), RejectReason.PRICE_FILTER),
        (limit(BUY, "1.0005", "99"), RejectReason.LOT_SIZE),
        (limit(BUY, "0.001", "99"), RejectReason.MIN_NOTIONAL),
        (limit(BUY, "200", "99"), RejectReason.INSUFFICIENT_BALANCE),
        (limit(SELL, "11", "120"), RejectReason.INSUFFICIENT_BALANCE),
        (NewOrder("ETHUSDT", BUY, OrderType.MARKET, D("1")), RejectReason.UNKNOWN_SYMBOL),
    ],
)
def test_invalid_orders_are_refused_with_a_reason(order: NewOrder, reason: RejectReason) -> None:
    market = make_market()
    with pytest.raises(OrderRejectedError) as caught:
        market.place_order(ACCT, order)
    assert caught.value.reason is reason
    assert market.orders(ACCT) == []


def test_a_client_id_is_unique_among_open_orders_only() -> None:
    market = make_market()
    market.place_order(ACCT, limit(BUY, "1", "90", client_order_id="c1"))
    with pytest.raises(OrderRejectedError) as caught:
        market.place_order(ACCT, limit(BUY, "1", "90", client_order_id="c1"))
    assert caught.value.reason is RejectReason.DUPLICATE_ORDER
    market.cancel_order(ACCT, "BTCUSDT", client_order_id="c1")
    assert market.place_order(ACCT, limit(BUY, "1", "90", client_order_id="c1")).order.order_id == 2


def test_cancel_releases_the_locked_funds_and_a_second_cancel_is_unknown() -> None:
    market = make_market()
    order = market.place_order(ACCT, limit(SELL, "2", "150")).order
    assert locked(market, "BTC") == D("2")
    assert market.cancel_order(ACCT, "BTCUSDT", order.order_id).status is OrderStatus.CANCELED
    assert (free(market, "BTC"), locked(market, "BTC")) == (D("10"), D("0"))
    with pytest.raises(OrderRejectedError):
        market.cancel_order(ACCT, "BTCUSDT", order.order_id)


def test_times_are_on_the_market_clock() -> None:
    market = make_market()
    market.advance_clock(T0 + 90_000)
    placed = market.place_order(ACCT, NewOrder("BTCUSDT", BUY, OrderType.MARKET, D("1")))
    assert (placed.order.time_ms, placed.trades[0].time_ms) == (T0 + 90_000, T0 + 90_000)


def test_bars_must_come_in_time_order_and_be_consistent() -> None:
    market = make_market()
    with pytest.raises(ValueError, match="must be after"):
        market.trade_bar("BTCUSDT", T0, 100, 101, 99, 100, 1)
    with pytest.raises(ValueError, match="expected low <= open"):
        market.trade_bar("BTCUSDT", T0 + 60_000, 100, 99, 98, 100, 1)
