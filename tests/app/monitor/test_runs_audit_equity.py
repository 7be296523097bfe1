"""The runs page, the comparison, the control audit and the equity curve."""

from __future__ import annotations

import pytest
from tests.monitor_seed import Seed

from tradewind.app.monitor import MonitorError, audit, compare_runs, equity_curve, list_runs
from tradewind.store import Journal


def test_list_runs_newest_first_with_counts_and_figures(journal: Journal, seed: Seed) -> None:
    paper, backtest = list_runs(journal)
    assert (paper.run_id, backtest.run_id) == (seed.paper_run, seed.backtest_run)
    assert (paper.mode, paper.status, paper.orders, paper.fills) == ("paper", "running", 8, 8)
    assert paper.final_equity_usd == pytest.approx(99_000.0)
    assert paper.return_pct == pytest.approx(-1.0)
    assert paper.max_drawdown_pct == pytest.approx(1.0)
    assert paper.markets == ("crypto", "forex", "stocks")
    assert (backtest.orders, backtest.fills, backtest.status) == (2, 2, "finished")
    assert backtest.return_pct == pytest.approx(seed.backtest_return_pct)
    assert backtest.max_drawdown_pct == pytest.approx(seed.backtest_max_drawdown_pct)
    assert list_runs(journal, limit=1) == (paper,)


def test_compare_runs_rows_per_metric(journal: Journal, seed: Seed) -> None:
    comparison = compare_runs(journal, [seed.backtest_run, seed.paper_run])
    assert [r.run_id for r in comparison.runs] == [seed.backtest_run, seed.paper_run]
    rows = dict(comparison.rows)
    assert rows["fills"] == ("2", "8")
    assert rows["return %"] == ("10.00", "-1.00")
    assert rows["finished (UTC)"][1] == "-"


def test_compare_unknown_run_is_named(journal: Journal, seed: Seed) -> None:
    with pytest.raises(MonitorError, match="unknown run 'nope'"):
        compare_runs(journal, [seed.paper_run, "nope"])


def test_audit_newest_first_with_ack_latency(journal: Journal, seed: Seed) -> None:
    disable, stop = audit(journal)
    assert (disable.action, disable.market, disable.user, disable.acks) == (
        "disable",
        "forex",
        "bob",
        (),
    )
    assert (stop.action, stop.market, stop.reason, stop.source) == (
        "soft",
        "stocks",
        "earnings",
        "cli",
    )
    assert [a.outcome for a in stop.acks] == ["in force", "done: soft stop"]
    assert all(a.run_id == seed.paper_run and a.latency_ms >= 0 for a in stop.acks)
    assert audit(journal, limit=1) == (disable,)


def test_equity_curve_downsamples_keeping_both_ends(journal: Journal, seed: Seed) -> None:
    full = equity_curve(journal, seed.backtest_run)
    assert len(full) == seed.backtest_points
    short = equity_curve(journal, seed.backtest_run, max_points=50)
    assert len(short) == 50
    assert (short[0], short[-1]) == (full[0], full[-1])
    assert [p.time_s for p in short] == sorted({p.time_s for p in short})
    assert max(p.drawdown_pct for p in full) == pytest.approx(5.0)


def test_equity_curve_of_unknown_run(journal: Journal) -> None:
    with pytest.raises(MonitorError, match="unknown run 'nope'"):
        equity_curve(journal, "nope")
    with pytest.raises(MonitorError, match="max_points 1"):
        equity_curve(journal, "nope", max_points=1)
