"""The overfitting statistics: return summaries, deflated Sharpe ratio and PBO (CSCV)."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

from tradewind.research.overfitting import (
    BLOCKS,
    LOGIT_EDGES,
    ReturnSummary,
    backtest_overfitting,
    deflated_sharpe,
    summarize_returns,
)
from tradewind.research.overfitting import _block_sharpe as block_sharpe


def noise_trials(seed: int, trials: int, n: int, scale: float = 0.01) -> list[ReturnSummary]:
    rng = np.random.default_rng(seed)
    return [summarize_returns(rng.normal(0.0, scale, n)) for _ in range(trials)]


def best_index(summaries: list[ReturnSummary]) -> int:
    return int(np.nanargmax([s.sharpe for s in summaries]))


# -- summarize_returns ----------------------------------------------------------------


def test_summary_block_sums_add_up_to_the_totals() -> None:
    returns = np.random.default_rng(3).normal(0.001, 0.02, 1_003)
    s = summarize_returns(returns)
    assert len(s.block_sum) == BLOCKS
    assert sum(s.block_count) == 1_003
    assert sum(s.block_sum) == pytest.approx(returns.sum(), abs=1e-12)
    assert sum(s.block_sumsq) == pytest.approx(np.square(returns).sum(), rel=1e-12)
    assert s.mean == pytest.approx(returns.mean())
    assert s.std == pytest.approx(returns.std(ddof=1))
    assert s.sharpe == pytest.approx(returns.mean() / returns.std(ddof=1))


def test_summary_moments_match_the_sample_skew_and_plain_kurtosis() -> None:
    returns = np.random.default_rng(4).exponential(0.01, 5_000)
    s = summarize_returns(returns)
    centred = returns - returns.mean()
    m2 = np.mean(centred**2)
    assert s.skew == pytest.approx(np.mean(centred**3) / m2**1.5)
    assert s.kurtosis == pytest.approx(np.mean(centred**4) / m2**2)
    assert s.skew > 1.5  # exponential: skew 2, kurtosis 9
    assert s.kurtosis > 6


def test_summary_of_few_returns_has_one_block_per_return() -> None:
    s = summarize_returns(np.array([0.01, -0.02, 0.03]))
    assert s.block_count == (1, 1, 1)
    assert s.block_sum == pytest.approx((0.01, -0.02, 0.03))


def test_summary_of_no_returns_is_empty_and_has_no_sharpe() -> None:
    s = summarize_returns(np.zeros(0))
    assert (s.n, s.mean, s.skew, s.kurtosis) == (0, 0.0, 0.0, 3.0)
    assert s.block_sum == s.block_sumsq == s.block_count == ()
    assert math.isnan(s.std)
    assert math.isnan(s.sharpe)


def test_summary_of_constant_returns_has_no_sharpe_and_normal_shape() -> None:
    s = summarize_returns(np.full(40, 0.001))
    assert (s.skew, s.kurtosis) == (0.0, 3.0)
    assert math.isnan(s.sharpe)


def test_summary_treats_non_finite_returns_as_zero() -> None:
    s = summarize_returns(np.array([0.01, np.nan, np.inf, -0.01]))
    assert s.n == 4
    assert s.mean == 0.0
    assert sum(s.block_sum) == 0.0


def test_summary_round_trips_through_json() -> None:
    for returns in (np.random.default_rng(5).normal(0, 0.01, 300), np.array([0.5]), np.zeros(0)):
        s = summarize_returns(returns)
        back = ReturnSummary.from_dict(json.loads(json.dumps(s.as_dict())))
        assert back.as_dict() == s.as_dict()
        assert back.block_count == s.block_count
        assert math.isnan(back.std) == math.isnan(s.std)


def test_summary_from_dict_names_the_missing_field() -> None:
    data = summarize_returns(np.ones(5)).as_dict()
    del data["block_sumsq"]
    with pytest.raises(ValueError, match="block_sumsq"):
        ReturnSummary.from_dict(data)


def test_summary_from_dict_names_a_malformed_field() -> None:
    data = {**summarize_returns(np.ones(5)).as_dict(), "block_count": 7}
    with pytest.raises(ValueError, match="block_count"):
        ReturnSummary.from_dict(data)


def test_summary_from_dict_refuses_blocks_of_different_lengths() -> None:
    data = {**summarize_returns(np.ones(5)).as_dict(), "block_sum": [1.0]}
    with pytest.raises(ValueError, match="same length"):
        ReturnSummary.from_dict(data)


def test_block_sharpe_from_sums_matches_numpy_on_the_concatenated_returns() -> None:
    # Blocks 1 and 3 of a hand-made 4-block series: returns (1, 3) and (-2, 6, 4).
    blocks = [
        np.array([0.5, -1.0]),
        np.array([1.0, 3.0]),
        np.array([7.0]),
        np.array([-2.0, 6.0, 4.0]),
    ]
    sums = np.array([[b.sum()] for b in blocks])
    sumsq = np.array([[np.square(b).sum()] for b in blocks])
    sizes = np.array([len(b) for b in blocks], dtype=np.float64)
    pick = np.array([[0.0, 1.0, 0.0, 1.0]])
    got = block_sharpe(pick @ sums, pick @ sumsq, pick @ sizes)
    joined = np.array([1.0, 3.0, -2.0, 6.0, 4.0])  # mean 2.4, squared deviations 37.2
    assert got[0, 0] == pytest.approx(joined.mean() / joined.std(ddof=1), rel=1e-12)
    assert got[0, 0] == pytest.approx(2.4 / math.sqrt(37.2 / 4), rel=1e-12)


def test_block_sharpe_is_minus_infinity_without_spread() -> None:
    got = block_sharpe(np.array([[0.0, 0.3]]), np.array([[0.0, 0.03]]), np.array([3.0]))
    assert got[0].tolist() == [-math.inf, -math.inf]


# -- deflated Sharpe ------------------------------------------------------------------


def test_deflated_sharpe_of_a_strong_edge_is_near_one() -> None:
    rng = np.random.default_rng(11)
    summaries = noise_trials(11, 50, 750)
    summaries[17] = summarize_returns(rng.normal(0.003, 0.01, 750))
    dsr = deflated_sharpe(summaries, 17)
    assert dsr is not None
    assert dsr.trials == 50
    assert dsr.observed_sharpe > dsr.expected_max_sharpe
    assert dsr.probability > 0.99


def test_deflated_sharpe_of_the_best_of_many_noise_trials_is_not_significant() -> None:
    # Undeflated, the best of 100 noise trials looks significant; deflated it does not.
    probabilities = []
    for seed in range(20):
        summaries = noise_trials(seed, 100, 500)
        best = best_index(summaries)
        dsr = deflated_sharpe(summaries, best)
        assert dsr is not None
        naive_z = summaries[best].sharpe * math.sqrt(499)
        assert naive_z > 1.5  # undeflated: P(SR > 0) above 0.93
        probabilities.append(dsr.probability)
    assert np.median(probabilities) < 0.65
    assert np.mean(np.array(probabilities) < 0.95) == 1.0


def test_deflated_sharpe_falls_as_the_number_of_trials_grows() -> None:
    summaries = noise_trials(21, 200, 500)
    strong = summarize_returns(np.random.default_rng(22).normal(0.0012, 0.01, 500))
    few = deflated_sharpe([strong, *summaries[:5]], 0)
    many = deflated_sharpe([strong, *summaries], 0)
    assert few is not None
    assert many is not None
    assert many.expected_max_sharpe > few.expected_max_sharpe
    assert many.probability < few.probability


def test_deflated_sharpe_follows_the_formula() -> None:
    summaries = noise_trials(31, 8, 260)
    best = best_index(summaries)
    dsr = deflated_sharpe(summaries, best)
    assert dsr is not None
    ratios = np.array([s.sharpe for s in summaries])
    gamma = 0.5772156649015329
    from statistics import NormalDist

    z = NormalDist().inv_cdf
    sr0 = math.sqrt(ratios.var(ddof=1)) * (
        (1 - gamma) * z(1 - 1 / 8) + gamma * z(1 - 1 / (8 * math.e))
    )
    s = summaries[best]
    sr = s.sharpe
    expected = NormalDist().cdf(
        (sr - sr0) * math.sqrt(259) / math.sqrt(1 - s.skew * sr + (s.kurtosis - 1) / 4 * sr**2)
    )
    assert dsr.expected_max_sharpe == pytest.approx(sr0)
    assert dsr.probability == pytest.approx(expected)


def test_deflated_sharpe_needs_two_trials_with_a_sharpe() -> None:
    one = noise_trials(41, 1, 100)
    flat = summarize_returns(np.zeros(100))
    assert deflated_sharpe([*one, flat, flat], 0) is None
    assert deflated_sharpe(noise_trials(42, 3, 2), 0) is None  # n < 3


def test_deflated_sharpe_refuses_an_unknown_best_index() -> None:
    with pytest.raises(ValueError, match="best 5"):
        deflated_sharpe(noise_trials(43, 3, 50), 5)


def test_deflated_sharpe_as_dict_is_json_ready() -> None:
    dsr = deflated_sharpe(noise_trials(44, 5, 100), 0)
    assert dsr is not None
    data = json.loads(json.dumps(dsr.as_dict()))
    assert data["trials"] == 5
    assert 0.0 <= data["probability"] <= 1.0


# -- probability of backtest overfitting ----------------------------------------------


def test_pbo_is_near_zero_when_one_trial_dominates_every_block() -> None:
    rng = np.random.default_rng(51)
    summaries = noise_trials(52, 30, 1_600)
    summaries[4] = summarize_returns(rng.normal(0.004, 0.01, 1_600))
    pbo = backtest_overfitting(summaries)
    assert pbo is not None
    assert (pbo.splits, pbo.blocks, pbo.trials) == (12_870, 16, 30)
    assert pbo.probability < 0.01
    assert pbo.mean_oos_rank > 0.9


def test_pbo_of_pure_noise_is_near_or_above_one_half() -> None:
    pbo = backtest_overfitting(noise_trials(61, 40, 1_600))
    assert pbo is not None
    assert pbo.probability > 0.35
    assert 0.3 < pbo.mean_oos_rank < 0.7


def test_pbo_runs_well_under_a_second_for_a_hundred_trials() -> None:
    summaries = noise_trials(71, 100, 1_000)
    backtest_overfitting(summaries[:3])  # warm-up
    started = time.perf_counter()
    pbo = backtest_overfitting(summaries)
    assert time.perf_counter() - started < 0.8
    assert pbo is not None
    assert len(pbo.logits) == 12_870


def test_pbo_counts_the_splits_in_which_the_in_sample_best_ranks_low() -> None:
    # Two blocks, two trials: trial 0 wins block 0 and loses block 1, trial 1 the reverse.
    a = summarize_returns(np.array([0.02, 0.01, 0.03, -0.01, -0.02, -0.03]), blocks=2)
    b = summarize_returns(np.array([-0.01, -0.02, -0.03, 0.02, 0.01, 0.03]), blocks=2)
    pbo = backtest_overfitting([a, b])
    assert pbo is not None
    assert pbo.splits == 2  # IS {0} or IS {1}
    assert pbo.probability == 1.0  # the IS winner is always the OOS loser
    assert pbo.logits == pytest.approx((math.log(0.5), math.log(0.5)))  # omega = 1/3


def test_pbo_drops_an_odd_last_block_and_other_block_layouts() -> None:
    rng = np.random.default_rng(81)
    five = [summarize_returns(rng.normal(0, 0.01, 50), blocks=5) for _ in range(3)]
    other = summarize_returns(rng.normal(0, 0.01, 50), blocks=4)
    pbo = backtest_overfitting([*five, other])
    assert pbo is not None
    assert (pbo.blocks, pbo.trials, pbo.splits) == (4, 3, 6)


def test_pbo_needs_two_trials_and_two_blocks() -> None:
    assert backtest_overfitting([]) is None
    assert backtest_overfitting(noise_trials(91, 1, 100)) is None
    single = [summarize_returns(np.array([0.01])), summarize_returns(np.array([0.02]))]
    assert backtest_overfitting(single) is None


def test_pbo_ranks_a_trial_without_spread_below_every_other() -> None:
    # The flat trial (large mean, no spread) has no Sharpe: never the in-sample best, and
    # the noise trial chosen instead always ranks above it out of sample (omega 2/3).
    flat = summarize_returns(np.full(320, 0.01))
    noise = summarize_returns(np.random.default_rng(95).normal(0, 0.01, 320))
    pbo = backtest_overfitting([flat, noise])
    assert pbo is not None
    assert pbo.probability == 0.0
    assert pbo.logits == pytest.approx([math.log(2.0)] * pbo.splits)


def test_pbo_as_dict_has_a_clipped_logit_histogram() -> None:
    pbo = backtest_overfitting(noise_trials(97, 20, 800))
    assert pbo is not None
    data = json.loads(json.dumps(pbo.as_dict()))
    assert "logits" not in data
    assert data["logit_histogram"]["edges"] == list(LOGIT_EDGES)
    assert len(data["logit_histogram"]["counts"]) == 10
    assert sum(data["logit_histogram"]["counts"]) == pbo.splits
