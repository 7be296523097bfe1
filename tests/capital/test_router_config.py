"""RouterConfig: defaults, validation messages and the document's / percent keys."""

from __future__ import annotations

from typing import Any

import pytest

from tradewind.capital.router import (
    DEFAULT_FACTOR_WEIGHTS,
    DEFAULT_OPPORTUNITY_WEIGHTS,
    GlobalCapitalRouter,
    RouterConfig,
    RouterInputError,
)
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.errors import TradewindError
from tradewind.domain.regimes import MacroRegime


def test_defaults_are_the_documented_ones() -> None:
    config = RouterConfig()
    assert config.strategy is AllocationStrategy.ADAPTIVE
    assert (config.min_allocation, config.max_allocation) == (0.05, 0.50)
    assert dict(config.factor_weights) == {
        "sharpe": 0.30,
        "win_rate": 0.20,
        "profit_factor": 0.20,
        "opportunity_count": 0.15,
        "correlation_diversity": 0.15,
    }
    assert config.top_shares == (0.5, 0.3, 0.2)
    assert config.rebalance_threshold == 0.05
    assert sum(DEFAULT_OPPORTUNITY_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(DEFAULT_FACTOR_WEIGHTS.values()) == pytest.approx(1.0)


def test_strategy_text_is_accepted_in_any_case() -> None:
    assert RouterConfig.from_mapping({"strategy": "risk_parity"}).strategy is (
        AllocationStrategy.RISK_PARITY
    )
    assert GlobalCapitalRouter({"allocation_strategy": "Hrp"}).strategy is AllocationStrategy.HRP


def test_document_keys_are_translated() -> None:
    config = RouterConfig.from_mapping(
        {
            "allocation_strategy": "fixed",
            "min_allocation_per_market": 0.1,
            "max_allocation_per_market": 0.4,
            "fixed_allocation": {"crypto": 0.4, "equities": 0.6},
            "allocation_metrics": {
                "sharpe_ratio_weight": 0.4,
                "win_rate_weight": 0.2,
                "profit_factor_weight": 0.2,
                "opportunity_count_weight": 0.1,
                "correlation_diversity_weight": 0.1,
            },
        }
    )
    assert config.strategy is AllocationStrategy.FIXED
    assert (config.min_allocation, config.max_allocation) == (0.1, 0.4)
    assert dict(config.fixed_allocation) == {"crypto": 0.4, "equities": 0.6}
    assert config.factor_weights["sharpe"] == 0.4


def test_capital_config_percent_keys_become_fractions() -> None:
    config = RouterConfig.from_mapping(
        {"min_allocation_pct": 10.0, "max_allocation_pct": 40.0, "rebalance_threshold_pct": 2.5}
    )
    assert config.min_allocation == pytest.approx(0.10)
    assert config.max_allocation == pytest.approx(0.40)
    assert config.rebalance_threshold == pytest.approx(0.025)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"min_allocation": 0.6, "max_allocation": 0.5}, "min_allocation 0.6 is above"),
        ({"max_allocation": 0.0}, "max_allocation 0.0"),
        ({"min_allocation": -0.1}, "min_allocation -0.1"),
        ({"strategy": "yolo"}, "strategy 'yolo'"),
        ({"fixed_allocation": {"crypto": 0.7, "bonds": 0.6}}, "sum to 1.3"),
        ({"fixed_allocation": {"crypto": 1.5}}, r"fixed_allocation\['crypto'\] 1.5"),
        ({"factor_weights": {"sharpe": 1.0}}, "factor_weights keys"),
        (
            {"factor_weights": {**DEFAULT_FACTOR_WEIGHTS, "sharpe": 0.5}},
            "factor_weights sum to 1.2",
        ),
        ({"top_n": 2}, "expected 2 shares"),
        ({"top_shares": (0.6, 0.3, 0.2)}, "sum to 1.1"),
        ({"regime_preferences": {"boom": {"crypto": 1.0}}}, "macro_regime 'boom'"),
        ({"regime_preferences": {"risk_on": {"pokemon": 1.0}}}, "market class 'pokemon'"),
        ({"regime_preferences": {"risk_on": {"crypto": 0.0}}}, "expected a finite multiplier"),
        ({"min_history": 2}, "min_history 2"),
        ({"profit_factor_full_score": 1.0}, "profit_factor_full_score 1.0"),
        ({"rebalance_threshold": 0.0}, "rebalance_threshold 0.0"),
        ({"enabled": True}, "unknown router config key 'enabled'"),
        ({"min_allocation": 0.1, "min_allocation_pct": 10}, "'min_allocation' twice"),
    ],
)
def test_bad_configuration_is_refused_naming_the_field(
    mapping: dict[str, Any], message: str
) -> None:
    with pytest.raises(RouterInputError, match=message) as caught:
        RouterConfig.from_mapping(mapping)
    assert isinstance(caught.value, TradewindError)
    assert isinstance(caught.value, ValueError)


def test_regime_table_accepts_aliases_and_any_case() -> None:
    config = RouterConfig.from_mapping(
        {"regime_preferences": {"risk_off": {"stocks": 0.5, "BONDS": 2.0}}}
    )
    assert config.regime_multiplier("equities", MacroRegime.RISK_OFF) == 0.5
    assert config.regime_multiplier("bonds", MacroRegime.RISK_OFF) == 2.0
    assert config.regime_multiplier("crypto", MacroRegime.RISK_OFF) == 1.0
    assert config.regime_multiplier("crypto", MacroRegime.GROWTH) == 1.0


def test_market_that_is_not_a_class_gets_a_neutral_multiplier() -> None:
    config = RouterConfig()
    assert config.regime_multiplier("BTC-USD", MacroRegime.RISK_OFF) == 1.0
    assert config.regime_multiplier("crypto", None) == 1.0
    assert config.regime_multiplier("crypto", MacroRegime.RISK_OFF) < 1.0
