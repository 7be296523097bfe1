"""The documents' three markets paper-traded against three shipped emulators at once
(crypto on Binance, forex on OANDA, stocks on Interactive Brokers), and the documents'
failure table as one scenario: the crypto venue down pauses crypto only, an OANDA auth
error stops forex only, an IB timeout makes stocks retry; the other markets never notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tradewind.app.data_download import download_history, download_request
from tradewind.app.emulator_commands import EmulateOptions, RunningEmulator, start_emulator
from tradewind.app.session import TradingSession
from tradewind.app.session_pace import RowPace
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.store import Journal
from tradewind.venues.oanda.emulator import DEFAULT_TOKEN

pytestmark = pytest.mark.slow

_START = "2017-09-04"  # a Monday: the window is one trading week of all three markets
_END = "2017-09-09"
_SPEED = 20 * 3_600.0  # twenty market hours a second


def _emulator(venue: str, symbols: str, state: Path, port: int = 0) -> RunningEmulator:
    """An emulator whose bars close as the session's rows pass (its clock continues from
    `state` when restarted on the same port)."""
    options = EmulateOptions(
        exchange=venue, port=port, symbols=symbols, start=_START, speed=_SPEED, state=state
    )
    return start_emulator(options)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_RATE_BUDGET_DIR", str(tmp_path / "budget"))
    for name in ("TRADEWIND_CCXT_API_KEY", "TRADEWIND_CCXT_SECRET", "TRADEWIND_EMULATOR_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRADEWIND_OANDA_TOKEN", DEFAULT_TOKEN)
    monkeypatch.delenv("TRADEWIND_OANDA_ACCOUNT_ID", raising=False)
    monkeypatch.setenv("TRADEWIND_IB_CLIENT_ID", "7")
    monkeypatch.chdir(tmp_path)  # no stray .env


_VENUES = {"crypto": ("binance", "BTCUSDT"), "forex": ("oanda", "EUR_USD"),
           "stocks": ("ib", "MSFT,JPM")}  # fmt: skip


@pytest.fixture
def emulators(tmp_path: Path) -> Iterator[dict[str, RunningEmulator]]:
    """One emulator per market (the config and the history download point at them)."""
    running = {
        market: _emulator(venue, symbols, tmp_path / f"{venue}-history.json")
        for market, (venue, symbols) in _VENUES.items()
    }
    yield running
    for emulator in running.values():
        emulator.stop()


def _go_live(emulators: dict[str, RunningEmulator], tmp_path: Path) -> None:
    """Restart each emulator on its port with a fresh clock at the window's start, so
    its bars close as the session's rows pass."""
    for market, (venue, symbols) in _VENUES.items():
        port = emulators[market].server.port
        emulators[market].stop()
        emulators[market] = _emulator(venue, symbols, tmp_path / f"{venue}.json", port)


def _config(
    tmp_path: Path,
    emulators: dict[str, RunningEmulator],
    stocks_timeout_ms: int = 10_000,
    **forex: object,
) -> Path:
    """The documents' markets as written (provider names, native symbols), on the
    symbols and timeframes the bundled data has, each pointed at its emulator."""
    catalog = tmp_path / "catalog"
    crypto_history = download_request(
        provider="binance", exchange=None, endpoint=emulators["crypto"].base_url,
        symbols="BTCUSDT", timeframe="1h", start="2017-08-01", end=_START, catalog_dir=catalog,
    )  # fmt: skip
    download_history(crypto_history)
    ib_port = emulators["stocks"].server.port
    raw = yaml.safe_load(
        (Path(__file__).parents[2] / "examples/documents_markets.yaml").read_text()
    )
    raw["mode"] = "paper"
    raw["data"] |= {"catalog_dir": str(catalog), "start": _START, "end": _END}
    raw["data"]["alignment"]["timeline"] = "1h"
    raw["mmin"]["cross_market_signals_required"] = 0
    markets = raw["markets"]
    markets["crypto"] |= {"endpoint": emulators["crypto"].base_url, "symbols": ["BTCUSDT"],
                          "timeframe": "1h", "quote_currency": "USD"}  # fmt: skip
    markets["forex"] |= {"endpoint": emulators["forex"].base_url, "symbols": ["EUR_USD"],
                         **forex}  # fmt: skip
    markets["stocks"] |= {"endpoint": f"tcp://127.0.0.1:{ib_port}", "symbols": ["MSFT", "JPM"],
                          "request_timeout_ms": stocks_timeout_ms}  # fmt: skip
    path = tmp_path / "documents.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _session(tmp_path: Path, config: Path) -> TradingSession:
    cfg = load_config(config, apply_env=False)
    return TradingSession(cfg, Catalog(tmp_path / "catalog"), tmp_path / "j.sqlite")


def _events(report: object, market: str) -> list[tuple[str, int]]:
    return [(str(e["event"]), int(e["row"])) for e in report.feed_events  # type: ignore[attr-defined]
            if e["market"] == market]  # fmt: skip


def _fresh(session: TradingSession, symbol: str, rows: slice) -> int:
    column = list(session.live.symbols).index(symbol)
    return int(session.live.fresh[rows, column].sum())


def test_the_documents_markets_paper_trade_on_their_three_emulators(
    tmp_path: Path, emulators: dict[str, RunningEmulator]
) -> None:
    session = _session(tmp_path, _config(tmp_path, emulators))
    _go_live(emulators, tmp_path)
    report = session.run(pace=RowPace(_SPEED))
    venues = " ".join(report.venues)
    assert "binance closed 1h candles from http://127.0.0.1" in venues
    assert "OANDA v20 closed 1h bars from http://127.0.0.1" in venues
    assert "Interactive Brokers closed 1d bars from tcp://127.0.0.1" in venues
    assert not report.paused
    assert _fresh(session, "BTC-USDT", slice(None)) > 100  # every hour of the week
    assert _fresh(session, "EUR-USD", slice(None)) > 90  # every hour but the weekend
    assert _fresh(session, "MSFT", slice(None)) >= 4  # each session's daily bar


def test_each_failure_stays_in_its_market(
    tmp_path: Path, emulators: dict[str, RunningEmulator]
) -> None:
    session = _session(tmp_path, _config(tmp_path, emulators, stocks_timeout_ms=1_000))
    _go_live(emulators, tmp_path)
    binance_port = emulators["crypto"].server.port
    stocks = emulators["stocks"].server

    def trouble(t: int) -> None:
        if t == 10:  # the crypto venue goes down ...
            emulators["crypto"].stop()
        if t == 30:  # ... and comes back
            emulators["crypto"] = _emulator(
                "binance", "BTCUSDT", tmp_path / "binance.json", binance_port
            )
        if t == 45:  # OANDA stops accepting the token
            emulators["forex"].server.dialect.books.tokens.pop(DEFAULT_TOKEN)  # type: ignore[attr-defined]
        if t == 60:  # TWS takes too long to answer two historical-data requests
            stocks.faults.arm("timeout", count=2, path_prefix="reqHistoricalData")  # type: ignore[attr-defined]

    report = session.run(on_row=trouble, pace=RowPace(_SPEED))
    crypto, forex, equities = (_events(report, m) for m in ("crypto", "forex", "stocks"))
    # the crypto venue down: crypto pauses, resumes after the restart; forex continues
    assert crypto[0][0] == "paused"
    assert 10 <= crypto[0][1] < 30
    assert crypto[-1][0] == "resumed"
    assert crypto[-1][1] >= 30
    assert _fresh(session, "EUR-USD", slice(crypto[0][1], 30)) > 0
    # an OANDA auth error: forex stops for good; crypto carries on
    assert forex == [("stopped", forex[0][1])]
    assert forex[0][1] >= 45
    assert "feed stopped" in report.paused["forex"]
    assert _fresh(session, "BTC-USDT", slice(forex[0][1], None)) > 20
    assert not _fresh(session, "EUR-USD", slice(forex[0][1] + 1, None))
    # a timeout at IB: stocks retry and carry on; the others never notice
    assert equities[0][0] == "paused"
    assert equities[0][1] >= 60
    assert equities[-1][0] == "resumed"
    assert {e for e, _ in equities} <= {"paused", "retrying", "resumed"}
    assert "crypto" not in report.paused
    assert "stocks" not in report.paused
    assert _fresh(session, "MSFT", slice(60, None)) >= 1


def test_forex_orders_sent_to_oanda_are_journaled_as_oanda_filled_them(
    tmp_path: Path, emulators: dict[str, RunningEmulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_forex = {"paper_fills": "venue", "strategies": ["sma_cross"],
                  "strategy_params": {"sma_cross": {"fast": 3, "slow": 8}}}  # fmt: skip
    session = _session(tmp_path, _config(tmp_path, emulators, **fast_forex))
    _go_live(emulators, tmp_path)
    report = session.run(pace=RowPace(_SPEED))
    (forex_venue,) = [v for v in report.venues if v.startswith("forex:")]
    assert "OANDA v20 at http://127.0.0.1" in forex_venue
    assert "orders sent to this test venue" in forex_venue
    assert "exits sent as plain orders" in forex_venue
    assert session.reconciliation is not None
    assert session.reconciliation.blocked == ()
    journal = Journal.open(tmp_path / "j.sqlite")
    fills = [f for f in journal.fills(report.run_id) if f.market == "forex"]
    market = emulators["forex"].market
    executions = [t for account in market.accounts() for t in market.trades(account)]
    assert fills, "the strategy traded forex in the window"
    assert len(fills) == len(executions)
    assert sorted(Decimal(str(f.qty)) for f in fills) == sorted(t.qty for t in executions)
