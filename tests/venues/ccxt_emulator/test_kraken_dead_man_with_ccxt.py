"""Kraken's dead man's switch (`CancelAllOrdersAfter`) in the emulator, driven by the
real ccxt `kraken` class: a wall-clock countdown per key that cancels every open order
of that key when it runs out."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from decimal import Decimal as D  # noqa: N817 - short literals in tables

import ccxt
import pytest
from tests.venues.ccxt_emulator.wire_rig import WireRig, wire_rig

from tradewind.venues.ccxt.emulator.kraken import KrakenDialect
from tradewind.venues.emulation import EmulatedMarket, MarketSpec

KEY = "kraken-dead-man-key"
SECRET = base64.b64encode(b"kraken dead man secret").decode()
OTHER_KEY = "kraken-other-key"
OTHER_SECRET = base64.b64encode(b"kraken other secret").decode()
_ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture
def rig() -> Iterator[WireRig]:
    specs = {pair: spec for pair, (_, spec) in KrakenDialect.bundled_symbols.items()}
    market = EmulatedMarket(specs, MarketSpec(starting_balances={"ZUSD": D("100000")}))
    credentials = {KEY: SECRET, OTHER_KEY: OTHER_SECRET}
    with wire_rig("kraken", market, credentials, primary="XXBTZUSD", second="XETHZUSD") as rig:
        yield rig


@pytest.fixture
def ex(rig: WireRig) -> ccxt.kraken:
    exchange = rig.client()
    exchange.load_markets()
    return exchange


def _open_count(rig: WireRig, key: str = KEY) -> int:
    return len(rig.market.open_orders(key))


def _wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.05)
    return done()


def test_an_armed_countdown_cancels_every_open_order_of_the_key_when_it_runs_out(
    rig: WireRig, ex: ccxt.kraken
) -> None:
    other = rig.client(OTHER_KEY, OTHER_SECRET)
    other.load_markets()
    other.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    ex.create_order("ETH/USD", "limit", "buy", 1.0, 9.0)
    armed_at = time.monotonic()
    answer = ex.cancel_all_orders_after(1000)
    assert answer["error"] == []
    assert _ISO_SECONDS.fullmatch(answer["result"]["currentTime"])
    assert _ISO_SECONDS.fullmatch(answer["result"]["triggerTime"])
    assert answer["result"]["triggerTime"] > answer["result"]["currentTime"]
    assert _open_count(rig) == 2
    assert _wait_until(lambda: _open_count(rig) == 0, timeout_s=3.0)
    assert time.monotonic() - armed_at >= 0.9
    closed = ex.fetch_closed_orders()
    assert {o["status"] for o in closed} == {"canceled"}
    assert _open_count(rig, OTHER_KEY) == 1  # another key's orders are not touched


def test_re_arming_restarts_the_countdown(rig: WireRig, ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    for _ in range(4):
        ex.cancel_all_orders_after(1000)
        time.sleep(0.5)
    assert _open_count(rig) == 1
    assert _wait_until(lambda: _open_count(rig) == 0, timeout_s=2.0)


def test_zero_disarms_the_countdown(rig: WireRig, ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    ex.cancel_all_orders_after(1000)
    answer = ex.cancel_all_orders_after(0)
    assert answer["result"]["triggerTime"] == "0"
    time.sleep(1.5)
    assert _open_count(rig) == 1


@pytest.mark.parametrize("timeout", ["-1", "1.5", "86400", "soon", ""])
def test_a_bad_timeout_is_refused_as_invalid_arguments(ex: ccxt.kraken, timeout: str) -> None:
    with pytest.raises(ccxt.ExchangeError, match="EGeneral:Invalid arguments:timeout"):
        ex.privatePostCancelAllOrdersAfter({"timeout": timeout})


def test_the_countdown_is_signed_like_every_private_call(rig: WireRig) -> None:
    stranger = rig.client("nobody", SECRET)
    with pytest.raises(ccxt.AuthenticationError):
        stranger.privatePostCancelAllOrdersAfter({"timeout": 60})
    assert not rig.server.dialect.dead_man.armed("nobody")
