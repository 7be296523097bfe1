"""The scaling document's examples run as written and give the documented results."""

from __future__ import annotations

import pytest

from tradewind.capital.scaling import (
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    CapitalEngineConfig,
    MarketConditions,
    MarketRegime,
    VolatilityState,
    get_autonomous_engine,
)

DOCUMENT_SUMMARY = (
    "💰 $10,145.00 (+1.5% ROI) | ✅ TRADING | 🛡️ NORMAL | 🎯 Next: $25K (41%) "
    "| 📈 BULL_TRENDING | 🟡 Vol:25%"
)


def document_conditions(**overrides: object) -> MarketConditions:
    fields: dict[str, object] = {
        "volatility_pct": 25.0,
        "trend_strength": 0.7,
        "regime": MarketRegime.BULL_TRENDING,
        "volatility_state": VolatilityState.NORMAL,
        "momentum_score": 0.6,
        "liquidity_score": 0.9,
    }
    fields.update(overrides)
    return MarketConditions(**fields)  # type: ignore[arg-type]


def test_basic_usage_gives_the_documented_summary_line() -> None:
    engine = get_autonomous_engine(
        base_capital=10000.0, compounding_strategy="moderate", enable_all_features=True
    )
    engine.update_market_conditions(document_conditions())
    position = engine.get_optimal_position_size(
        available_balance=10000.0, expected_return=0.15, volatility=0.25
    )
    engine.record_trade(profit=150.0, fees=5.0, is_win=True, new_capital=10145.0)

    assert engine.get_quick_summary() == DOCUMENT_SUMMARY
    # 5% of 10000, leverage 0.30 / 0.25 = 1.2, bull 1.0, Sharpe (0.15 - 0.05) / 0.25 = 0.4
    # -> 0.4 / 2.0 = 0.2 clamped up to 0.3.
    assert position == pytest.approx(500.0 * 1.2 * 1.0 * 0.3)


def test_manual_testing_loop_with_positional_conditions_runs() -> None:
    engine = get_autonomous_engine(1000.0)
    test_conditions = [
        MarketConditions(15.0, 0.8, MarketRegime.BULL_TRENDING, VolatilityState.LOW, 0.7, 0.9),
        MarketConditions(45.0, -0.6, MarketRegime.BEAR_TRENDING, VolatilityState.HIGH, -0.5, 0.6),
        MarketConditions(25.0, 0.0, MarketRegime.RANGING, VolatilityState.NORMAL, 0.0, 0.8),
    ]
    lines = []
    for conditions in test_conditions:
        engine.update_market_conditions(conditions)
        position = engine.get_optimal_position_size(1000.0)
        lines.append(f"{conditions.regime.value}: ${position:.2f} ({position / 1000 * 100:.1f}%)")

    assert lines == [
        "BULL_TRENDING: $100.00 (10.0%)",  # 50 * min(30/15, max 2.0) * 1.0
        "BEAR_TRENDING: $10.00 (1.0%)",  # 50 * 30/45 * 0.3
        "RANGING: $36.00 (3.6%)",  # 50 * 30/25 * 0.6
    ]


def test_advanced_configuration_runs_and_uses_its_settings() -> None:
    base_config = CapitalEngineConfig(
        compounding_strategy="aggressive", enable_drawdown_protection=True, halt_threshold_pct=25.0
    )
    autonomous_config = AutonomousScalingConfig(
        enable_volatility_leverage=True,
        min_leverage=0.3,
        max_leverage=3.0,
        volatility_leverage_sensitivity=1.2,
        enable_risk_adjustment=True,
        target_sharpe_ratio=2.5,
        enable_regime_allocation=True,
        regime_allocations={
            MarketRegime.BULL_TRENDING: 1.2,
            MarketRegime.BEAR_TRENDING: 0.2,
            MarketRegime.RANGING: 0.5,
            MarketRegime.VOLATILE: 0.3,
            MarketRegime.CRISIS: 0.1,
        },
        enable_adaptive_compounding=True,
        enable_realtime_optimization=True,
        optimization_window_days=60,
    )
    engine = AutonomousScalingEngine(
        base_capital=50000.0, base_config=base_config, autonomous_config=autonomous_config
    )
    engine.update_market_conditions(document_conditions(volatility_pct=30.0))

    decision = engine.size_position(50000.0)
    assert decision.base_position == pytest.approx(2500.0)
    assert decision.vol_leverage == pytest.approx(1.0)
    assert decision.regime_multiplier == pytest.approx(1.2)
    assert decision.final_position == pytest.approx(3000.0)
    assert engine.capital_engine.reinvest_share == pytest.approx(0.90)


@pytest.mark.parametrize("via", ["config", "conditions"])
def test_leverage_is_one_at_normal_volatility(via: str) -> None:
    if via == "config":
        config = AutonomousScalingConfig(normal_volatility_pct=25.0)
        conditions = document_conditions()
    else:
        config = AutonomousScalingConfig()
        conditions = document_conditions(normal_volatility_pct=25.0)
    engine = AutonomousScalingEngine(10000.0, autonomous_config=config)
    engine.update_market_conditions(conditions)

    decision = engine.size_position(10000.0)
    assert decision.vol_leverage_raw == pytest.approx(1.0)
    assert decision.vol_leverage == pytest.approx(1.0)
    assert decision.final_position == pytest.approx(500.0)


def test_crisis_sizes_smaller_than_bull_trending() -> None:
    engine = get_autonomous_engine(10000.0)
    engine.update_market_conditions(document_conditions())
    bull = engine.get_optimal_position_size(10000.0)
    engine.update_market_conditions(document_conditions(regime=MarketRegime.CRISIS))
    crisis = engine.get_optimal_position_size(10000.0)

    assert 0 < crisis < bull
    assert crisis == pytest.approx(bull * 0.1)


def test_status_reports_the_documented_fields() -> None:
    engine = get_autonomous_engine(10000.0)
    engine.update_market_conditions(document_conditions())
    engine.record_trade(profit=150.0, fees=5.0, is_win=True, new_capital=10145.0)

    status = engine.get_autonomous_status()

    assert status["current_capital"] == 10145.0
    assert status["base_capital"] == 10000.0
    assert status["roi_pct"] == pytest.approx(1.45)
    assert status["market_conditions"] == {
        "regime": "BULL_TRENDING",
        "volatility_pct": 25.0,
        "volatility_state": "NORMAL",
        "trend_strength": 0.7,
        "momentum_score": 0.6,
        "liquidity_score": 0.9,
    }
    assert status["autonomous_features"] == dict.fromkeys(
        [
            "volatility_leverage",
            "risk_adjustment",
            "regime_allocation",
            "adaptive_compounding",
            "realtime_optimization",
        ],
        True,
    )
    assert status["regime_allocations"]["BEAR_TRENDING"] == pytest.approx(0.3)
    assert status["protection_level"] == "NORMAL"
    assert status["drawdown_pct"] == 0.0
    assert status["halted"] is False
    assert status["next_milestone"] == "$25K"
    assert status["milestone_progress_pct"] == pytest.approx(40.58)
    assert status["reinvest_share"] == pytest.approx(0.75)
    assert status["parameter_changes"] == []


def test_features_all_off_size_only_the_base_position() -> None:
    engine = get_autonomous_engine(10000.0, enable_all_features=False)
    engine.update_market_conditions(document_conditions(regime=MarketRegime.CRISIS))

    decision = engine.size_position(10000.0, expected_return=0.15, volatility=0.25)

    assert decision.factors() == {
        "vol_leverage": 1.0,
        "regime": 1.0,
        "sharpe": 1.0,
        "protection": 1.0,
    }
    assert decision.final_position == pytest.approx(500.0)
    assert decision.binding == "base"
    status = engine.get_autonomous_status()
    assert not any(status["autonomous_features"].values())


def test_summary_without_conditions_says_no_market_data() -> None:
    engine = get_autonomous_engine(10000.0, current_capital=9900.0)

    assert engine.get_quick_summary() == (
        "💰 $9,900.00 (-1.0% ROI) | ✅ TRADING | 🛡️ NORMAL | 🎯 Next: $10K (99%) | ❓ No market data"
    )
