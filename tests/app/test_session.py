"""Paper and advisory sessions: same decisions as the backtest, crash safety, isolation."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.app.backtest import backtest_config
from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.engine.feeds import FeedRow
from tradewind.risk.reasons import RiskReason
from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
CHILD = Path(__file__).with_name("_session_child.py")


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE, apply_env=False)


@pytest.fixture(scope="module")
def backtest(config, tmp_path_factory):
    return backtest_config(config, Catalog(tmp_path_factory.mktemp("catalog")))


def _journal_contents(path: Path, run_id: str):
    journal = Journal.open(path)
    try:
        orders = journal.orders(run_id)
        fills = journal.fills(run_id)
        return orders, fills, journal.digest(run_id)
    finally:
        journal.close()


@pytest.mark.slow
def test_paper_session_makes_the_backtests_decisions(config, backtest, tmp_path):
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "j.sqlite")
    report = session.run()
    assert report.orders == len(backtest.run.orders)
    assert report.fills == len(backtest.run.fills)
    assert report.final_equity == pytest.approx(backtest.run.final_equity, abs=1e-6)
    orders, fills, _ = _journal_contents(tmp_path / "j.sqlite", report.run_id)
    assert len(orders) == report.orders
    assert len(fills) == report.fills


@pytest.mark.slow
def test_a_second_run_on_the_same_journal_keeps_all_its_fills(config, tmp_path):
    journal = tmp_path / "twice.sqlite"
    reports = [TradingSession(config, Catalog(tmp_path / "c"), journal).run() for _ in range(2)]
    assert reports[0].run_id != reports[1].run_id
    for report in reports:
        _, fills, _ = _journal_contents(journal, report.run_id)
        assert len(fills) == report.fills > 0


def test_advisory_session_logs_signals_marked_advisory(config, tmp_path):
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "a.sqlite",
                             mode="advisory")  # fmt: skip
    report = session.run(until_row=200)
    journal = Journal.open(tmp_path / "a.sqlite")
    try:
        signals = journal.signals(report.run_id)
        assert signals
        assert all(s.advisory for s in signals)
        assert journal.run(report.run_id).mode.value == "advisory"
    finally:
        journal.close()


def _child(point: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), str(EXAMPLE), str(tmp_path / "catalog"),
         str(tmp_path / "crash.sqlite"), point],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.slow
def test_sigkill_at_several_points_loses_and_duplicates_nothing(backtest, tmp_path):
    for point in ("after:81", "before:150", "row:300", "before:60"):
        killed = _child(point, tmp_path)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
    finished = _child("none", tmp_path)
    assert finished.returncode == 0, finished.stderr[-2000:]
    _, run_id, n_orders, n_fills, equity = finished.stdout.split()
    orders, fills, _ = _journal_contents(tmp_path / "crash.sqlite", run_id)
    # Nothing duplicated or lost, and the same book as the uninterrupted run.
    assert len(orders) == int(n_orders) == len(backtest.run.orders)
    assert len({o.client_order_id for o in orders}) == len(orders)
    assert len(fills) == int(n_fills) == len(backtest.run.fills)
    assert len({f.trade_id for f in fills}) == len(fills)
    assert float(equity) == pytest.approx(backtest.run.final_equity, abs=1e-6)
    filled = sorted(float(f.qty) for f in fills)
    expected = sorted(np.abs(backtest.run.fills["qty"].to_numpy()).round(12))
    assert filled == pytest.approx(expected, abs=1e-9)


class _Raising:
    """A feed whose source fails from one row on (a venue outage, an auth error), and
    answers again from `recover_at` on, if given."""

    def __init__(self, inner, fail_at: int, recover_at: int | None = None) -> None:
        self._inner, self._fail_at, self._recover_at = inner, fail_at, recover_at
        self.symbols = inner.symbols
        self.polled: list[int] = []

    def poll(self, row: int) -> FeedRow:
        self.polled.append(row)
        if row >= self._fail_at and (self._recover_at is None or row < self._recover_at):
            raise ConnectionError("venue unreachable")
        return self._inner.poll(row)


class _Silent:
    """A feed that stops delivering bars from one row on (a data outage)."""

    def __init__(self, inner, silent_from: int) -> None:
        self._inner, self._from = inner, silent_from
        self.symbols = inner.symbols

    def poll(self, row: int) -> FeedRow:
        found = self._inner.poll(row)
        if row < self._from:
            return found
        nothing = np.zeros_like(found.fresh)
        nan = np.full(found.close.shape, np.nan)
        return FeedRow(nothing, nan, nan, nan, nan)


@pytest.mark.slow
def test_a_failing_and_a_silent_feed_pause_only_their_markets(config, tmp_path):
    baseline = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "base.sqlite")
    base_report = baseline.run()
    faulty = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "faulty.sqlite")
    faulty.feeds["crypto"] = _Raising(faulty.feeds["crypto"], fail_at=150)
    faulty.feeds["commodities"] = _Silent(faulty.feeds["commodities"], silent_from=150)
    report = faulty.run()
    assert "crypto" in report.paused
    assert "venue unreachable" in report.paused["crypto"]
    base_orders, _, _ = _journal_contents(tmp_path / "base.sqlite", base_report.run_id)
    orders, _, _ = _journal_contents(tmp_path / "faulty.sqlite", report.run_id)

    def market_orders(rows, market):
        return [(o.seq, o.symbol, o.side, o.quantity) for o in rows if o.market == market]

    # The healthy markets trade exactly as without the faults... up to sizing: their
    # orders are the same sequence of (symbol, side) decisions.
    for market in ("equities", "bonds"):
        assert [(s, d) for _, s, d, _ in market_orders(orders, market)] == [
            (s, d) for _, s, d, _ in market_orders(base_orders, market)
        ]
    # The failed market sends nothing after its feed failed.
    last_crypto = max(o.ts_created for o in orders if o.market == "crypto")
    row_150 = faulty.live.timestamps[150]
    assert last_crypto.timestamp() * 1e9 < row_150


@pytest.mark.slow
def test_a_feed_that_recovers_is_retried_with_backoff_and_its_market_resumes(config, tmp_path):
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "recover.sqlite")
    feed = _Raising(session.feeds["crypto"], fail_at=150, recover_at=190)
    session.feeds["crypto"] = feed
    report = session.run()
    assert "crypto" not in report.paused
    kinds = [(e["event"], e["row"]) for e in report.feed_events if e["market"] == "crypto"]
    assert kinds[0] == ("paused", 150)
    assert kinds[-1][0] == "resumed"
    assert kinds[-1][1] >= 190
    # Backoff: retries at 151, 153, 157, 165, 181, 213 ... (waits double), not every row.
    retries = [row for kind, row in kinds if kind == "retrying"]
    assert retries[:4] == [151, 153, 157, 165]
    assert [row for row in feed.polled if 150 <= row < kinds[-1][1]] == [150, *retries[:-1]]
    # The market trades again after it resumed; its signals are journaled again.
    journal = Journal.open(tmp_path / "recover.sqlite")
    try:
        signals = [s for s in journal.signals(report.run_id) if s.market == "crypto"]
        saved = journal.load_risk_state(report.run_id)
    finally:
        journal.close()
    resumed_ns = int(session.live.timestamps[kinds[-1][1]])
    assert any(pd.Timestamp(s.ts).value >= resumed_ns for s in signals)
    assert saved is not None
    assert saved["paused"] == {}


def _tight_drawdown_config(tmp_path: Path):
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text())
    data["risk"]["global"]["max_drawdown_pct"] = 2.0
    data["risk"]["global"].pop("daily_loss_limit_pct", None)
    path = tmp_path / "tight.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path, apply_env=False)


def test_halted_state_survives_a_restart(tmp_path):
    config = _tight_drawdown_config(tmp_path)
    journal_path = tmp_path / "halt.sqlite"
    first = TradingSession(config, Catalog(tmp_path / "c"), journal_path)
    report = first.run(until_row=400)
    journal = Journal.open(journal_path)
    try:
        saved = journal.load_risk_state(report.run_id)
    finally:
        journal.close()
    assert saved is not None
    assert saved["drawdown_state"] == "HALTED", saved
    # A new process: the run resumes HALTED, and no entry is approved afterwards.
    second = TradingSession(config, Catalog(tmp_path / "c"), journal_path)
    resumed = second.run()
    assert resumed.resumed_from_row == 400
    journal = Journal.open(journal_path)
    try:
        final = journal.load_risk_state(report.run_id)
        decisions = journal.risk_decisions(report.run_id)
    finally:
        journal.close()
    assert final is not None
    assert final["drawdown_state"] == "HALTED"
    denied = [d for d in decisions if d.action == "deny"]
    assert denied, "the tight drawdown limit should have denied entries"
    assert {d.reason_code for d in denied} == {RiskReason.DRAWDOWN_HALT.value}
    # Entries are still denied in the resumed process (after row 400).
    restart_ns = int(first.live.timestamps[400])
    assert any(pd.Timestamp(d.ts).value > restart_ns for d in denied)


def test_disabling_a_market_while_running_stops_entries_but_manages_positions(config, tmp_path):
    path = tmp_path / "toggle.sqlite"
    session = TradingSession(config, Catalog(tmp_path / "c"), path)

    def toggle(t: int) -> None:
        if t == 200:
            session.disable_market("equities", "operator disabled it")

    report = session.run(on_row=toggle)
    assert report.paused == {"equities": "operator disabled it"}
    journal = Journal.open(path)
    try:
        decisions = [d for d in journal.risk_decisions(report.run_id) if d.market == "equities"]
    finally:
        journal.close()
    cut = int(session.live.timestamps[200])
    later = [d for d in decisions if pd.Timestamp(d.ts).value > cut]
    assert later, "equities kept producing decisions after it was disabled"
    denied = [d for d in later if d.action == "deny"]
    assert denied
    assert {d.reason_code for d in denied} == {RiskReason.MARKET_DISABLED.value}
    # Exits of positions held when the market was disabled still went through.
    assert any(d.action == "approve" for d in later)
