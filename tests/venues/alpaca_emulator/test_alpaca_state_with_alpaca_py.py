"""The Alpaca emulator's `--state` persistence: orders, fills and positions survive a restart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderStatus
from alpaca.trading.requests import LimitOrderRequest, MarketOrderRequest
from tests.venues.alpaca_emulator.rig import KEY, SECRET, ms

import tradewind
from tradewind.venues.alpaca.emulator import BUNDLED, AlpacaServer, build_emulator, build_market
from tradewind.venues.alpaca.emulator.bundle import complete_bars
from tradewind.venues.emulation import EmulatedMarket, PricePath, ReplayClock, ReplayFeed
from tradewind.venues.emulation.state import load_state, restore_state, save_state

_DAY_MS = 86_400_000
_START_MS = ms("2003-06-03T15:00:00")  # Tuesday, 11:00 New York: open


def _aapl_path() -> PricePath:
    catalog = Path(tradewind.__file__).parent / "data" / "bundled" / "catalog"
    frame = pd.read_parquet(
        catalog / "market=equities" / "symbol=AAPL" / "timeframe=1d" / "bars.parquet"
    )
    bars = complete_bars(*(frame[c].tolist() for c in ("open", "high", "low", "close", "volume")))
    return PricePath(
        "AAPL",
        _DAY_MS,
        [int(t.timestamp() * 1000) for t in frame["timestamp"]],
        bars.open,
        bars.high,
        bars.low,
        bars.close,
        bars.volume,
    )


def _serve(clock: ReplayClock, path: PricePath) -> tuple[EmulatedMarket, ReplayFeed, AlpacaServer]:
    market = build_market({"AAPL": BUNDLED["AAPL"]})
    feed = ReplayFeed(market, clock, [path])
    return market, feed, build_emulator(market, {KEY: SECRET}, feed=feed)


def test_orders_fills_and_positions_survive_a_restart_with_saved_state(tmp_path: Path) -> None:
    wall_s = [0.0]
    path = _aapl_path()
    clock = ReplayClock(_START_MS, 1.0, anchor_wall_s=0.0, wall_s=lambda: wall_s[0])
    market, _, server = _serve(clock, path)
    client = TradingClient(KEY, SECRET, paper=True, url_override=server.start())
    bought = client.submit_order(
        MarketOrderRequest(symbol="AAPL", qty=10, side="buy", time_in_force="day")
    )
    resting = client.submit_order(
        LimitOrderRequest(
            symbol="AAPL",
            qty=5,
            side="buy",
            time_in_force="gtc",
            limit_price=1,
            client_order_id="keep-me",
        )
    )
    state_file = tmp_path / "alpaca.json"
    save_state(state_file, clock, market)
    server.stop()

    wall_s[0] += 2 * 86_400  # two days later
    state = load_state(state_file)
    assert state is not None
    clock2 = ReplayClock(state.start_ms, state.speed, state.anchor_wall_s, wall_s=lambda: wall_s[0])
    market2, feed2, server2 = _serve(clock2, path)
    restore_state(state, market2, feed2)
    client2 = TradingClient(KEY, SECRET, paper=True, url_override=server2.start())
    try:
        again = client2.get_order_by_client_id("keep-me")
        assert (again.id, again.status, again.limit_price) == (resting.id, OrderStatus.NEW, "1")
        assert client2.get_order_by_id(bought.id).filled_avg_price == bought.filled_avg_price
        (position,) = client2.get_all_positions()
        assert (position.symbol, position.qty) == ("AAPL", "10")
        assert len(client2.get("/account/activities")) == 1
        assert client2.get_clock().timestamp.date().isoformat() == "2003-06-05"
    finally:
        server2.stop()
