"""`tradewind live` against the shipped Binance emulator on 127.0.0.1: the double
confirmation, log-before-send, operator stops from outside within a second, rails."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.cli import run_cli
from tradewind.app.data_download import download_history, download_request
from tradewind.app.emulator_commands import (
    DEFAULT_API_KEY,
    DEFAULT_SECRET,
    EmulateOptions,
    RunningEmulator,
    start_emulator,
)
from tradewind.app.promotion import promote
from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.store import Journal
from tradewind.store.control_records import ControlAction, ControlCommand

pytestmark = pytest.mark.slow

_ACCOUNT = "100000001"  # the emulator's uid of the first account opened


@pytest.fixture(autouse=True)
def _credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_RATE_BUDGET_DIR", str(tmp_path / "budget"))
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", DEFAULT_API_KEY)
    monkeypatch.setenv("TRADEWIND_CCXT_SECRET", DEFAULT_SECRET)
    monkeypatch.delenv("TRADEWIND_NOTIFY_URLS", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def cli(monkeypatch, capsys):  # type: ignore[no-untyped-def]
    def invoke(args: list[str]) -> tuple[int, str]:
        code, out, err = run_cli(args, monkeypatch, capsys)
        return code, out + err

    return invoke


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    options = EmulateOptions(exchange="binance", port=0, symbols="BTCUSDT", start="2018-12-01")
    running = start_emulator(options)
    yield running
    running.stop()


def _config(
    tmp_path: Path, base_url: str, *, operator: bool = True, fast: int = 5, **risk: object
) -> Path:
    catalog = tmp_path / "catalog"
    if not catalog.exists():
        download_history(download_request(
            provider="binance", exchange=None, endpoint=base_url, symbols="BTCUSDT",
            timeframe="1d", start="2018-01-01", end="2018-06-01", catalog_dir=catalog,
        ))  # fmt: skip
    raw = {
        "config_version": 1, "base_currency": "USD", "mode": "live",
        "data": {"catalog_dir": str(catalog), "start": "2018-06-01", "end": "2018-11-30",
                 "alignment": {"policy": "ffill", "max_staleness": "4d", "timeline": "1d"}},
        "markets": {
            "crypto": {"provider": "binance", "endpoint": base_url, "symbols": ["BTCUSDT"],
                       "quote_currency": "USD", "strategies": ["sma_cross"],
                       "strategy_params": {"sma_cross": {"fast": fast, "slow": 4 * fast}},
                       "timeframe": "1d", "risk_allocation_pct": 40, "operator": operator},
        },
        "risk": {"global": {"max_position_size_pct": 5, **risk}},
        "backtest": {"journal": str(tmp_path / "j.sqlite")},
    }  # fmt: skip
    path = tmp_path / "live.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _promoted(path: Path) -> None:
    config = load_config(path, apply_env=False)
    with Journal.open(config.backtest.journal) as journal:
        for stage in ("paper", "operator"):
            promote(journal, config, "crypto", stage, override=True, reason="rehearsal", user="t")


def _venue_orders(emulator: RunningEmulator) -> int:
    """Orders the account has at the venue (0 when it never even connected)."""
    if DEFAULT_API_KEY not in emulator.market.accounts():
        return 0
    market = emulator.market
    return len(market.trades(DEFAULT_API_KEY)) + len(market.open_orders(DEFAULT_API_KEY))


def test_live_without_operator_mode_or_promotion_sends_nothing(tmp_path, emulator, cli) -> None:
    path = _config(tmp_path, emulator.base_url, operator=False)
    code, output = cli(["live", "--config", str(path), "--confirm", _ACCOUNT])
    assert code == 2, output
    assert "markets.crypto.operator is false" in output
    assert "tradewind promote --market crypto --to operator" in output
    assert _venue_orders(emulator) == 0


def test_live_without_the_typed_account_id_sends_nothing(tmp_path, emulator, cli) -> None:
    path = _config(tmp_path, emulator.base_url)
    _promoted(path)
    code, output = cli(["live", "--config", str(path)])  # no terminal, no --confirm
    assert code == 2, output
    assert "--confirm ACCOUNT_ID" in output and "nothing was sent" in output
    code, output = cli(["live", "--config", str(path), "--confirm", "123"])
    assert code == 2, output
    assert f"expected {_ACCOUNT}" in output
    assert _venue_orders(emulator) == 0
    assert "Traceback" not in output


def test_confirmed_live_orders_reach_the_venue_and_are_journaled_first(
    tmp_path, emulator, cli
) -> None:
    path = _config(tmp_path, emulator.base_url)
    _promoted(path)
    code, output = cli(["live", "--config", str(path), "--confirm", _ACCOUNT])
    assert code == 0, output
    assert "LIVE orders (operator mode)" in output
    assert f"LIVE account {_ACCOUNT}" in output
    journal = Journal.open(tmp_path / "j.sqlite")
    run = journal.latest_run()
    assert run is not None and run.mode.value == "live"
    fills = journal.fills(run.run_id)
    trades = emulator.market.trades(DEFAULT_API_KEY)
    assert fills and len(fills) == len(trades)
    assert {f.trade_id for f in fills} == {str(t.trade_id) for t in trades}
    confirmations = [r for r in journal.control_commands()
                     if r.command.action is ControlAction.CONFIRM_LIVE]  # fmt: skip
    assert confirmations and _ACCOUNT in confirmations[0].command.reason


def test_each_live_order_is_durable_in_the_journal_before_the_venue_sees_it(
    tmp_path, emulator
) -> None:
    path = _config(tmp_path, emulator.base_url)
    _promoted(path)
    session = TradingSession(load_config(path, apply_env=False), Catalog(tmp_path / "catalog"),
                             tmp_path / "j.sqlite", mode="live")  # fmt: skip
    seen: list[bool] = []
    route_venue = type(session)  # placeholder to keep mypy quiet about closures
    del route_venue
    original = session._loop

    def loop_with_spy(journal, run_id):  # type: ignore[no-untyped-def]
        loop = original(journal, run_id)
        for route in loop.bridge.routes:
            submit = route.venue.submit

            def spy(order, submit=submit):  # type: ignore[no-untyped-def]
                with Journal.open(tmp_path / "j.sqlite") as reader:
                    known = {o.client_order_id for o in reader.orders(run_id)}
                seen.append(str(order.client_order_id) in known)
                submit(order)

            route.venue.submit = spy  # type: ignore[method-assign]
        return loop

    session._loop = loop_with_spy  # type: ignore[method-assign]
    session.run()
    assert seen and all(seen)


def _stop_while_running(
    tmp_path: Path, path: Path, action: ControlAction, at_fills: int = 1
) -> tuple[TradingSession, float, list[str]]:
    """Run a live session in a thread; once it has `at_fills` fills, issue `action`
    from outside through the journal; returns the session, the seconds until the
    session acknowledged it done, and the acknowledgments."""
    config = load_config(path, apply_env=False)
    session = TradingSession(config, Catalog(tmp_path / "catalog"), tmp_path / "j.sqlite",
                             mode="live")  # fmt: skip
    from tradewind.app.session_pace import RowPace

    errors: list[BaseException] = []

    def run() -> None:
        try:
            session.run(pace=RowPace(10 * 86_400.0))
        except BaseException as exc:  # surfaced by the test below
            errors.append(exc)
            raise

    thread = threading.Thread(target=run)
    thread.start()
    journal = Journal.open(tmp_path / "j.sqlite")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = journal.latest_run()
            if run is not None and len(journal.fills(run.run_id)) >= at_fills:
                break
            time.sleep(0.05)
        issued = journal.issue_control(
            ControlCommand(action=action, market=None, user="tester", reason="test", source="cli")
        )
        start = time.monotonic()
        outcomes: list[str] = []
        while time.monotonic() - start < 5:
            record = journal.control_commands(after_id=issued.id - 1)[0]
            outcomes = [ack.outcome for ack in record.acks]
            if any(o.startswith("done") for o in outcomes):
                break
            time.sleep(0.02)
        return session, time.monotonic() - start, outcomes
    finally:
        thread.join(timeout=120)
        journal.close()
        assert not errors, errors


def test_a_hard_stop_from_outside_cancels_and_flattens_at_the_venue_within_a_second(
    tmp_path, emulator
) -> None:
    path = _config(tmp_path, emulator.base_url, fast=2)  # trades from the first weeks
    _promoted(path)
    _, seconds, outcomes = _stop_while_running(tmp_path, path, ControlAction.HARD)
    assert any(o.startswith("done") for o in outcomes), outcomes
    assert seconds < 1.0, (seconds, outcomes)
    assert emulator.market.open_orders(DEFAULT_API_KEY) == []
    held = {b.asset: b for b in emulator.market.balances(DEFAULT_API_KEY)}
    assert "BTC" not in held or held["BTC"].free + held["BTC"].locked == 0
