"""`tradewind live` against the shipped Binance emulator on 127.0.0.1: the double
confirmation, log-before-send, operator stops from outside within a second, rails."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
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
from tradewind.risk.reasons import RiskReason
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
    tmp_path: Path,
    base_url: str,
    *,
    operator: bool = True,
    fast: int = 5,
    rails: dict[str, object] | None = None,
    request_timeout_ms: int = 10_000,
    **risk: object,
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
                       "timeframe": "1d", "risk_allocation_pct": 40, "operator": operator,
                       "request_timeout_ms": request_timeout_ms},
        },
        "risk": {"global": {"max_position_size_pct": 5, **risk}},
        "operator": {"rails": rails or {}, "dead_man": {"venue_down_after_s": 0.3},
                     "notifications": {"max_per_minute": 600}},
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
    assert "--confirm ACCOUNT_ID" in output
    assert "nothing was sent" in output
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
    assert run is not None
    assert run.mode.value == "live"
    fills = journal.fills(run.run_id)
    trades = emulator.market.trades(DEFAULT_API_KEY)
    assert fills
    assert len(fills) == len(trades)
    assert {f.trade_id for f in fills} == {str(t.trade_id) for t in trades}
    confirmations = [r for r in journal.control_commands()
                     if r.command.action is ControlAction.CONFIRM_LIVE]  # fmt: skip
    assert confirmations
    assert _ACCOUNT in confirmations[0].command.reason


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
    assert seen
    assert all(seen)


def _stop_while_running(
    tmp_path: Path,
    path: Path,
    action: ControlAction,
    at_fills: int = 1,
    resume_after_s: float | None = None,
    settled: Callable[[], bool] | None = None,
) -> tuple[TradingSession, float, list[str]]:
    """Run a live session in a thread; once it has `at_fills` fills, issue `action`
    from outside through the journal; returns the session, the seconds until the
    session acknowledged it done (or, with `settled`, until that holds at the venue),
    and the acknowledgments."""
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
        if settled is not None:
            while not settled() and time.monotonic() - start < 5:
                time.sleep(0.01)
        settled_s = time.monotonic() - start
        outcomes: list[str] = []
        while time.monotonic() - start < 10:
            record = journal.control_commands(after_id=issued.id - 1)[0]
            outcomes = [ack.outcome for ack in record.acks]
            if any(o.startswith("done") for o in outcomes):
                break
            time.sleep(0.02)
        seconds = settled_s if settled is not None else time.monotonic() - start
        if resume_after_s is not None:
            time.sleep(resume_after_s)
            journal.issue_control(
                ControlCommand(
                    action=ControlAction.RESUME,
                    market=None,
                    user="tester",
                    reason="test",
                    source="cli",
                )
            )
        return session, seconds, outcomes
    finally:
        thread.join(timeout=120)
        journal.close()
        assert not errors, errors


def test_a_hard_stop_from_outside_cancels_and_flattens_at_the_venue_within_a_second(
    tmp_path, emulator
) -> None:
    path = _config(tmp_path, emulator.base_url, fast=2)  # trades from the first weeks
    _promoted(path)

    def flat_at_the_venue() -> bool:
        held = {b.asset: b for b in emulator.market.balances(DEFAULT_API_KEY)}
        btc = held["BTC"].free + held["BTC"].locked if "BTC" in held else 0
        return btc == 0 and emulator.market.open_orders(DEFAULT_API_KEY) == []

    _, seconds, outcomes = _stop_while_running(
        tmp_path, path, ControlAction.HARD, settled=flat_at_the_venue
    )
    assert any(o.startswith("done") for o in outcomes), outcomes
    assert seconds < 1.0, (seconds, outcomes)  # flat, nothing working, at the venue
    assert flat_at_the_venue()


def test_freeze_cancels_everything_and_sends_nothing_until_resume(tmp_path, emulator) -> None:
    path = _config(tmp_path, emulator.base_url, fast=2)
    _promoted(path)
    _session, seconds, outcomes = _stop_while_running(
        tmp_path, path, ControlAction.FREEZE, resume_after_s=1.0
    )
    assert seconds < 1.0, (seconds, outcomes)
    journal = Journal.open(tmp_path / "j.sqlite")
    run = journal.latest_run()
    assert run is not None
    orders = journal.orders(run.run_id)

    def frozen(order: object) -> bool:  # denied by the engine's FROZEN state or the gate
        history = journal.order_history(order.client_order_id)  # type: ignore[attr-defined]
        return any(d == "FROZEN" or "FREEZE stop in force" in d for _, _, d in history)

    refused = [i for i, order in enumerate(orders) if frozen(order)]
    assert refused, "orders decided during the freeze were refused"
    resumed = [r for r in journal.control_commands() if r.command.action is ControlAction.RESUME]
    assert resumed
    assert any(a.outcome.startswith("done: resumed") for a in resumed[0].acks)
    later = orders[refused[-1] + 1 :]
    assert any(o.status.value in ("filled", "accepted", "submitted") for o in later), (
        "trading went on after the resume"
    )


def test_the_fat_finger_rail_refuses_an_order_the_risk_rules_allowed(tmp_path, emulator) -> None:
    path = _config(tmp_path, emulator.base_url, rails={"max_order_notional_usd": 100})
    _promoted(path)
    session = TradingSession(load_config(path, apply_env=False), Catalog(tmp_path / "catalog"),
                             tmp_path / "j.sqlite", mode="live")  # fmt: skip
    report = session.run()
    assert _venue_orders(emulator) == 0  # every entry was above 100 USD
    journal = Journal.open(tmp_path / "j.sqlite")
    details = [detail for o in journal.orders(report.run_id)
               for _, _, detail in journal.order_history(o.client_order_id)]  # fmt: skip
    refused = [d for d in details if d.startswith("rail_order_notional")]
    assert refused, details
    assert all("max_order_notional_usd" in d for d in refused), details


def test_a_daily_loss_breach_denies_new_entries(tmp_path, emulator) -> None:
    path = _config(tmp_path, emulator.base_url, fast=2, daily_loss_limit_pct=0.1)
    _promoted(path)
    session = TradingSession(load_config(path, apply_env=False), Catalog(tmp_path / "catalog"),
                             tmp_path / "j.sqlite", mode="live")  # fmt: skip
    report = session.run()
    journal = Journal.open(tmp_path / "j.sqlite")
    denied = [d for d in journal.risk_decisions(report.run_id)
              if d.action == "deny" and d.reason_code == RiskReason.DAILY_LOSS]  # fmt: skip
    assert denied, "a 0.1% daily loss limit is breached in half a year of BTC"
    sent = {
        o.client_order_id for o in journal.orders(report.run_id) if o.status.value != "rejected"
    }
    assert not {d.client_order_id for d in denied} & sent


def test_notices_of_a_live_run_arrive_at_a_local_receiver(tmp_path, emulator, monkeypatch) -> None:
    from tests.app.webhook_receiver import WebhookReceiver

    with WebhookReceiver() as receiver:
        monkeypatch.setenv("TRADEWIND_NOTIFY_URLS", receiver.url("json", "/notices"))
        path = _config(tmp_path, emulator.base_url, fast=2)
        _promoted(path)
        _stop_while_running(tmp_path, path, ControlAction.HARD)
        receiver.wait_for(2, timeout_s=10)
        titles = [post.title for post in receiver.posts]
    assert any("fill at binance" in t.lower() for t in titles), titles
    assert any("HARD all markets" in t for t in titles), titles


def test_a_lost_venue_trips_the_dead_mans_switch_and_its_return_is_reported(
    tmp_path, monkeypatch
) -> None:
    from tests.app.webhook_receiver import WebhookReceiver

    from tradewind.app.session_pace import RowPace

    speed, port = 20 * 86_400.0, _free_port()

    def live_emulator(start: str) -> RunningEmulator:
        return start_emulator(EmulateOptions(exchange="binance", port=port, symbols="BTCUSDT",
                                             start=start, speed=speed))  # fmt: skip

    emulators = [live_emulator("2018-06-01")]

    def outage(t: int) -> None:
        if t == 20:
            emulators[0].stop()
        if t == 60:  # back on the same address, its clock at the session's row
            day = str(np.datetime64(int(session.live.timestamps[t]), "ns").astype("datetime64[D]"))
            emulators.append(live_emulator(day))

    with WebhookReceiver() as receiver:
        monkeypatch.setenv("TRADEWIND_NOTIFY_URLS", receiver.url("json", "/notices"))
        path = _config(tmp_path, emulators[0].base_url, fast=2, request_timeout_ms=500)
        _promoted(path)
        session = TradingSession(load_config(path, apply_env=False),
                                 Catalog(tmp_path / "catalog"), tmp_path / "j.sqlite",
                                 mode="live")  # fmt: skip
        try:
            session.run(until_row=80, on_row=outage, pace=RowPace(speed))  # notices sent by now
        finally:
            for running in emulators:
                running.stop()
        notices = [(post.title, post.body) for post in receiver.posts]
    lost = [body for title, body in notices if "venue lost" in title]
    back = [body for title, body in notices if "venue reconnected" in title]
    assert lost
    assert "working entry orders are canceled when it answers again" in lost[0]
    assert back, [title for title, _ in notices]
    assert "working entry orders canceled; stops kept" in back[0]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_every_position_has_its_stop_at_the_venue_and_exits_are_not_refused_for_it(
    tmp_path, emulator
) -> None:
    path = _config(tmp_path, emulator.base_url, fast=2)
    raw = yaml.safe_load(path.read_text())
    raw["execution"] = {"stop_loss_pct": 8}  # a stop rests at the venue for every entry
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    _promoted(path)
    session = TradingSession(load_config(path, apply_env=False), Catalog(tmp_path / "catalog"),
                             tmp_path / "j.sqlite", mode="live")  # fmt: skip
    unprotected: list[int] = []

    def check_protected(t: int) -> None:  # after each row: a position has its stop there
        held = {b.asset: b.free + b.locked for b in emulator.market.balances(DEFAULT_API_KEY)}
        if held.get("BTC", 0) > 0 and not emulator.market.open_orders(DEFAULT_API_KEY):
            unprotected.append(t)

    report = session.run(on_row=check_protected)
    assert unprotected == [], "a position was left without its stop at the venue"
    journal = Journal.open(tmp_path / "j.sqlite")
    orders = journal.orders(report.run_id)
    details = [d for o in orders for _, _, d in journal.order_history(o.client_order_id)]
    assert not [d for d in details if "insufficient" in d.lower()], details
    stops = [o for o in orders if o.order_type == "stop"]
    sells = [o for o in orders if o.side == "sell" and o.order_type == "market"]
    assert stops, "entries placed their stop-loss at the venue"
    assert any(o.status.value == "filled" for o in sells), "signal exits filled"
