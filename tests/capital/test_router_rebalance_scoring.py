"""suggest_rebalance thresholds and score_opportunity range, monotonicity and errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.capital.router import (
    OPPORTUNITY_FACTORS,
    GlobalCapitalRouter,
    RouterConfig,
    RouterInputError,
)

_ROUTER = GlobalCapitalRouter()


def test_moves_only_markets_that_drifted_past_the_threshold() -> None:
    moves = _ROUTER.suggest_rebalance(
        {"crypto": 40_000, "equities": 35_000, "bonds": 25_000},
        {"crypto": 30_000, "equities": 36_000, "bonds": 34_000},
        threshold=0.05,
    )
    # crypto: 10k/40k = 25%; equities: 1k/36k = 2.8%; bonds: 9k/34k = 26%.
    assert moves == {"crypto": -10_000.0, "bonds": 9_000.0}


def test_deviation_exactly_at_the_threshold_moves() -> None:
    assert _ROUTER.suggest_rebalance({"a": 95.0}, {"a": 100.0}, threshold=0.05) == {"a": 5.0}
    assert _ROUTER.suggest_rebalance({"a": 96.0}, {"a": 100.0}, threshold=0.05) == {}


def test_markets_on_one_side_only_are_included() -> None:
    moves = _ROUTER.suggest_rebalance({"old": 500.0, "kept": 100.0}, {"kept": 100.0, "new": 200.0})
    assert moves == {"old": -500.0, "new": 200.0}
    assert list(moves) == ["old", "new"]


def test_default_threshold_comes_from_the_config() -> None:
    router = GlobalCapitalRouter(RouterConfig(rebalance_threshold=0.5))
    assert router.suggest_rebalance({"a": 100.0}, {"a": 60.0}) == {}
    assert router.suggest_rebalance({"a": 100.0}, {"a": 40.0}) == {"a": -60.0}


def test_markets_at_zero_on_both_sides_do_not_move() -> None:
    assert _ROUTER.suggest_rebalance({"a": 0.0}, {"a": 0}) == {}


@pytest.mark.parametrize(
    ("current", "target", "threshold", "message"),
    [
        ({"a": -1.0}, {}, 0.05, r"current\['a'\] -1.0"),
        ({}, {"b": float("nan")}, 0.05, r"target\['b'\] nan"),
        ({}, {"b": "10"}, 0.05, r"target\['b'\] '10'"),
        ({}, {}, 0.0, "threshold 0.0"),
        ({}, {}, 1.5, "threshold 1.5"),
    ],
)
def test_bad_rebalance_input_is_refused(
    current: dict[str, Any], target: dict[str, Any], threshold: float, message: str
) -> None:
    with pytest.raises(RouterInputError, match=message):
        _ROUTER.suggest_rebalance(current, target, threshold)


_FRACTION = st.floats(0.0, 1.0)
_OPPORTUNITY = st.fixed_dictionaries(
    {
        "technical_setup": _FRACTION,
        "regime_alignment": _FRACTION,
        "correlation_support": _FRACTION,
        "volume_profile": _FRACTION,
        "risk_reward_ratio": st.floats(0.0, 20.0),
    }
)


@given(_OPPORTUNITY)
def test_opportunity_score_is_within_zero_and_one(opportunity: dict[str, float]) -> None:
    assert 0.0 <= _ROUTER.score_opportunity(opportunity) <= 1.0


@given(_OPPORTUNITY, st.sampled_from(OPPORTUNITY_FACTORS), st.floats(0.0, 1.0))
def test_raising_any_factor_never_lowers_the_score(
    opportunity: dict[str, float], factor: str, step: float
) -> None:
    better = dict(opportunity)
    better[factor] = (
        min(opportunity[factor] + step, 1.0)
        if factor != "risk_reward_ratio"
        else (opportunity[factor] + 3 * step)
    )
    assert _ROUTER.score_opportunity(better) >= _ROUTER.score_opportunity(opportunity) - 1e-12


def test_best_and_worst_opportunities_score_one_and_zero() -> None:
    best = dict.fromkeys(OPPORTUNITY_FACTORS, 1.0) | {"risk_reward_ratio": 3.0}
    worst = dict.fromkeys(OPPORTUNITY_FACTORS, 0.0)
    assert _ROUTER.score_opportunity(best) == pytest.approx(1.0)
    assert _ROUTER.score_opportunity(worst) == 0.0
    assert _ROUTER.score_opportunity({}) == pytest.approx(0.5 * 0.75 + 0.25 / 3)


def test_a_strong_setup_with_good_payoff_beats_a_weak_one() -> None:
    strong = {"technical_setup": 0.9, "risk_reward_ratio": 2.5, "regime_alignment": 0.7}
    weak = {"technical_setup": 0.3, "risk_reward_ratio": 0.8, "regime_alignment": 0.4}
    assert _ROUTER.score_opportunity(strong) > _ROUTER.score_opportunity(weak) + 0.2


@pytest.mark.parametrize(
    ("opportunity", "message"),
    [
        ({"technical_setup": 1.5}, r"opportunity\['technical_setup'\] 1.5"),
        ({"volume_profile": float("nan")}, r"opportunity\['volume_profile'\] nan"),
        ({"risk_reward_ratio": -1.0}, r"opportunity\['risk_reward_ratio'\] -1"),
        ({"regime_alignment": "good"}, r"opportunity\['regime_alignment'\] 'good'"),
    ],
)
def test_bad_opportunity_factor_is_refused_naming_it(
    opportunity: dict[str, Any], message: str
) -> None:
    with pytest.raises(RouterInputError, match=message):
        _ROUTER.score_opportunity(opportunity)
