"""The capital evaluation compares each feature with its reference on the same days,
with bootstrap intervals per window and pooled, and never measures a regime variant
that ran without its regimes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tradewind.app.backtest import backtest_config
from tradewind.domain.errors import TradewindError
from tradewind.engine.setup import CapitalPlan
from tradewind.research.evaluation.capital_eval import (
    BASELINE,
    BOTH_WINDOWS,
    CapitalEvaluation,
    evaluate_capital,
    write_capital_json,
)

pytestmark = pytest.mark.slow

ADAPTIVE = "adaptive router only"


@pytest.fixture(scope="module")
def evaluation() -> CapitalEvaluation:
    return evaluate_capital(backtest_config, variants=(BASELINE, ADAPTIVE), resamples=300)


def test_each_feature_gets_a_comparison_per_window_and_one_over_both(
    evaluation: CapitalEvaluation,
) -> None:
    found = [c for c in evaluation.comparisons if c.feature == "adaptive routing"]
    windows = [c.window for c in found]
    assert len(windows) == 3
    assert windows[-1] == BOTH_WINDOWS
    assert {c.variant for c in found} == {ADAPTIVE}
    assert {c.reference for c in found} == {BASELINE}
    # Only comparisons whose variant and reference both ran are made.
    assert {c.feature for c in evaluation.comparisons} == {"adaptive routing"}
    whole = {(r.window, r.variant): r for r in evaluation.whole()}
    for c in found[:2]:
        row = whole[c.window, ADAPTIVE]
        assert c.sharpe.estimate == pytest.approx(row.sharpe, abs=0.02)
        assert c.total_return.estimate == pytest.approx(row.total_return, abs=1e-6)
        baseline = whole[c.window, BASELINE]
        assert c.return_difference.estimate == pytest.approx(
            row.total_return - baseline.total_return, abs=1e-6
        )
    for c in found:
        for interval in (c.sharpe, c.return_difference, c.sharpe_difference):
            assert interval.low <= interval.high


def test_the_verdict_follows_the_sharpe_differences_interval(
    evaluation: CapitalEvaluation,
) -> None:
    for c in evaluation.comparisons:
        difference = c.sharpe_difference
        expected = (
            "beats" if difference.low > 0 else "worse" if difference.high < 0
            else "no significant difference"
        )  # fmt: skip
        assert c.verdict == expected
    pooled = next(c for c in evaluation.comparisons if c.window == BOTH_WINDOWS)
    assert evaluation.default_on("adaptive routing") == (pooled.verdict == "beats")
    assert not evaluation.default_on("a feature never measured")


def test_the_json_holds_rows_comparisons_defaults_and_run_time(
    evaluation: CapitalEvaluation, tmp_path: Path
) -> None:
    payload = json.loads(write_capital_json(tmp_path / "capital.json", evaluation).read_text())
    assert len(payload["rows"]) == len(evaluation.rows)
    first = payload["comparisons"][0]
    assert set(first["sharpe_difference"]) == {"estimate", "low", "high"}
    assert payload["default_on"] == {"adaptive routing": evaluation.default_on("adaptive routing")}
    assert payload["runtime_s"] > 0
    assert "bootstrap" in payload["method"]


def test_a_regime_variant_is_measured_with_its_regimes_or_refused() -> None:
    wired = "regime" in {f.name for f in dataclasses.fields(CapitalPlan)}
    variants = (BASELINE, "equal + regime actions")
    if not wired:
        with pytest.raises(TradewindError, match="received no regime actions"):
            evaluate_capital(backtest_config, variants=variants, resamples=100)
        return
    result = evaluate_capital(backtest_config, variants=variants, resamples=100)
    assert {c.feature for c in result.comparisons} == {"regime actions"}


def test_the_comparison_table_shows_each_difference_with_its_interval(
    evaluation: CapitalEvaluation,
) -> None:
    from rich.console import Console

    from tradewind.cli.capital_tables import capital_comparison_table

    console = Console(record=True, width=400)
    console.print(capital_comparison_table(evaluation.comparisons))
    text = console.export_text()
    pooled = next(c for c in evaluation.comparisons if c.window == BOTH_WINDOWS)
    low, high = pooled.sharpe_difference.low, pooled.sharpe_difference.high
    assert f"[{low:+.2f}, {high:+.2f}]" in text
    assert pooled.verdict in text
    assert text.count("adaptive routing") == 3
