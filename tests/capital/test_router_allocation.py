"""GlobalCapitalRouter allocations: FIXED, BALANCED, ADAPTIVE, AGGRESSIVE, bounds, regime,
correlation diversity, explanations and input errors."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.capital.router import GlobalCapitalRouter, RouterConfig, RouterInputError
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.regimes import MacroRegime

_NAMES = ["crypto", "forex", "equities", "commodities", "bonds", "volatility", "futures"]
_NAMES += ["BTC-USD", "ETH-USD", "SPY", "QQQ", "GLD", "TLT", "EUR/USD", "USD/JPY"]
_NAMES += [f"m{i}" for i in range(5)]
_TOL = 1e-9


def _router(strategy: str = "adaptive", **fields: Any) -> GlobalCapitalRouter:
    return GlobalCapitalRouter(RouterConfig.from_mapping({"strategy": strategy, **fields}))


def _metrics(sharpe: float = 1.0, **extra: Any) -> dict[str, Any]:
    return {
        "sharpe_ratio": sharpe,
        "win_rate": 0.55,
        "profit_factor": 1.5,
        "opportunity_count": 5,
        **extra,
    }


def _correlations(names: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    loadings = rng.normal(size=(len(names), 3))
    cov = loadings @ loadings.T + np.diag(rng.uniform(0.1, 1.0, len(names)))
    scale = np.sqrt(np.diag(cov))
    return pd.DataFrame(cov / np.outer(scale, scale), index=names, columns=names)


@st.composite
def _scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], pd.DataFrame | None, str | None]:
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=20, unique=True))
    metric = st.fixed_dictionaries(
        {
            "sharpe_ratio": st.floats(-3, 5),
            "win_rate": st.floats(0, 1),
            "profit_factor": st.one_of(st.floats(0, 10), st.just(float("inf"))),
            "opportunity_count": st.integers(0, 50),
        }
    )
    metrics = {name: draw(metric) for name in names}
    seed = draw(st.one_of(st.none(), st.integers(0, 10_000)))
    correlations = None if seed is None else _correlations(names, seed)
    regime = draw(st.one_of(st.none(), st.sampled_from([r.value.lower() for r in MacroRegime])))
    return metrics, correlations, regime


@pytest.mark.parametrize("strategy", ["balanced", "adaptive", "aggressive"])
@settings(max_examples=60, deadline=None)
@given(scenario=_scenarios())
def test_every_funded_market_is_within_bounds_and_shares_sum_to_at_most_one(
    strategy: str, scenario: tuple[dict[str, Any], pd.DataFrame | None, str | None]
) -> None:
    metrics, correlations, regime = scenario
    router = _router(strategy)
    allocation = router.calculate_allocation(metrics, correlations, regime, total_capital=250_000)
    explanation = router.last_explanation
    assert explanation is not None
    shares = np.array([record.final_share for record in explanation.markets])
    funded = shares > 0
    assert shares.sum() <= 1 + _TOL
    assert (shares[funded] >= 0.05 - _TOL).all()
    assert (shares[funded] <= 0.50 + _TOL).all()
    if int(funded.sum()) >= 2:
        assert shares.sum() == pytest.approx(1.0)
    assert list(allocation) == list(metrics)
    assert np.allclose(list(allocation.values()), shares * 250_000)


@settings(max_examples=40, deadline=None)
@given(scenario=_scenarios(), data=st.data())
def test_fixed_shares_are_taken_as_configured(
    scenario: tuple[dict[str, Any], pd.DataFrame | None, str | None], data: st.DataObject
) -> None:
    metrics, correlations, regime = scenario
    names = list(metrics)
    raw = data.draw(st.lists(st.floats(0, 1), min_size=len(names), max_size=len(names)))
    total = sum(raw)
    fixed = {n: r / total * 0.9 for n, r in zip(names, raw, strict=True)} if total else {}
    router = _router("fixed", fixed_allocation=fixed)
    allocation = router.calculate_allocation(metrics, correlations, regime, total_capital=1_000)
    assert sum(allocation.values()) <= 1_000 + 1e-6
    for name in names:
        assert allocation[name] == pytest.approx(fixed.get(name, 0.0) * 1_000)


def test_documented_growth_example_favours_crypto_and_equities_over_forex() -> None:
    router = GlobalCapitalRouter()
    allocation = router.calculate_allocation(
        {
            "crypto": {"opportunity_count": 8, "sharpe_ratio": 2.1},
            "equities": {"opportunity_count": 12, "sharpe_ratio": 1.8},
            "forex": {"opportunity_count": 3, "sharpe_ratio": 1.2},
        },
        macro_regime=MacroRegime.GROWTH,
        total_capital=100_000.0,
    )
    assert sum(allocation.values()) == pytest.approx(100_000.0)
    assert allocation["forex"] < allocation["crypto"]
    assert allocation["forex"] < allocation["equities"]
    assert allocation["crypto"] + allocation["equities"] > 0.7 * 100_000
    assert all(5_000 <= amount <= 50_000 for amount in allocation.values())


def test_aggressive_funds_exactly_the_top_three_with_fifty_thirty_twenty() -> None:
    router = _router("aggressive")
    sharpes = {"a": 0.5, "b": 2.5, "c": 1.0, "d": 2.0, "e": 0.2, "f": 1.5}
    metrics = {name: _metrics(sharpe) for name, sharpe in sharpes.items()}
    allocation = router.calculate_allocation(metrics, total_capital=100.0)
    funded = {name: amount for name, amount in allocation.items() if amount > 0}
    assert funded == pytest.approx({"b": 50.0, "d": 30.0, "f": 20.0})
    assert allocation["a"] == allocation["c"] == allocation["e"] == 0.0


def test_aggressive_with_two_markets_gives_both_the_max() -> None:
    allocation = _router("aggressive").allocation_fractions(
        {"a": _metrics(2.0), "b": _metrics(1.0)}
    )
    assert allocation == pytest.approx({"a": 0.5, "b": 0.5})


def test_balanced_splits_equally_whatever_the_metrics() -> None:
    metrics = {"a": _metrics(3.0), "b": _metrics(-1.0), "c": _metrics(0.0), "d": {}}
    assert _router("balanced").allocation_fractions(metrics) == pytest.approx(
        dict.fromkeys(metrics, 0.25)
    )


def test_balanced_over_one_market_keeps_the_rest_as_cash() -> None:
    router = _router("balanced")
    assert router.calculate_allocation({"crypto": {}}, total_capital=10.0) == {"crypto": 5.0}
    assert router.last_explanation is not None
    assert router.last_explanation.unallocated_share == pytest.approx(0.5)
    assert router.last_explanation.market("crypto").bound == "max"


def test_fixed_markets_not_configured_get_nothing_and_shares_ignore_the_bounds() -> None:
    router = _router("fixed", fixed_allocation={"crypto": 0.7, "bonds": 0.02, "gold": 0.1})
    allocation = router.calculate_allocation(
        {"crypto": {}, "bonds": {}, "forex": {}}, total_capital=1_000
    )
    assert allocation == pytest.approx({"crypto": 700.0, "bonds": 20.0, "forex": 0.0})
    assert router.last_explanation is not None
    assert "gold" in router.last_explanation.notes[0]


def test_adaptive_shares_follow_scores_when_no_bound_binds() -> None:
    router = _router("adaptive", min_allocation=0.0, max_allocation=1.0)
    shares = router.allocation_fractions({"a": _metrics(3.0), "b": _metrics(1.0)})
    explanation = router.last_explanation
    assert explanation is not None
    scores = [explanation.market(m).score for m in ("a", "b")]
    assert shares["a"] / shares["b"] == pytest.approx(scores[0] / scores[1])
    assert shares["a"] > shares["b"]


def test_risk_off_gives_bonds_more_than_risk_on() -> None:
    metrics = {name: _metrics() for name in ("crypto", "equities", "bonds", "forex")}
    router = _router("adaptive")
    risk_off = router.allocation_fractions(metrics, macro_regime="risk_off")
    risk_on = router.allocation_fractions(metrics, macro_regime="RISK_ON")
    assert risk_off["bonds"] > risk_on["bonds"]
    assert risk_off["crypto"] < risk_on["crypto"]


def test_inflation_favours_commodities() -> None:
    metrics = {name: _metrics() for name in ("commodities", "equities", "bonds")}
    shares = _router("adaptive").allocation_fractions(metrics, macro_regime="inflation")
    assert shares["commodities"] == max(shares.values())
    assert shares["bonds"] == min(shares.values())


def test_an_uncorrelated_market_gets_more_than_an_identical_correlated_one() -> None:
    names = ["a", "b", "c", "d"]
    corr = pd.DataFrame(np.eye(4), index=names, columns=names)
    for x, y in (("a", "b"), ("a", "c"), ("b", "c")):
        corr.loc[x, y] = corr.loc[y, x] = 0.9
    router = _router("adaptive")
    shares = router.allocation_fractions({name: _metrics() for name in names}, corr)
    assert shares["d"] > shares["a"]
    assert router.last_explanation is not None
    record = router.last_explanation.market("d")
    assert record.factors["mean_abs_correlation"] == pytest.approx(0.0)
    assert record.factor_scores["correlation_diversity"] == pytest.approx(1.0)


def test_explanation_records_factors_multiplier_and_binding_bound() -> None:
    router = _router("adaptive")
    router.calculate_allocation(
        {"crypto": _metrics(3.0, opportunity_count=40), "bonds": _metrics(-2.0), "x": {}},
        macro_regime="risk_on",
        total_capital=1_000,
    )
    explanation = router.last_explanation
    assert explanation is not None
    crypto = explanation.market("crypto")
    assert crypto.regime_multiplier == pytest.approx(1.4)
    assert crypto.factor_scores["sharpe"] == 1.0
    assert crypto.bound == "max"
    assert crypto.final_share == pytest.approx(0.5)
    assert crypto.raw_share > 0.5
    assert explanation.market("x").factors["win_rate"] == 0.5
    assert explanation.by_market()["crypto"]["bound"] == "max"
    payload = explanation.to_dict()
    assert payload["applied_strategy"] == "ADAPTIVE"
    assert payload["markets"][0]["factors"]["mean_abs_correlation"] is None


def test_allocation_stats_report_the_last_run() -> None:
    router = _router("balanced")
    router.update_market_performance("crypto", _metrics())
    router.calculate_allocation({"crypto": {}, "bonds": {}}, total_capital=100)
    stats = router.get_allocation_stats()
    assert stats["current_allocation"] == {"crypto": 50.0, "bonds": 50.0}
    assert stats["strategy"] == "BALANCED"
    assert stats["total_markets"] == 1
    assert stats["last_explanation"]["markets"][1]["market"] == "bonds"


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        ({"crypto": {"win_rate": 1.2}}, r"\['crypto'\]\['win_rate'\] 1.2"),
        ({"crypto": {"sharpe_ratio": float("nan")}}, r"\['crypto'\]\['sharpe_ratio'\] is NaN"),
        ({"fx": {"opportunity_count": -1}}, r"\['fx'\]\['opportunity_count'\] -1"),
        ({"fx": {"profit_factor": -0.5}}, r"\['fx'\]\['profit_factor'\] -0.5"),
        ({"fx": {"sharpe_ratio": "high"}}, r"\['fx'\]\['sharpe_ratio'\] 'high'"),
        ({"fx": {"returns": np.ones((3, 2))}}, r"\['fx'\]\['returns'\] has shape"),
        ({"fx": {"returns": [0.1, np.inf]}}, r"\['fx'\]\['returns'\] holds an infinite"),
        ({"fx": 3}, r"market_metrics\['fx'\] int"),
        ({"": {}}, "market name ''"),
    ],
)
def test_bad_metrics_raise_naming_market_and_key(metrics: dict[str, Any], message: str) -> None:
    with pytest.raises(RouterInputError, match=message):
        GlobalCapitalRouter().calculate_allocation(metrics)


def test_bad_correlations_regime_and_capital_are_refused() -> None:
    router = GlobalCapitalRouter()
    metrics: dict[str, dict[str, Any]] = {"a": {}, "b": {}}
    bad = pd.DataFrame([[1.0, 1.5], [1.5, 1.0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(RouterInputError, match=r"correlations\['a'\]\['b'\] 1.5"):
        router.calculate_allocation(metrics, bad)
    with pytest.raises(RouterInputError, match="expected a pandas DataFrame"):
        router.calculate_allocation(metrics, np.eye(2))  # type: ignore[arg-type]
    with pytest.raises(RouterInputError, match="macro_regime 'boom'"):
        router.calculate_allocation(metrics, macro_regime="boom")
    with pytest.raises(RouterInputError, match=r"total_capital -1\.0"):
        router.calculate_allocation(metrics, total_capital=-1.0)


def test_more_markets_than_the_minimum_allows_is_refused() -> None:
    metrics: dict[str, dict[str, Any]] = {f"m{i}": {} for i in range(21)}
    with pytest.raises(RouterInputError, match=r"21 funded markets at min_allocation 0\.05"):
        _router("balanced").calculate_allocation(metrics)


def test_no_markets_allocates_nothing() -> None:
    router = GlobalCapitalRouter()
    assert router.calculate_allocation({}) == {}
    assert router.last_explanation is not None
    assert router.last_explanation.unallocated_share == 1.0


def test_adaptive_over_twenty_markets_is_fast() -> None:
    names = [f"m{i}" for i in range(20)]
    metrics = {name: _metrics(sharpe=i / 10) for i, name in enumerate(names)}
    correlations = _correlations(names, seed=1)
    router = GlobalCapitalRouter()
    router.calculate_allocation(metrics, correlations, "growth")
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        router.calculate_allocation(metrics, correlations, "growth")
        timings.append(time.perf_counter() - start)
    # Budget is 20 ms; the bound is loose because the CI machine is shared.
    assert float(np.median(timings)) < 0.05


def test_strategy_is_reported_as_the_enum() -> None:
    assert _router("AGGRESSIVE").strategy is AllocationStrategy.AGGRESSIVE
