"""`tradewind emulate binance|kraken` as a process: prints its URL, serves ccxt, exits 0 on
SIGTERM; the facade takes each exchange's symbols, balances and default secret."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
from pathlib import Path

import ccxt
import pytest
from tests.venues.emulation.ccxt_urls import point_ccxt_at

from tradewind.app.emulator_commands import (
    EmulateOptions,
    EmulatorOptionError,
    default_secret,
    start_emulator,
)

pytestmark = pytest.mark.slow


def _start(*args: str, exchange: str = "binance") -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tradewind.cli.main", "emulate", exchange, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("listening on http://127.0.0.1:"), line
    return process, line.removeprefix("listening on ")


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=20)


def test_emulate_prints_its_url_serves_ccxt_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    process, url = _start("--symbols", "BTCUSDT", "--speed", "3600", "--state", str(state))
    try:
        exchange = ccxt.binance(
            {"apiKey": "rehearsal-key", "secret": "rehearsal-secret", "enableRateLimit": False}
        )
        point_ccxt_at(exchange, url)
        exchange.load_markets()
        assert len(exchange.fetch_ohlcv("BTC/USDT", "1h", limit=2)) == 2
        order = exchange.create_order("BTC/USDT", "limit", "buy", 0.01, 1000.0)
    finally:
        code = _stop(process)
    assert code == 0
    assert '"client_order_id"' in state.read_text()
    process, url = _start("--state", str(state), "--symbols", "BTCUSDT")
    try:
        point_ccxt_at(exchange, url)
        assert exchange.fetch_order(order["id"], "BTC/USDT")["status"] == "open"
    finally:
        assert _stop(process) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--faults", "lag=1"], "--faults: faults: unknown key 'lag'"),
        (["--symbols", "DOGEUSDT"], "--symbols 'DOGEUSDT': expected a comma list"),
        (["--start", "yesterday"], "--start 'yesterday': expected an ISO date"),
    ],
)
def test_a_bad_option_exits_2_naming_it(args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", "emulate", "binance", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())


def test_emulate_kraken_serves_ccxt_kraken_with_the_base64_default_secret() -> None:
    process, url = _start("--speed", "3600", exchange="kraken")
    try:
        exchange = ccxt.kraken(
            {
                "apiKey": "rehearsal-key",
                "secret": base64.b64encode(b"rehearsal-secret").decode(),
                "enableRateLimit": False,
            }
        )
        point_ccxt_at(exchange, url)
        exchange.load_markets()
        assert {"BTC/USD", "ETH/USD", "LTC/USD"} <= set(exchange.markets)
        assert exchange.fetch_ticker("BTC/USD")["last"] > 0
        assert isinstance(exchange.fetch_balance()["total"], dict)  # signed: the secret passed
    finally:
        assert _stop(process) == 0


@pytest.mark.parametrize(
    ("exchange", "symbols", "cash"),
    [
        ("binance", ["BTCUSDT", "ETHUSDT", "LTCUSDT"], "USDT"),
        ("kraken", ["XXBTZUSD", "XETHZUSD", "XLTCZUSD"], "ZUSD"),
    ],
)
def test_the_facade_serves_each_exchanges_bundled_symbols_and_default_balances(
    exchange: str, symbols: list[str], cash: str
) -> None:
    running = start_emulator(EmulateOptions(exchange=exchange))
    try:
        assert list(running.market.symbols) == symbols
        running.market.add_account("someone")
        balances = {b.asset: b.free for b in running.market.balances("someone")}
        assert balances == {cash: 1_000_000}
    finally:
        running.stop()


def test_kraken_symbols_are_chosen_by_pair_id_and_a_binance_symbol_is_refused() -> None:
    running = start_emulator(EmulateOptions(exchange="kraken", symbols="xethzusd"))
    try:
        assert list(running.market.symbols) == ["XETHZUSD"]
    finally:
        running.stop()
    with pytest.raises(EmulatorOptionError, match="expected a comma list of XXBTZUSD"):
        start_emulator(EmulateOptions(exchange="kraken", symbols="BTCUSDT"))


def test_the_default_secret_is_base64_for_kraken_and_plain_for_binance() -> None:
    assert default_secret("binance") == "rehearsal-secret"
    assert base64.b64decode(default_secret("kraken"), validate=True) == b"rehearsal-secret"


def test_a_secret_kraken_cannot_use_is_an_option_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADEWIND_EMULATOR_SECRET", "not base64!")
    with pytest.raises(EmulatorOptionError, match=r"TRADEWIND_EMULATOR_SECRET.*base64"):
        start_emulator(EmulateOptions(exchange="kraken", symbols="XXBTZUSD"))
