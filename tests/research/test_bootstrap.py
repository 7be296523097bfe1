"""The stationary bootstrap: resamples in wrapped blocks, reproducible by seed, and
intervals that find a real difference and none where there is none."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.research.evaluation.bootstrap import (
    BOTH_WINDOWS,
    compare_features,
    paired_bootstrap,
    stationary_indices,
)


def test_resamples_are_wrapped_runs_of_consecutive_rows() -> None:
    rows = stationary_indices(50, 200, 5.0, np.random.default_rng(3))
    assert rows.shape == (200, 50)
    assert rows.min() >= 0
    assert rows.max() < 50
    steps = (np.diff(rows, axis=1) % 50) == 1
    # Blocks of mean length 5: about four rows in five continue the row before.
    assert 0.7 < steps.mean() < 0.9
    # Every row of the series is drawn about equally often (stationarity).
    counts = np.bincount(rows.ravel(), minlength=50) / rows.size
    assert np.abs(counts - 1 / 50).max() < 0.006


def test_same_seed_same_intervals_other_seed_other_draws() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(0.0003, 0.01, 500)
    ours = base + rng.normal(0.0, 0.003, 500)
    first = paired_bootstrap(ours, base, 252, resamples=300, seed=7)
    again = paired_bootstrap(ours, base, 252, resamples=300, seed=7)
    other = paired_bootstrap(ours, base, 252, resamples=300, seed=8)
    assert first == again
    assert first.sharpe.low != other.sharpe.low
    assert first.sharpe.estimate == other.sharpe.estimate


def test_a_real_improvement_gets_an_interval_above_zero() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(0.0002, 0.01, 1500)
    better = base + rng.normal(0.0004, 0.001, 1500)
    result = paired_bootstrap(better, base, 252, resamples=500)
    assert result.sharpe_difference.above_zero
    assert result.return_difference.above_zero
    assert result.sharpe.low < result.sharpe.estimate < result.sharpe.high
    assert result.max_drawdown.high <= 0.0


def test_the_same_series_against_itself_differs_by_exactly_zero() -> None:
    series = np.random.default_rng(2).normal(0.0, 0.01, 300)
    result = paired_bootstrap(series, series, 252, resamples=200)
    diff = result.sharpe_difference
    assert (diff.estimate, diff.low, diff.high) == (0.0, 0.0, 0.0)
    assert not diff.above_zero
    assert not diff.below_zero


def test_point_estimates_are_those_of_the_series_as_observed() -> None:
    series = np.array([0.01, -0.02, 0.03, 0.0, 0.01])
    result = paired_bootstrap(series, np.zeros(5), 252, resamples=100)
    assert result.total_return.estimate == pytest.approx(np.prod(1 + series) - 1)
    sharpe = series.mean() / series.std(ddof=1) * np.sqrt(252)
    assert result.sharpe.estimate == pytest.approx(sharpe)
    assert result.max_drawdown.estimate == pytest.approx(1.01 * 0.98 / 1.01 - 1)


@pytest.mark.parametrize(
    ("ours", "theirs", "message"),
    [
        (np.zeros(3), np.zeros(4), "expected two equal"),
        (np.zeros(0), np.zeros(0), "non-empty"),
        (np.array([0.0, np.nan]), np.zeros(2), "finite"),
    ],
)
def test_mismatched_or_missing_returns_are_refused(
    ours: np.ndarray, theirs: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        paired_bootstrap(ours, theirs, 252, resamples=10)


def test_features_are_compared_per_window_then_pooled_and_only_when_both_ran() -> None:
    rng = np.random.default_rng(4)
    base = {w: rng.normal(0.0, 0.01, n) for w, n in (("a", 300), ("b", 200))}
    returns = {(w, "base"): r for w, r in base.items()}
    returns |= {(w, "better"): r + 0.002 for w, r in base.items()}
    returns[("a", "half-run")] = base["a"]
    found = compare_features(
        returns,
        {"a": 252.0, "b": 365.0},
        [("edge", "better", "base"), ("missing", "half-run", "base")],
        resamples=200,
    )
    assert [(c.feature, c.window) for c in found] == [
        ("edge", "a"),
        ("edge", "b"),
        ("edge", BOTH_WINDOWS),
    ]
    assert {c.verdict for c in found} == {"beats"}
    pooled = found[-1]
    expected = np.prod(1 + np.concatenate([base["a"], base["b"]]) + 0.002) - 1
    assert pooled.total_return.estimate == pytest.approx(expected)
