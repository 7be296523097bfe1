"""RISK_PARITY and HRP through skfolio: risk balance, bounds, alignment and fallback."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.capital.router import GlobalCapitalRouter, RouterConfig, RouterInputError
from tradewind.domain.capital import AllocationStrategy

_TOL = 1e-9


def _returns(vols: list[float], rows: int = 500, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, vols, size=(rows, len(vols)))


def _metrics(names: list[str], returns: np.ndarray) -> dict[str, dict[str, Any]]:
    return {name: {"returns": returns[:, i]} for i, name in enumerate(names)}


def _router(strategy: str, **fields: Any) -> GlobalCapitalRouter:
    return GlobalCapitalRouter(RouterConfig.from_mapping({"strategy": strategy, **fields}))


def test_risk_parity_gives_every_market_an_equal_risk_contribution() -> None:
    names = ["bonds", "equities", "crypto", "commodities"]
    returns = _returns([0.005, 0.01, 0.02, 0.015])
    router = _router("risk_parity", min_allocation=0.0, max_allocation=1.0)
    shares = router.allocation_fractions(_metrics(names, returns))
    weights = np.array([shares[name] for name in names])
    cov = np.cov(returns, rowvar=False)
    contributions = weights * (cov @ weights)
    assert contributions / contributions.sum() == pytest.approx([0.25] * 4, abs=2e-3)
    assert shares["bonds"] > shares["equities"] > shares["commodities"] > shares["crypto"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert router.last_explanation is not None
    assert router.last_explanation.applied_strategy is AllocationStrategy.RISK_PARITY


def test_risk_parity_within_default_bounds_caps_the_calmest_market() -> None:
    names = ["bonds", "equities", "crypto"]
    returns = _returns([0.002, 0.02, 0.03])
    router = _router("risk_parity")
    shares = router.allocation_fractions(_metrics(names, returns))
    assert shares["bonds"] == pytest.approx(0.5)
    assert shares["equities"] > shares["crypto"] >= 0.05
    assert sum(shares.values()) == pytest.approx(1.0)
    assert router.last_explanation is not None
    assert router.last_explanation.market("bonds").bound == "max"


def test_hrp_runs_and_respects_the_bounds() -> None:
    names = ["bonds", "equities", "crypto", "gold", "fx"]
    returns = _returns([0.001, 0.01, 0.03, 0.01, 0.004])
    router = _router("hrp")
    shares = router.allocation_fractions(_metrics(names, returns))
    values = np.array(list(shares.values()))
    assert values.sum() == pytest.approx(1.0)
    assert (values >= 0.05 - _TOL).all()
    assert (values <= 0.5 + _TOL).all()
    assert shares["bonds"] > shares["crypto"]
    assert router.last_explanation is not None
    assert router.last_explanation.applied_strategy is AllocationStrategy.HRP
    assert router.last_explanation.fallback_reason is None


@pytest.mark.parametrize("strategy", ["risk_parity", "hrp"])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_portfolio_strategies_keep_shares_within_bounds(strategy: str, data: st.DataObject) -> None:
    count = data.draw(st.integers(2, 12))
    vols = data.draw(st.lists(st.floats(1e-3, 0.05), min_size=count, max_size=count))
    seed = data.draw(st.integers(0, 1_000))
    names = [f"m{i}" for i in range(count)]
    router = _router(strategy, min_history=30)
    allocation = router.calculate_allocation(
        _metrics(names, _returns(vols, rows=120, seed=seed)), total_capital=10_000
    )
    shares = np.array(list(allocation.values())) / 10_000
    assert shares.sum() <= 1 + _TOL
    assert (shares >= 0.05 - _TOL).all()
    assert (shares <= 0.5 + _TOL).all()


def test_short_history_falls_back_to_balanced_and_says_why() -> None:
    names = ["a", "b", "c"]
    router = _router("risk_parity", min_history=60)
    shares = router.allocation_fractions(_metrics(names, _returns([0.01, 0.02, 0.03], rows=30)))
    assert shares == pytest.approx(dict.fromkeys(names, 1 / 3))
    explanation = router.last_explanation
    assert explanation is not None
    assert explanation.requested_strategy is AllocationStrategy.RISK_PARITY
    assert explanation.applied_strategy is AllocationStrategy.BALANCED
    assert explanation.fallback_reason is not None
    assert "only 30 common return rows" in explanation.fallback_reason


@pytest.mark.parametrize(
    ("metrics", "reason"),
    [
        ({"a": {"returns": np.ones(100)}, "b": {}}, "no returns for b"),
        ({"a": {"returns": np.linspace(-0.01, 0.01, 100)}}, "needs at least 2 markets"),
        (
            {"a": {"returns": np.zeros(100)}, "b": {"returns": np.linspace(-0.01, 0.01, 100)}},
            "constant returns for a",
        ),
    ],
)
def test_unusable_history_falls_back_to_balanced(metrics: dict[str, Any], reason: str) -> None:
    router = _router("hrp")
    router.allocation_fractions(metrics)
    explanation = router.last_explanation
    assert explanation is not None
    assert explanation.applied_strategy is AllocationStrategy.BALANCED
    assert explanation.fallback_reason is not None
    assert reason in explanation.fallback_reason


def test_dated_returns_are_joined_on_their_common_dates() -> None:
    returns = _returns([0.01, 0.02], rows=200)
    dates = pd.date_range("2024-01-01", periods=200, freq="D", tz="UTC")
    metrics = {
        "a": {"returns": pd.Series(returns[:, 0], index=dates)},
        "b": {"returns": pd.Series(returns[50:, 1], index=dates[50:])},
    }
    router = _router("risk_parity", min_history=100)
    router.allocation_fractions(metrics)
    explanation = router.last_explanation
    assert explanation is not None
    assert explanation.applied_strategy is AllocationStrategy.RISK_PARITY
    assert any("150 common return rows" in note for note in explanation.notes)


def test_positional_returns_are_aligned_on_their_last_rows() -> None:
    returns = _returns([0.01, 0.02], rows=200)
    metrics = {"a": {"returns": returns[:, 0]}, "b": {"returns": returns[120:, 1]}}
    router = _router("risk_parity")
    router.allocation_fractions(metrics)
    assert router.last_explanation is not None
    assert any("80 common return rows" in note for note in router.last_explanation.notes)


def test_mixing_dated_and_positional_returns_is_refused() -> None:
    dates = pd.date_range("2024-01-01", periods=100, freq="D", tz="UTC")
    metrics: dict[str, dict[str, Any]] = {
        "a": {"returns": pd.Series(np.linspace(-0.01, 0.01, 100), index=dates)},
        "b": {"returns": np.linspace(0.01, -0.01, 100)},
    }
    with pytest.raises(RouterInputError, match="mix dated Series and positional arrays"):
        _router("risk_parity").allocation_fractions(metrics)
