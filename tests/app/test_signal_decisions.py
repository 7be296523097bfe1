"""Every journaled signal says what the engine decided for it, consistently with the
orders and risk decisions journaled with it; advisory output says its orders are
paper-tracked, never sent to a venue."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from tradewind.app.backtest import backtest_config
from tradewind.app.journaling import journal_run
from tradewind.app.session import TradingSession
from tradewind.app.signal_decisions import (
    ACTED_ON,
    OUTCOMES,
    LoopLog,
    decision_outcome,
    outcome_counts,
    signal_decisions,
)
from tradewind.cli.main import run
from tradewind.cli.signals_cmd import app as signals_app
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.engine.books import BookSet, SignalRecord
from tradewind.risk.reasons import RiskReason
from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
MULTI_MARKET = ROOT / "examples" / "multi_market.yaml"
ORDER = re.compile(r"order (\S+)")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("TRADEWIND_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(EXAMPLE, apply_env=False)


@pytest.fixture(scope="module")
def advisory(config, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    """The journal of a whole advisory run of the example, and its run id."""
    base = tmp_path_factory.mktemp("advisory")
    path = base / "journal.sqlite"
    report = TradingSession(config, Catalog(base / "c"), path, mode="advisory").run()
    return path, report.run_id


def _export(path: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(signals_app, ["export", "--journal", str(path)])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout.split("\n", 1)[1])))


def _backtest_journal(config, path: Path) -> str:  # type: ignore[no-untyped-def]
    outcome = backtest_config(config, Catalog(path.parent / "c"))
    return journal_run(outcome.run, outcome.results, path, config_json="{}").run_id


def test_every_exported_signal_has_a_decision_consistent_with_the_journaled_orders(
    advisory: tuple[Path, str],
) -> None:
    path, run_id = advisory
    rows = _export(path)
    with Journal.open(path) as journal:
        orders = {o.client_order_id: o for o in journal.orders(run_id)}
        risk = {d.client_order_id: d for d in journal.risk_decisions(run_id)}
    assert rows
    assert all(decision_outcome(r["decision"]) in OUTCOMES for r in rows)
    referenced = set()
    for row in rows:
        outcome = decision_outcome(row["decision"])
        found = ORDER.search(row["decision"])
        assert (found is not None) == (outcome in ACTED_ON or outcome == "denied by risk"), row
        if found is None:
            continue
        order = orders[found.group(1)]
        referenced.add(order.client_order_id)
        assert (order.market, order.symbol) == (row["market"], row["symbol"])
        assert order.ts_created.strftime("%Y-%m-%dT%H:%M:%SZ") == row["ts"]
        assert str(order.order_type) == "market"
        assert (str(order.status) == "rejected") == (outcome == "denied by risk")
        if row["decision"].startswith(("entered long", "exited short", "reversed to long")):
            assert str(order.side) == "buy", row
        if row["decision"].startswith(("entered short", "exited long", "reversed to short")):
            assert str(order.side) == "sell", row
        action = str(risk[order.client_order_id].action)
        assert (action == "reduce") == ("reduced by risk" in row["decision"]), row
    market_orders = {c for c, o in orders.items() if str(o.order_type) == "market"}
    assert referenced == market_orders  # every order a signal made is explained


def test_the_advisory_session_decides_like_the_backtest(
    config,  # type: ignore[no-untyped-def]
    advisory: tuple[Path, str],
    tmp_path: Path,
) -> None:
    path, run_id = advisory
    backtest_path = tmp_path / "backtest.sqlite"
    backtest_id = _backtest_journal(config, backtest_path)
    with Journal.open(path) as journal:
        live = [d.replace(run_id, "{run}") for d in journal.signal_decisions(run_id)]
    with Journal.open(backtest_path) as journal:
        replayed = [d.replace(backtest_id, "{run}") for d in journal.signal_decisions(backtest_id)]
    assert live == replayed
    assert {decision_outcome(d) for d in live} >= {"entered", "exited", "held", "ignored"}


def test_a_denied_signal_names_the_risk_reason_and_code_of_its_order(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["risk"]["global"]["max_open_positions"] = 2
    tight = tmp_path / "tight.yaml"
    tight.write_text(yaml.safe_dump(data), encoding="utf-8")
    path = tmp_path / "journal.sqlite"
    run_id = _backtest_journal(load_config(tight, apply_env=False), path)
    with Journal.open(path) as journal:
        decisions = journal.signal_decisions(run_id)
        risk = {d.client_order_id: d for d in journal.risk_decisions(run_id)}
    denied = [d for d in decisions if decision_outcome(d) == "denied by risk"]
    assert denied
    for decision in denied:
        found = ORDER.search(decision)
        assert found is not None
        verdict = risk[found.group(1)]
        assert str(verdict.action) == "deny"
        reason = RiskReason(verdict.reason_code)
        assert decision.startswith(f"denied by risk: {reason.name} (code {int(reason)}, ")
        assert "would have entered" in decision


def test_a_signal_cross_market_confirmation_held_back_is_unconfirmed(tmp_path: Path) -> None:
    config = load_config(MULTI_MARKET, apply_env=False)
    assert config.mmin.cross_market_signals_required > 0
    path = tmp_path / "journal.sqlite"
    run_id = _backtest_journal(config, path)
    with Journal.open(path) as journal:
        decisions = journal.signal_decisions(run_id)
    unconfirmed = [d for d in decisions if decision_outcome(d) == "unconfirmed"]
    assert unconfirmed
    required = config.mmin.cross_market_signals_required
    for decision in unconfirmed:
        agreeing = re.match(
            rf"unconfirmed: (\d+) of the {required} required other markets", decision
        )
        assert agreeing is not None, decision
        assert int(agreeing.group(1)) < required


@pytest.mark.slow
def test_advisory_output_says_its_orders_are_paper_tracked_and_matches_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.sqlite"
    args = ["advisory", "--config", str(EXAMPLE), "--journal", str(path),
            "--catalog", str(tmp_path / "c")]  # fmt: skip
    monkeypatch.setattr(sys, "argv", ["tradewind", *args])
    with pytest.raises(SystemExit) as exited:
        run()
    out = capsys.readouterr().out
    assert exited.value.code in (0, None), out
    with Journal.open(path) as journal:
        run_id = journal.latest_run().run_id  # type: ignore[union-attr]
        orders = journal.orders(run_id)
        fills = journal.fills(run_id)
        decisions = journal.signal_decisions(run_id)
    market = [o for o in orders if str(o.order_type) == "market"]
    acted = [d for d in decisions if decision_outcome(d) in ACTED_ON]
    assert f"advisory run {run_id}: " in out
    assert f"signals: {len(decisions)} logged as advisory, {len(acted)} acted on (" in out
    assert (
        f"paper-tracked, no order was sent to a venue: {len(orders)} simulated orders "
        f"({len(market)} from signals, "
    ) in out
    assert f"{len(fills)} simulated fills; simulated equity " in out
    assert " orders, " not in out  # no bare order count that reads as real trading


def _one_book(target: list[int], signals: list[tuple[int, int, int]]) -> BookSet:
    """One symbol's aggregated book with `target` per row, and signals (row, strategy,
    direction) of strategies a (0) and b (1)."""
    t = np.array([target], dtype=np.int8)
    edge = np.zeros_like(t, dtype=bool)
    edge[0, 0] = t[0, 0] != 0
    edge[0, 1:] = t[0, 1:] != t[0, :-1]
    rows, strategies, directions = (np.array(c, dtype=np.int64) for c in zip(*signals, strict=True))
    zeros, nan = np.zeros(len(rows), dtype=np.int64), np.full(len(rows), np.nan)
    record = SignalRecord(rows, zeros, zeros, strategies, directions.astype(np.int8),
                          nan, nan, nan, nan)  # fmt: skip
    one = np.zeros(1)
    return BookSet(
        symbol=np.array([0]), market=np.array([0]), strategy=np.array([-1]),
        strategies=(("a", "b"),), decision=("CONSENSUS >= 1 of 2",), target=t, edge=edge,
        contributors=np.zeros_like(t, dtype=np.int64), stop=t * np.nan, take=t * np.nan,
        size_mode=np.zeros(1, dtype=np.int64), size_value=one, stop_pct=one, take_pct=one,
        signals=record,
    )  # fmt: skip


def _log(
    orders: list[tuple[int, float, float, int]], fills: list[tuple[int, int, float]]
) -> LoopLog:
    """Market orders (row, requested, approved, reason) of book 0 with seq 0, 1, ...;
    fills (order seq, row, signed qty)."""
    o = np.array(orders, dtype=float).reshape(-1, 4)
    f = np.array(fills, dtype=float).reshape(-1, 3)
    return LoopLog(
        order_seq=np.arange(len(o)), order_row=o[:, 0].astype(np.int64),
        order_book=np.zeros(len(o), dtype=np.int64), order_requested=o[:, 1],
        order_approved=o[:, 2], order_reason=o[:, 3].astype(np.int64),
        fill_book=np.zeros(len(f), dtype=np.int64), fill_row=f[:, 1].astype(np.int64),
        fill_order=f[:, 0].astype(np.int64), fill_qty=f[:, 2],
    )  # fmt: skip


def test_decisions_follow_the_position_before_each_order_and_the_target_after_it() -> None:
    books = _one_book(
        target=[1, 1, -1, -1, -1, 0, 0, 1],
        signals=[(0, 0, 1), (1, 1, 1), (2, 0, -1), (3, 1, 1), (4, 1, -1), (5, 0, 0), (6, 1, 1),
                 (7, 0, 1)],
    )  # fmt: skip
    denied = int(RiskReason.MAX_OPEN_GLOBAL)
    log = _log(
        orders=[(0, 10, 10, 0), (2, 20, 20, 0), (5, 10, 10, 0), (7, 10, 0, denied)],
        # Entered at row 1's open; reversed at row 2's close; the short is covered at
        # row 6's open in three float parts that leave dust, not a position.
        fills=[(0, 1, 10.0), (1, 2, -20.0), (2, 6, 9.7), (2, 6, 0.2), (2, 6, 0.1)],
    )
    decisions = signal_decisions(books, np.arange(8), log, lambda seq: f"X{seq}")
    assert decisions == [
        "entered long: order X0",
        "held: the target already was long",
        "reversed to short: order X1",
        "ignored: CONSENSUS >= 1 of 2 keeps the target short",
        "held: the target already was short",
        "exited short: order X2",
        "ignored: CONSENSUS >= 1 of 2 keeps the target flat",
        f"denied by risk: MAX_OPEN_GLOBAL (code {denied}, {RiskReason.MAX_OPEN_GLOBAL.text}); "
        "order X3 would have entered long",
    ]
    assert outcome_counts(decisions) == {"entered": 1, "held": 2, "reversed": 1, "ignored": 2,
                                         "exited": 1, "denied by risk": 1}  # fmt: skip


def test_a_reduced_order_and_a_target_the_position_already_had_are_said_so() -> None:
    books = _one_book(target=[1, 1, 0, 0], signals=[(0, 0, 1), (1, 1, 1), (2, 0, 0)])
    cap = int(RiskReason.MAX_POSITION_PCT)
    # Row 0: cut from 10 to 4; the stop closes it at row 2's open, before the target
    # turns flat at row 2's close: nothing left to exit.
    log = _log(orders=[(0, 10, 4, cap)], fills=[(0, 1, 4.0), (0, 2, -4.0)])
    decisions = signal_decisions(books, np.arange(3), log, lambda seq: f"X{seq}")
    assert decisions == [
        f"entered long, reduced by risk to 4 of 10 (MAX_POSITION_PCT, code {cap}): order X0",
        "held: the target already was long",
        "held: the target became flat, as the position already was",
    ]
