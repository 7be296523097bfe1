"""--state persistence: a restarted emulator continues with the saved orders and fills."""

from __future__ import annotations

from pathlib import Path

from ib_async import IB, LimitOrder, MarketOrder, Stock
from tests.venues.ib_emulator.rig import MINUTE_MS, T0_MS, make_market, wait_for

from tradewind.venues.emulation import PricePath, ReplayClock, ReplayFeed
from tradewind.venues.emulation.state import load_state, restore_state, save_state
from tradewind.venues.ib.emulator import DEFAULT_CREDENTIALS, build_emulator

_BARS = 30


def _path() -> PricePath:
    times = [T0_MS + i * MINUTE_MS for i in range(_BARS)]
    closes = [100 + i * 0.1 for i in range(_BARS)]
    return PricePath(
        "AAPL", MINUTE_MS, times, closes, [c + 1 for c in closes], [c - 1 for c in closes],
        closes, [100_000] * _BARS,
    )  # fmt: skip


def test_a_restored_emulator_keeps_orders_fills_and_order_ids(tmp_path: Path) -> None:
    wall = [1_000.0]
    clock = ReplayClock(T0_MS + 3 * MINUTE_MS, 1.0, 1_000.0, wall_s=lambda: wall[0])
    market = make_market()
    feed = ReplayFeed(market, clock, [_path()])
    server = build_emulator(market, DEFAULT_CREDENTIALS, feed=feed)
    server.start()
    ib = IB()
    try:
        ib.connect("127.0.0.1", server.port, clientId=3, timeout=5)
        [aapl] = ib.qualifyContracts(Stock("AAPL", "SMART", "USD"))
        bought = ib.placeOrder(aapl, MarketOrder("BUY", 10, orderRef="m"))
        resting = ib.placeOrder(aapl, LimitOrder("BUY", 5, 50, tif="GTC", orderRef="r"))
        assert wait_for(ib, lambda: bought.isDone() and resting.orderStatus.status == "Submitted")
    finally:
        ib.disconnect()
        server.stop()
    save_state(tmp_path / "ib.json", clock, market)

    state = load_state(tmp_path / "ib.json")
    assert state is not None
    wall[0] += 60.0  # a minute of market time passes while the emulator is down
    clock2 = ReplayClock(state.start_ms, state.speed, state.anchor_wall_s, wall_s=lambda: wall[0])
    market2 = make_market()
    feed2 = ReplayFeed(market2, clock2, [_path()])
    restore_state(state, market2, feed2)
    server2 = build_emulator(market2, DEFAULT_CREDENTIALS, feed=feed2)
    server2.start()
    again = IB()
    try:
        again.connect("127.0.0.1", server2.port, clientId=3, timeout=5)
        [open_trade] = again.openTrades()
        assert open_trade.order.orderRef == "r"
        assert [f.execution.orderRef for f in again.fills()] == ["m"]
        assert [p.position for p in again.positions()] == [10]
        assert again.client.getReqId() > resting.order.orderId
        bars = again.reqHistoricalData(aapl, "", "1 D", "1 min", "TRADES", True, 1)
        assert len(bars) == 4  # the bar that closed while the emulator was down included
    finally:
        again.disconnect()
        server2.stop()
