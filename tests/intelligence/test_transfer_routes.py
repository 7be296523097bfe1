"""Transfer routes: lift, its block-bootstrap interval, and confidence 0 without lift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.transfer import RouteTracker, block_bootstrap_ci

C, E = MarketClass.CRYPTO, MarketClass.EQUITIES


def _trials(n: int, p_transfer: float, p_own: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random(n) < p_transfer, rng.random(n) < p_own


def test_route_without_lift_gets_confidence_zero() -> None:
    # The baseline hits as often as the transfer, on different bars: lift exactly 0.
    hits, _ = _trials(3000, 0.52, 0.52, seed=1)
    own = np.random.default_rng(2).permutation(hits)
    tracker = RouteTracker()
    tracker.record(C, E, hits, own)
    route = tracker.route(C, E)
    assert route.trials == 3000
    assert route.lift_ci_low < 0 < route.lift_ci_high
    assert not route.significant
    assert route.confidence == 0.0


def test_route_with_clear_lift_is_trusted_at_its_measured_hit_rate() -> None:
    hits, own = _trials(3000, 0.62, 0.50, seed=2)
    tracker = RouteTracker()
    tracker.record(C, E, hits, own)
    route = tracker.route(C, E)
    assert route.lift == pytest.approx(hits.mean() - own.mean())
    assert route.lift_ci_low > 0.05
    assert route.significant
    assert route.confidence == pytest.approx(hits.mean())


def test_route_with_lift_but_too_few_trials_is_not_trusted() -> None:
    tracker = RouteTracker(min_trials=30)
    tracker.record(C, E, [True] * 20, [False] * 20)
    route = tracker.route(C, E)
    assert route.lift == 1.0
    assert not route.significant
    assert route.confidence == 0.0


def test_unmeasured_route_has_no_trials_and_no_confidence() -> None:
    route = RouteTracker().route(E, C)
    assert route.trials == 0
    assert route.confidence == 0.0
    assert route.name == "equities->crypto"


def test_single_trials_accumulate_like_arrays() -> None:
    hits, own = _trials(200, 0.6, 0.5, seed=3)
    one_by_one, at_once = RouteTracker(), RouteTracker()
    for h, o in zip(hits, own, strict=True):
        one_by_one.record(C, E, bool(h), bool(o))
    at_once.record(C, E, hits, own)
    a, b = one_by_one.route(C, E), at_once.route(C, E)
    assert (a.trials, a.hits, a.baseline_hits) == (b.trials, b.hits, b.baseline_hits)
    assert (a.lift_ci_low, a.lift_ci_high) == (b.lift_ci_low, b.lift_ci_high)


def test_co_moving_trials_widen_the_interval_when_grouped_by_date() -> None:
    # 10 symbols share each date's outcome: 300 independent dates, not 3000 trials.
    rng = np.random.default_rng(4)
    per_date_hit = rng.random(300) < 0.55
    per_date_own = rng.random(300) < 0.50
    hits, own = np.repeat(per_date_hit, 10), np.repeat(per_date_own, 10)
    dates = np.repeat(pd.date_range("2020-01-01", periods=300, tz="UTC"), 10)
    naive = block_bootstrap_ci(hits, own, block_size=1)
    grouped = block_bootstrap_ci(hits, own, np.asarray(dates), block_size=1)
    assert (grouped[1] - grouped[0]) > 2 * (naive[1] - naive[0])


def test_bootstrap_interval_covers_the_point_lift_and_is_reproducible() -> None:
    hits, own = _trials(1000, 0.55, 0.5, seed=5)
    low, high = block_bootstrap_ci(hits, own, seed=9)
    assert low < hits.mean() - own.mean() < high
    assert (low, high) == block_bootstrap_ci(hits, own, seed=9)


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(IntelligenceInputError, match="as many baseline hits"):
        RouteTracker().record(C, E, [True, False], [True])
    with pytest.raises(IntelligenceInputError, match="two markets"):
        RouteTracker().record(C, C, [True], [True])
