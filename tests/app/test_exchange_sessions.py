"""Paper sessions with a market on an exchange, rehearsed against the shipped Binance
emulator on 127.0.0.1: bars come from the exchange, orders go through the venue port,
and the exchange's failures (down, refused credentials, timeouts) stay in its market."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ccxt
import numpy as np
import pandas as pd
import pytest
import yaml

from tradewind.app.data_download import download_history, download_request
from tradewind.app.emulator_commands import (
    DEFAULT_API_KEY,
    DEFAULT_SECRET,
    EmulateOptions,
    RunningEmulator,
    start_emulator,
)
from tradewind.app.session import TradingSession
from tradewind.app.session_pace import RowPace
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal

pytestmark = pytest.mark.slow

_EMULATOR_START = "2018-12-01"  # every bar of the window has closed on the venue


def _emulator(port: int = 0) -> RunningEmulator:
    return start_emulator(
        EmulateOptions(exchange="binance", port=port, symbols="BTCUSDT", start=_EMULATOR_START)
    )


_LIVE_SPEED = 20 * 86_400.0  # twenty market days a second


def _live_emulator(state: Path, port: int = 0) -> RunningEmulator:
    """An emulator whose bars close as the session runs (its clock continues from
    `state` when restarted)."""
    options = EmulateOptions(
        exchange="binance", port=port, symbols="BTCUSDT", start="2018-06-01",
        speed=_LIVE_SPEED, state=state,
    )  # fmt: skip
    return start_emulator(options)


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    running = _emulator()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_RATE_BUDGET_DIR", str(tmp_path / "budget"))
    for name in ("TRADEWIND_CCXT_API_KEY", "TRADEWIND_CCXT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def _config(tmp_path: Path, base_url: str, **crypto: object) -> Path:
    catalog = tmp_path / "catalog"
    request = download_request(
        provider="binance", exchange=None, endpoint=base_url, symbols="BTCUSDT",
        timeframe="1d", start="2018-01-01", end="2018-06-01", catalog_dir=catalog,
    )  # fmt: skip
    download_history(request)
    raw = {
        "config_version": 1,
        "base_currency": "USD",
        "mode": "paper",
        "data": {"catalog_dir": str(catalog), "start": "2018-06-01", "end": "2018-11-30",
                 "alignment": {"policy": "ffill", "max_staleness": "4d", "timeline": "1d"}},
        "markets": {
            "crypto": {"provider": "binance", "endpoint": base_url, "symbols": ["BTCUSDT"],
                       "quote_currency": "USD", "strategies": ["sma_cross"],
                       "strategy_params": {"sma_cross": {"fast": 5, "slow": 20}},
                       "timeframe": "1d", "risk_allocation_pct": 40, **crypto},
            "equities": {"provider": "sim", "symbols": ["MSFT", "JPM"],
                         "strategies": ["sma_cross", "momentum_v1"], "timeframe": "1d",
                         "risk_allocation_pct": 40},
        },
    }  # fmt: skip
    path = tmp_path / "exchange.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _session(tmp_path: Path, config: Path) -> TradingSession:
    cfg = load_config(config, apply_env=False)
    return TradingSession(cfg, Catalog(tmp_path / "catalog"), tmp_path / "j.sqlite")


def _column(session: TradingSession, symbol: str) -> int:
    return list(session.live.symbols).index(symbol)


def _events(report: object, market: str) -> list[tuple[str, int]]:
    return [(str(e["event"]), int(e["row"])) for e in report.feed_events  # type: ignore[attr-defined]
            if e["market"] == market]  # fmt: skip


def test_crypto_trades_on_the_exchanges_bars_equal_to_its_history(tmp_path, emulator) -> None:
    session = _session(tmp_path, _config(tmp_path, emulator.base_url))
    report = session.run()
    assert any("binance closed 1d candles from http://127.0.0.1" in v for v in report.venues)
    btc = _column(session, "BTC-USDT")
    delivered = session.live.close[session.live.fresh[:, btc], btc]
    assert len(delivered) == 183  # each day's bar from the exchange, 2018-06-01 .. 11-30
    exchange = ccxt.binance()
    for kind, url in exchange.urls["api"].items():
        if isinstance(url, str):
            exchange.urls["api"][kind] = emulator.base_url + url[url.index("/", 8) :]
    since = int(pd.Timestamp("2018-06-01", tz="UTC").timestamp() * 1000)
    history = exchange.fetch_ohlcv("BTC/USDT", "1d", since, 183)
    assert np.array_equal(delivered, [row[4] for row in history])
    assert not report.paused


def test_a_stopped_exchange_pauses_crypto_only_and_a_restart_resumes_it(tmp_path):
    state = tmp_path / "emulator.json"
    history = _live_emulator(tmp_path / "history.json")
    port = history.server.port
    session = _session(tmp_path, _config(tmp_path, history.base_url))
    history.stop()
    emulators = [_live_emulator(state, port)]  # its bars close as the rows pass

    def outage(t: int) -> None:
        if t == 20:
            emulators[0].stop()
        if t == 60:
            emulators.append(_live_emulator(state, port))

    try:
        report = session.run(on_row=outage, pace=RowPace(_LIVE_SPEED))
    finally:
        for running in emulators:
            running.stop()
    crypto = _events(report, "crypto")
    paused, resumed = crypto[0], crypto[-1]
    assert paused[0] == "paused"
    assert 20 < paused[1] < 60
    assert resumed[0] == "resumed"
    assert resumed[1] > 60
    assert not _events(report, "equities")  # the other market never noticed
    btc, msft = _column(session, "BTC-USDT"), _column(session, "MSFT")
    fresh = session.live.fresh
    assert not fresh[paused[1] : resumed[1], btc].any()
    assert fresh[resumed[1] :, btc].all()  # bars again after the restart
    assert fresh[paused[1] : resumed[1], msft].any()  # equities traded on meanwhile
    assert not report.paused  # resumed by the end


def test_refused_credentials_stop_crypto_only(tmp_path, emulator, monkeypatch) -> None:
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", "not-the-secret")
    session = _session(tmp_path, _config(tmp_path, emulator.base_url))
    report = session.run()
    assert _events(report, "crypto") == [("stopped", 0)]
    assert "feed stopped" in report.paused["crypto"]
    assert "not-the-secret" not in str(report)
    assert session.live.fresh[:, _column(session, "MSFT")].any()
    assert not session.live.fresh[:, _column(session, "BTC-USDT")].any()


def test_a_timeout_makes_crypto_retry_and_carry_on(tmp_path, emulator, monkeypatch) -> None:
    emulator.server.timeout_hold_s = 2.0
    session = _session(tmp_path, _config(tmp_path, emulator.base_url, request_timeout_ms=500))
    emulator.server.faults.arm("timeout", count=2, path_prefix="/api/v3/klines")
    report = session.run()
    crypto = _events(report, "crypto")
    assert crypto[0] == ("paused", 0)
    assert crypto[-1] == ("resumed", 1)
    assert "(timeout)" in str(report.feed_events)
    assert session.live.fresh[1:, _column(session, "BTC-USDT")].all()


def test_paper_fills_at_the_venue_go_through_the_ccxt_adapter(tmp_path, emulator, monkeypatch):
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", DEFAULT_SECRET)
    config = _config(tmp_path, emulator.base_url, paper_fills="venue")
    report = _session(tmp_path, config).run()
    assert any("orders sent to this test venue" in v for v in report.venues)
    journal = Journal.open(tmp_path / "j.sqlite")
    fills = [f for f in journal.fills(report.run_id) if f.market == "crypto"]
    venue_trades = emulator.market.trades(DEFAULT_API_KEY)
    assert fills, "the strategy traded crypto in the window"
    assert len(fills) == len(venue_trades)
    assert {f.trade_id for f in fills} == {str(t.trade_id) for t in venue_trades}


def test_a_venue_holding_what_the_journal_cannot_explain_blocks_its_market(
    tmp_path, emulator, monkeypatch
) -> None:
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", DEFAULT_SECRET)
    config = _config(tmp_path, emulator.base_url, paper_fills="venue")
    first = _session(tmp_path, config)
    first.run(until_row=40)  # holds BTC from row 32 on; the run is left unfinished
    assert first.reconciliation is not None
    assert first.reconciliation.blocked == ()  # a fresh account agrees with a new run
    held = {b.asset: b for b in emulator.market.balances(DEFAULT_API_KEY)}
    assert held["BTC"].free + held["BTC"].locked > 0  # the first run left a position
    second = TradingSession(load_config(config, apply_env=False), Catalog(tmp_path / "catalog"),
                            tmp_path / "second.sqlite")  # fmt: skip
    trades_before = len(emulator.market.trades(DEFAULT_API_KEY))
    report = second.run()
    assert len(emulator.market.trades(DEFAULT_API_KEY)) == trades_before  # nothing traded
    assert second.reconciliation is not None
    assert second.reconciliation.blocked == ("crypto",)  # fail closed
    assert "reconciliation with the venue" in report.paused["crypto"]
    findings = Journal.open(tmp_path / "second.sqlite").reconciliation_findings(report.run_id)
    assert findings


def test_a_run_sending_orders_to_a_venue_is_not_resumed(tmp_path, emulator, monkeypatch):
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", DEFAULT_SECRET)
    config = _config(tmp_path, emulator.base_url, paper_fills="venue")
    _session(tmp_path, config).run(until_row=30)
    with pytest.raises(TradewindError, match="cannot resume"):
        _session(tmp_path, config).run()


def test_an_order_placed_by_hand_at_the_venue_blocks_the_market_at_the_next_pass(
    tmp_path, emulator, monkeypatch
) -> None:
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from tradewind.app import session_reconcile
    from tradewind.venues.emulation import NewOrder, OrderType, Side

    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", DEFAULT_SECRET)
    later = [timedelta(0)]

    class Clock:  # the wall clock, moved an hour on when the order is placed
        def now(self) -> datetime:
            return datetime(2026, 1, 1, tzinfo=UTC) + later[0]

    monkeypatch.setattr(session_reconcile, "_WallClock", Clock)
    session = _session(tmp_path, _config(tmp_path, emulator.base_url, paper_fills="venue"))
    by_hand = NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, qty=Decimal("0.01"),
                       price=Decimal("1000.00"), client_order_id="by-hand")  # fmt: skip

    def place(t: int) -> None:
        if t == 50:
            emulator.market.place_order(DEFAULT_API_KEY, by_hand)
            later[0] = timedelta(hours=1)  # the next periodic pass is due

    report = session.run(on_row=place)
    assert "reconciliation with the venue" in report.paused["crypto"]
    assert session.reconciliation is not None
    assert session.reconciliation.blocked == ("crypto",)
    findings = Journal.open(tmp_path / "j.sqlite").reconciliation_findings(report.run_id)
    assert any("by-hand" in str(f) for f in findings)
