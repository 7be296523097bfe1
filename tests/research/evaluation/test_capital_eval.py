"""The capital evaluation backtests each variant on each window, honestly labelled."""

from __future__ import annotations

import math

import pytest

from tradewind.app.backtest import backtest_config
from tradewind.research.evaluation.capital_eval import BASELINE, evaluate_capital

pytestmark = pytest.mark.slow


def test_capital_evaluation_compares_scaling_with_the_fixed_baseline_on_every_window() -> None:
    evaluation = evaluate_capital(backtest_config, variants=(BASELINE, "equal + scaling only"))
    whole = evaluation.whole()
    assert {(r.window, r.variant) for r in whole} == {
        (w, v) for w in {r.window for r in whole} for v in (BASELINE, "equal + scaling only")
    }
    assert len({r.window for r in whole}) == 2
    for row in whole:
        assert math.isfinite(row.sharpe)
        assert math.isfinite(row.total_return)
        assert row.max_drawdown <= 0.0
        if row.variant == BASELINE:
            assert row.sizing_decisions == 0
            assert row.binding == ""
        else:
            # Every entry of the scaled run was sized by the engine and explained.
            assert row.sizing_decisions >= row.entries > 0
            assert row.binding
    years = [r for r in evaluation.rows if r.period != "all"]
    assert {r.period for r in years} >= {"2009", "2015"}
    assert "nothing" in evaluation.method or "no parameter was tuned" in evaluation.method
