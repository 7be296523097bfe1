"""Injected faults, --state save and restore, and the pricing / transaction streams."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tradewind.venues.emulation import PricePath, ReplayClock, ReplayFeed
from tradewind.venues.emulation.state import load_state, restore_state, save_state
from tradewind.venues.oanda.emulator import DEFAULT_CREDENTIALS, build_emulator

from .rig import HOUR_MS, T0_MS, Rig, forex_market, rig


def test_http429_fault_answers_v20_style_and_places_nothing(emu: Rig) -> None:
    assert emu.get("/summary").status_code == 200
    emu.faults.arm("http429", path_prefix=emu.account + "/orders", method="POST")
    answer = emu.order(type="MARKET", instrument="EUR_USD", units="10")
    assert answer.status_code == 429
    assert "errorMessage" in answer.json()
    assert answer.headers["Retry-After"] == "1"
    assert emu.market.orders(emu.account.rsplit("/", 1)[1]) == []


def test_reject_fault_refuses_the_order_with_a_reject_transaction(emu: Rig) -> None:
    emu.faults.arm("reject", path_prefix=emu.account + "/orders", method="POST")
    answer = emu.order(type="MARKET", instrument="EUR_USD", units="10")
    assert answer.status_code == 400
    assert answer.json()["orderRejectTransaction"]["type"] == "MARKET_ORDER_REJECT"
    assert emu.order(type="MARKET", instrument="EUR_USD", units="10").status_code == 201


def test_drop_fault_closes_the_connection_without_an_answer(emu: Rig) -> None:
    emu.faults.arm("drop", path_prefix=emu.account + "/summary")
    with pytest.raises(httpx.TransportError):
        emu.get("/summary")
    assert emu.get("/summary").status_code == 200


def test_duplicate_ack_fault_answers_a_reused_client_id_with_the_first_order(emu: Rig) -> None:
    spec = {
        "type": "MARKET",
        "instrument": "EUR_USD",
        "units": "10",
        "clientExtensions": {"id": "once"},
    }
    first = emu.order(**spec).json()
    emu.faults.arm("duplicate_ack", path_prefix=emu.account + "/orders", method="POST")
    again = emu.order(**spec)
    assert again.status_code == 201
    assert again.json()["orderCreateTransaction"] == first["orderCreateTransaction"]
    assert len(emu.get("/openTrades").json()["trades"]) == 1


def _path(hours: int) -> PricePath:
    prices = [f"1.04{i:03d}" for i in range(hours)]
    return PricePath(
        "EUR_USD",
        HOUR_MS,
        [T0_MS + i * HOUR_MS for i in range(hours)],
        prices,
        [f"1.05{i:03d}" for i in range(hours)],
        [f"1.03{i:03d}" for i in range(hours)],
        prices,
        ["100000000"] * hours,
    )


def test_state_saved_and_restored_keeps_ids_orders_trades_and_balance(tmp_path: Path) -> None:
    state_file = tmp_path / "oanda.json"
    wall = [1_000.0]
    clock = ReplayClock(T0_MS + 10 * HOUR_MS, 1.0, anchor_wall_s=1_000.0, wall_s=lambda: wall[0])
    market = forex_market()
    feed = ReplayFeed(market, clock, [_path(48)])
    feed.sync()
    with rig(market, feed=feed) as emu:
        emu.order(type="MARKET", instrument="EUR_USD", units="1000")
        emu.order(
            type="LIMIT",
            instrument="EUR_USD",
            units="-500",
            price="1.06000",
            clientExtensions={"id": "keep"},
        )
        before = {p: emu.get(p).json() for p in ("/openTrades", "/orders/@keep", "/summary")}
    save_state(state_file, clock, market)

    state = load_state(state_file)
    assert state is not None
    restored = forex_market()
    feed2 = ReplayFeed(
        restored,
        ReplayClock(state.start_ms, state.speed, state.anchor_wall_s, wall_s=lambda: wall[0]),
        [_path(48)],
    )
    restore_state(state, restored, feed2)
    with rig(restored, feed=feed2) as emu:
        after = {p: emu.get(p).json() for p in ("/openTrades", "/orders/@keep", "/summary")}
    assert after["/openTrades"] == before["/openTrades"]
    assert after["/orders/@keep"] == before["/orders/@keep"]
    for key in ("balance", "NAV", "openTradeCount", "pendingOrderCount", "lastTransactionID"):
        assert after["/summary"]["account"][key] == before["/summary"]["account"][key]


def _read_lines(stream: Iterator[str], count: int) -> list[dict[str, object]]:
    lines = []
    for line in stream:
        if line:
            lines.append(json.loads(line))
        if len(lines) >= count:
            break
    return lines


def test_pricing_stream_sends_prices_on_change_and_heartbeats() -> None:
    market = forex_market()
    market.trade_bar("EUR_USD", T0_MS, "1.04", "1.05", "1.03", "1.04", 1)
    with rig(market, heartbeat_s=0.2) as emu:
        url = emu.account + "/pricing/stream"
        with emu.http.stream("GET", url, params={"instruments": "EUR_USD"}) as response:
            assert response.status_code == 200
            stream = response.iter_lines()
            first, beat = _read_lines(stream, 2)
            assert first["type"] == "PRICE"
            assert first["closeoutBid"] == "1.03993"
            assert beat["type"] == "HEARTBEAT"
            market.trade_bar("EUR_USD", T0_MS + HOUR_MS, "1.04", "1.05", "1.03", "1.04500", 1)
            moved = next(line for line in _read_lines(stream, 4) if line["type"] == "PRICE")
            assert moved["closeoutAsk"] == "1.04507"


def test_transaction_stream_sends_new_transactions() -> None:
    with rig(heartbeat_s=0.2) as emu:
        url = emu.account + "/transactions/stream"
        with emu.http.stream("GET", url) as response:
            assert response.status_code == 200
            placed = threading.Timer(
                0.1,
                lambda: httpx.post(
                    emu.server.base_url + emu.account + "/orders",
                    json={"order": {"type": "MARKET", "instrument": "EUR_USD", "units": "5"}},
                    headers=dict(emu.http.headers),
                ),
            )
            placed.start()
            kinds = [line["type"] for line in _read_lines(response.iter_lines(), 4)]
            placed.join()
        assert "MARKET_ORDER" in kinds
        assert "ORDER_FILL" in kinds


def test_streams_end_when_the_server_stops() -> None:
    market = forex_market()
    market.trade_bar("EUR_USD", T0_MS, "1.04", "1.05", "1.03", "1.04", 1)
    server = build_emulator(market, DEFAULT_CREDENTIALS, heartbeat_s=0.1)
    base = server.start()
    token = next(iter(DEFAULT_CREDENTIALS))
    account = DEFAULT_CREDENTIALS[token]
    with httpx.stream(
        "GET",
        f"{base}/v3/accounts/{account}/pricing/stream?instruments=EUR_USD",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5.0,
    ) as response:
        stream = response.iter_lines()
        _read_lines(stream, 1)
        server.stop()
        stopped = time.monotonic()
        with contextlib.suppress(httpx.HTTPError):  # cut off, or ended with the last chunk
            for _ in stream:
                if time.monotonic() - stopped > 3:
                    pytest.fail("the stream still sends 3 s after the server stopped")
        assert time.monotonic() - stopped < 3
