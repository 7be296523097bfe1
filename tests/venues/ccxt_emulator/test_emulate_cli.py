"""`tradewind emulate binance` as a process: prints its URL, serves ccxt, exits 0 on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import ccxt
import pytest
from tests.venues.emulation.ccxt_urls import point_ccxt_at

pytestmark = pytest.mark.slow


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tradewind.cli.main", "emulate", "binance", "--port", "0", *args],
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
