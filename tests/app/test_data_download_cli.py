"""`tradewind data download` end to end: ccxt's binance client against the in-process
Binance emulator on 127.0.0.1, run as the console script runs (exit codes, both streams)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.cli import CliResult, run_cli

from tradewind.data.catalog import Catalog
from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import EmulatedMarket, MarketSpec, SymbolSpec

from ._fake_exchange import HOUR_MS, T0_MS, FakeExchange, hourly_candles

N_BARS = 48


@dataclass
class Emulator:
    market: EmulatedMarket
    url: str
    requests: Any  # the server's request counter per path
    bars: list[list[Any]]


def _tick(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    spec = SymbolSpec("BTC", "USDT", price_tick=Decimal("0.01"), lot=Decimal("0.00001"),
                      min_qty=Decimal("0.00001"), min_notional=Decimal("5"))  # fmt: skip
    market = EmulatedMarket({"BTCUSDT": spec}, MarketSpec(bar_interval_ms=HOUR_MS))
    bars = []
    for open_ms, *values in hourly_candles(N_BARS):
        o, h, low, c = (_tick(v) for v in values[:4])
        h, low = max(o, h, low, c, key=Decimal), min(o, h, low, c, key=Decimal)
        volume = _tick(values[4])
        market.trade_bar("BTCUSDT", open_ms, o, h, low, c, volume)
        bars.append([open_ms, *(float(v) for v in (o, h, low, c, volume))])
    market.advance_clock(T0_MS + N_BARS * HOUR_MS + HOUR_MS // 2)  # hour 49 is forming
    server = build_emulator("binance", market, credentials={})
    url = server.start()
    try:
        yield Emulator(market, url, server.requests, bars)
    finally:
        server.stop()


def _download(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    catalog: Path,
    *options: str,
) -> CliResult:
    monkeypatch.setenv("TRADEWIND_RATE_BUDGET_DIR", str(catalog / "_budget"))
    return run_cli(
        ["data", "download", "--provider", "binance", "--timeframe", "1h",
         "--start", "2024-01-01", "--catalog", str(catalog), *options],
        monkeypatch,
        capsys,
    )  # fmt: skip


def _stored(catalog: Path) -> list[list[Any]]:
    bars = Catalog(catalog, include_bundled=False).load_bars(
        "BTC-USDT", market="crypto", timeframe="1h"
    )
    opens = pd.DatetimeIndex(bars["timestamp"]).as_unit("ms").asi8
    values = bars[["open", "high", "low", "close", "volume"]].to_numpy()
    return [[int(t), *map(float, v)] for t, v in zip(opens, values, strict=True)]


def test_download_stores_the_emulator_bars_row_by_row_without_the_forming_one(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, out, err = _download(
        monkeypatch, capsys, tmp_path, "--endpoint", emulator.url, "--symbols", "BTCUSDT"
    )
    assert code == 0, err
    assert _stored(tmp_path) == emulator.bars  # hour 49 (still forming) is not stored
    assert "BTC-USDT (binance BTC/USDT, 1h): 48 rows written, 2024-01-01 00:00 .. " in out
    assert "2024-01-02 23:00; 0 already present" in out
    assert list((tmp_path / "_budget").glob("*.budget"))  # paced by the shared budget


def test_a_rerun_resumes_the_tail_then_fetches_nothing(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    first = ("--endpoint", emulator.url, "--symbols", "BTC/USDT")
    code, out, err = _download(monkeypatch, capsys, tmp_path, *first, "--end", "2024-01-02")
    assert code == 0, err
    assert _stored(tmp_path) == emulator.bars[:24]
    emulator.requests.clear()
    code, out, err = _download(monkeypatch, capsys, tmp_path, *first)
    assert code == 0, err
    assert emulator.requests["/api/v3/klines"] == 1  # only the missing 24 bars
    assert "24 rows written, 2024-01-02 00:00 .. 2024-01-02 23:00; 24 already present" in out
    assert _stored(tmp_path) == emulator.bars
    emulator.requests.clear()
    code, out, err = _download(monkeypatch, capsys, tmp_path, *first)
    assert code == 0, err
    assert emulator.requests["/api/v3/klines"] == 0
    assert "up to date, nothing fetched; 48 already present (skipped)" in out


def test_an_unknown_symbol_exits_2_naming_it(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, _, err = _download(
        monkeypatch, capsys, tmp_path, "--endpoint", emulator.url, "--symbols", "BTCUSDT,DOGEUSDX"
    )
    assert code == 2
    assert "--symbols DOGEUSDX: binance has no spot market 'DOGEUSDX'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "market=crypto").exists()  # nothing downloaded before refusing


def test_a_timeframe_binance_does_not_offer_exits_2_naming_the_option(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, _, err = run_cli(
        ["data", "download", "--provider", "binance", "--endpoint", emulator.url,
         "--symbols", "BTCUSDT", "--timeframe", "7m", "--start", "2024-01-01",
         "--catalog", str(tmp_path)],
        monkeypatch,
        capsys,
    )  # fmt: skip
    assert code == 2
    assert "--timeframe 7m: binance does not offer it" in err


def test_an_unreachable_endpoint_exits_2_naming_exchange_and_url_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr("time.sleep", lambda _: None)  # the retries' backoff
    code, _, err = _download(
        monkeypatch, capsys, tmp_path, "--endpoint", url, "--symbols", "BTCUSDT"
    )
    assert code == 2
    assert f"binance ({url})" in err
    assert f"gave up after 5 attempts); check --endpoint {url}" in err
    assert "Traceback" not in err
    assert "internal error" not in err


def test_a_broker_without_its_credentials_exits_2_naming_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("TRADEWIND_ALPACA_API_KEY", "TRADEWIND_ALPACA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run_cli(
        ["data", "download", "--provider", "alpaca", "--symbols", "AAPL", "--timeframe", "1d",
         "--start", "2024-01-01", "--catalog", str(tmp_path)],
        monkeypatch,
        capsys,
    )  # fmt: skip
    assert code == 2
    assert (
        "--provider alpaca needs credentials: set TRADEWIND_ALPACA_API_KEY, "
        "TRADEWIND_ALPACA_SECRET_KEY" in err
    )
    assert "Traceback" not in err


def test_ctrl_c_exits_130_after_storing_what_was_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fake = FakeExchange({"BTC/USDT": hourly_candles(60)}, T0_MS + 60 * HOUR_MS)
    fake.max_page_bars = 10
    fake.interrupt_at_request = 4
    monkeypatch.setattr("tradewind.app.data_download._open_source", lambda _: fake)
    code, out, err = _download(monkeypatch, capsys, tmp_path, "--symbols", "BTCUSDT")
    assert code == 130
    assert "BTC-USDT (fakex BTC/USDT, 1h): 30 rows written" in out
    assert "interrupted: the candles fetched so far are stored" in err
    assert len(_stored(tmp_path)) == 30
