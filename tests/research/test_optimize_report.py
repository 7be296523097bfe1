"""The sweep and walk-forward HTML reports, on small results built from the app records."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import numpy as np

from tradewind.app.optimize_results import OptimizeRequest, OptimizeResult, TrialRecord
from tradewind.app.walk_forward import Fold, FoldResult, WalkForwardResult
from tradewind.research.optimize_report import (
    OverfittingFigures,
    optimize_html,
    walk_forward_html,
    write_report,
)
from tradewind.research.optimize_space import Choice, ParamDimension
from tradewind.research.overfitting import (
    backtest_overfitting,
    deflated_sharpe,
    summarize_returns,
)

FAST = ParamDimension("fast", "int", low=5, high=20, step=5)  # 5, 10, 15, 20
SLOW = ParamDimension("slow", "int", low=30, high=50, step=10)  # 30, 40, 50
MODE = ParamDimension("mode", "choice", choices=("a", "b"))


def trial(number: int, params: dict[str, Choice], objective: float | None) -> TrialRecord:
    if objective is None:
        return TrialRecord(number, params, "infeasible", note="refused")
    return TrialRecord(number, params, "complete", objective=objective, total_return=0.1,
                       sharpe=objective, max_drawdown=-0.05, trades=12)  # fmt: skip


def sweep(
    space: tuple[ParamDimension, ...], trials: list[TrialRecord], strategy: str = "sma"
) -> OptimizeResult:
    request = OptimizeRequest(strategy=strategy, space=space, method="grid")
    return OptimizeResult(
        request=request,
        markets=("crypto",),
        trials=tuple(trials),
        prepare_seconds=0.1,
        search_seconds=1.0,
        engine_runs=len(trials),
    )


def grid_sweep() -> OptimizeResult:
    # Every (fast, slow) point; (10, 40) is the best, (20, 50) is infeasible.
    trials = []
    for number, (f, s) in enumerate(product((5, 10, 15, 20), (30, 40, 50))):
        value = None if (f, s) == (20, 50) else (2.0 if (f, s) == (10, 40) else f / 100 + s / 1000)
        trials.append(trial(number, {"fast": f, "slow": s}, value))
    return sweep((FAST, SLOW), trials)


def cells(html: str) -> list[str]:
    return re.findall(r"<rect class='cell[^']*'[^>]*>.*?</rect>", html)


def test_heatmap_has_one_cell_per_grid_point_and_outlines_the_best() -> None:
    html = optimize_html(grid_sweep(), title="sweep")
    found = cells(html)
    assert len(found) == 4 * 3
    best = [c for c in found if "class='cell best'" in c]
    assert len(best) == 1
    assert "fast=10, slow=40: 2" in best[0]
    assert "stroke='#000'" in best[0]


def test_heatmap_greys_infeasible_and_untried_cells() -> None:
    result = grid_sweep()
    partial = sweep(result.request.space, [t for t in result.trials if t.params["fast"] != 5])
    found = cells(optimize_html(partial, title="partial"))
    assert len(found) == 12  # the grid, not only what was tried
    grey = [c for c in found if "fill='#ccc'" in c]
    assert len(grey) == 3 + 1  # fast=5 never tried, (20, 50) infeasible
    assert sum("not tried" in c for c in grey) == 3
    assert sum("no ranked trial" in c for c in grey) == 1


def test_heatmap_with_three_params_shows_the_best_over_the_others() -> None:
    trials = [
        trial(n, {"fast": f, "slow": s, "mode": m}, f / 10 + (1.0 if m == "b" else 0.0))
        for n, (f, s, m) in enumerate(product((5, 10, 15, 20), (30, 40, 50), ("a", "b")))
    ]
    html = optimize_html(sweep((FAST, SLOW, MODE), trials), title="three")
    found = cells(html)
    assert len(found) == 12
    assert "each cell shows the best over the others" in html
    assert any("fast=20, slow=30: 3" in c for c in found)  # mode b wins: 2.0 + 1.0


def test_one_param_sweep_draws_one_bar_per_value_and_marks_the_best() -> None:
    trials = [
        trial(n, {"fast": f}, v)
        for n, (f, v) in enumerate([(5, 0.2), (10, 0.9), (15, -0.3), (20, 0.1)])
    ]
    html = optimize_html(sweep((FAST,), trials), title="one")
    bars = re.findall(r"<rect class='bar'[^>]*>.*?</rect>", html)
    assert len(bars) == 4
    marked = [b for b in bars if "stroke='#000'" in b]
    assert len(marked) == 1
    assert "10: 0.9" in marked[0]
    assert not cells(html)


def test_continuous_float_range_is_binned() -> None:
    z = ParamDimension("z", "float", low=0.0, high=1.0)
    rng = np.random.default_rng(1)
    trials = [
        trial(n, {"fast": 5 * int(rng.integers(1, 5)), "z": float(rng.random())}, rng.random())
        for n in range(40)
    ]
    assert len(cells(optimize_html(sweep((FAST, z), trials), title="binned"))) == 4 * 10


def test_best_table_lists_at_most_ten_trials_best_first() -> None:
    html = optimize_html(grid_sweep(), title="sweep")
    table = re.search(r"<table class='best'>.*?</table>", html)
    assert table is not None
    rows = re.findall(r"<tr><td>(\d+)</td><td>#(\d+)</td>", table.group(0))
    assert len(rows) == 10
    assert rows[0] == ("1", "4")  # trial 4 is (10, 40)


def test_summary_names_the_search_and_best_params() -> None:
    html = optimize_html(grid_sweep(), title="sweep")
    for text in ("sma", "grid", "sharpe", "12 (11 complete)", "fast=10, slow=40"):
        assert text in html
    assert re.search(r"<th>infeasible</th><td>1</td>", html)


def test_user_strings_are_escaped() -> None:
    evil = "<script>alert('x')</script>"
    space = (ParamDimension("a<b", "choice", choices=(evil, "ok")), SLOW)
    trials = [
        trial(n, {"a<b": c, "slow": s}, float(n))
        for n, (c, s) in enumerate(product((evil, "ok"), (30, 40, 50)))
    ]
    html = optimize_html(sweep(space, trials, strategy="s&<p>"), title="<title>'")
    assert "<script>" not in html
    assert "a<b" not in html
    assert "s&<p>" not in html
    assert "&lt;script&gt;" in html
    assert "s&amp;&lt;p&gt;" in html
    assert "<h1>&lt;title&gt;&#x27;</h1>" in html


def test_overfitting_section_shows_dsr_pbo_and_the_logit_histogram() -> None:
    rng = np.random.default_rng(2)
    summaries = [summarize_returns(rng.normal(0, 0.01, 400)) for _ in range(10)]
    figures = OverfittingFigures(deflated_sharpe(summaries, 0), backtest_overfitting(summaries))
    assert figures.deflated is not None
    assert figures.pbo is not None
    html = optimize_html(grid_sweep(), title="sweep", overfitting=figures)
    assert f"<b>{figures.deflated.probability:.3f}</b>" in html
    assert f"<b>{figures.pbo.probability:.3f}</b>" in html
    assert "Read it as the probability" in html
    assert "Read it as the share of splits" in html
    assert len(re.findall(r"<rect class='logit'", html)) == 10  # one bar per logit bin


def test_overfitting_section_is_absent_without_figures_and_says_when_missing() -> None:
    assert "Overfitting" not in optimize_html(grid_sweep(), title="sweep")
    html = optimize_html(grid_sweep(), title="sweep", overfitting=OverfittingFigures(None, None))
    assert "Deflated Sharpe ratio: not available" in html
    assert "Probability of backtest overfitting: not available" in html


def walk_forward(folds: int) -> WalkForwardResult:
    request = OptimizeRequest(strategy="sma<x>", space=(FAST,), objective="sharpe")
    results = []
    for i in range(folds):
        fold = Fold(i * 10, i * 10 + 50, i * 10 + 50, i * 10 + 60)
        best = trial(i, {"fast": 5 * (i + 1)}, 1.0 + i / 10)
        oos = trial(i, {"fast": 5 * (i + 1)}, -0.2 + i / 5)
        results.append(FoldResult(fold, best, oos, np.full(10, 0.001)))
    equity = 1000.0 * np.cumprod(np.full(folds * 10, 1.001))
    return WalkForwardResult(request=request, markets=("crypto",), anchored=False,
                             folds=tuple(results), initial_equity=1000.0, stitched_equity=equity,
                             stitched_sharpe=1.2, stitched_max_drawdown=-0.01, seconds=1.0,
                             engine_runs=folds * 5)  # fmt: skip


def test_walk_forward_page_has_one_in_and_one_out_of_sample_bar_per_fold() -> None:
    html = walk_forward_html(walk_forward(4), title="wf")
    assert len(re.findall(r"<rect class='is'", html)) == 4
    assert len(re.findall(r"<rect class='oos'", html)) == 4
    assert "fold 4: 1.3" in html  # IS objective of the last fold


def test_walk_forward_page_has_a_fold_table_and_the_stitched_curve() -> None:
    html = walk_forward_html(walk_forward(3), title="wf")
    table = re.search(r"<table class='folds'>.*?</table>", html)
    assert table is not None
    assert table.group(0).count("<tr><td>") == 3
    assert "<td>3</td><td>20..69</td><td>70..79</td><td>fast=15</td><td>1.2</td>" in table.group(0)
    line = re.search(r"<polyline class='equity' points='([^']*)'", html)
    assert line is not None
    assert len(line.group(1).split()) == 3 * 10 + 1  # the initial equity and every test row
    assert "sma&lt;x&gt;" in html
    assert "sma<x>" not in html


def test_walk_forward_fold_without_a_best_trial_draws_no_bars() -> None:
    result = walk_forward(2)
    empty = FoldResult(Fold(20, 70, 70, 80), None, None, np.zeros(10))
    html = walk_forward_html(
        WalkForwardResult(result.request, result.markets, True, (*result.folds, empty), 1000.0,
                          np.ones(30) * 1000.0, 0.0, 0.0, 1.0, 10), title="wf",
    )  # fmt: skip
    assert len(re.findall(r"<rect class='is'", html)) == 2
    assert "<td>none</td><td>n/a</td><td>n/a</td><td>n/a</td>" in html


def test_write_report_creates_the_parents(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a" / "b" / "sweep.html", "<p>x</p>")
    assert path.read_text(encoding="utf-8") == "<p>x</p>"
