"""The replay clock, the lazy feed of a price path, and kline aggregation."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - short literals in tables

import pytest

from tradewind.venues.emulation import (
    EmulatedMarket,
    MarketSpec,
    PricePath,
    ReplayClock,
    ReplayFeed,
    SymbolSpec,
    UnsupportedIntervalError,
    aggregate_klines,
)

HOUR = 3_600_000
T0 = 1_700_006_400_000  # a whole hour


class Wall:
    def __init__(self) -> None:
        self.s = 5000.0

    def __call__(self) -> float:
        return self.s


def market() -> EmulatedMarket:
    spec = SymbolSpec("BTC", "USDT", D("0.01"), D("0.001"), D("0.001"), D("5"))
    return EmulatedMarket({"BTCUSDT": spec}, MarketSpec(bar_interval_ms=HOUR))


def path(n: int) -> PricePath:
    opens = [T0 + i * HOUR for i in range(n)]
    closes = [100 + i for i in range(n)]
    return PricePath(
        "BTCUSDT",
        HOUR,
        opens,
        closes,
        [c + 1 for c in closes],
        [c - 1 for c in closes],
        closes,
        [10] * n,
    )


def test_the_clock_maps_wall_time_to_market_time_at_its_speed() -> None:
    wall = Wall()
    clock = ReplayClock(T0, speed=60.0, wall_s=wall)
    wall.s += 2.5
    assert clock.now_ms() == T0 + 150_000


def test_the_feed_trades_only_bars_whose_close_has_passed() -> None:
    wall, m = Wall(), market()
    feed = ReplayFeed(m, ReplayClock(T0, speed=3600.0, wall_s=wall), [path(10)])
    assert feed.sync() == T0
    assert m.bar_count("BTCUSDT") == 0
    wall.s += 2.5  # 2.5 market hours
    feed.sync()
    assert (m.bar_count("BTCUSDT"), m.now_ms, m.last_price("BTCUSDT")) == (
        2,
        T0 + 9_000_000,
        D(101),
    )
    assert feed.next_close_ms() == T0 + 3 * HOUR


def test_klines_aggregate_base_bars_and_serve_the_one_in_progress_last() -> None:
    m = market()
    for i in range(6):
        m.trade_bar("BTCUSDT", T0 + i * HOUR, 100 + i, 101 + i, 99 + i, 100 + i, 10)
    klines = aggregate_klines(m.bars("BTCUSDT"), HOUR, 4 * HOUR, T0 + 6 * HOUR)
    assert [(k.open_time_ms, k.open, k.high, k.low, k.close, k.volume) for k in klines] == [
        (T0, D(100), D(104), D(99), D(103), D(40)),
        (T0 + 4 * HOUR, D(104), D(106), D(103), D(105), D(20)),
    ]
    assert klines[-1].close_time_ms == T0 + 8 * HOUR  # in progress: closes in the future


def test_an_in_progress_kline_without_closed_bars_repeats_the_previous_close() -> None:
    m = market()
    m.trade_bar("BTCUSDT", T0, 100, 101, 99, 100.5, 10)
    klines = aggregate_klines(m.bars("BTCUSDT"), HOUR, HOUR, T0 + HOUR + 5)
    last = klines[-1]
    assert (last.open_time_ms, last.open, last.close, last.volume) == (
        T0 + HOUR,
        D("100.5"),
        D("100.5"),
        0,
    )


def test_klines_honour_start_and_limit() -> None:
    m = market()
    for i in range(6):
        m.trade_bar("BTCUSDT", T0 + i * HOUR, 100, 101, 99, 100, 10)
    bars = m.bars("BTCUSDT")
    assert [
        k.open_time_ms
        for k in aggregate_klines(bars, HOUR, HOUR, T0 + 6 * HOUR, start_ms=T0 + HOUR, limit=2)
    ] == [
        T0 + HOUR,
        T0 + 2 * HOUR,
    ]
    assert len(aggregate_klines(bars, HOUR, HOUR, T0 + 6 * HOUR, limit=3)) == 3


def test_an_interval_not_a_multiple_of_the_base_is_refused() -> None:
    with pytest.raises(UnsupportedIntervalError):
        aggregate_klines([], HOUR, 90 * 60_000, T0)
    with pytest.raises(UnsupportedIntervalError):
        aggregate_klines([], HOUR, 60_000, T0)
