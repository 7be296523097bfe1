"""Compounding, adaptive compounding, drawdown protection, milestones, the clock, config."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from tradewind.capital.scaling import (
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    CapitalEngineConfig,
    CapitalScalingEngine,
    CompoundingStrategy,
    MarketConditions,
    MarketRegime,
    ProtectionLevel,
    VolatilityState,
    milestone_label,
    protection_level_for,
)

START = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)


# -- compounding -------------------------------------------------------------------------


def test_reinvested_share_of_profit_grows_tradeable_capital_and_losses_count_in_full() -> None:
    engine = CapitalScalingEngine(10_000.0)

    engine.record_trade(150.0, 5.0, True, 10_145.0)
    assert engine.tradeable_capital == pytest.approx(10_000.0 + 0.75 * 145.0)
    assert engine.preserved_profit == pytest.approx(0.25 * 145.0)

    engine.record_trade(-90.0, 10.0, False, 10_045.0)
    assert engine.tradeable_capital == pytest.approx(10_108.75 - 100.0)
    assert engine.preserved_profit == pytest.approx(36.25)


@pytest.mark.parametrize(
    ("strategy", "share"),
    [("conservative", 0.5), ("MODERATE", 0.75), ("Aggressive", 0.9), ("full_compound", 1.0)],
)
def test_each_compounding_strategy_has_its_reinvest_share(strategy: str, share: float) -> None:
    config = CapitalEngineConfig(compounding_strategy=strategy)

    assert config.compounding_strategy is CompoundingStrategy(strategy)
    assert CapitalScalingEngine(1_000.0, config=config).reinvest_share == share


def test_explicit_reinvest_share_overrides_the_strategy() -> None:
    config = CapitalEngineConfig(compounding_strategy="aggressive", reinvest_share=0.6)

    assert config.effective_reinvest_share == 0.6


def adaptive_engine(**autonomous: object) -> AutonomousScalingEngine:
    settings: dict[str, object] = {"enable_realtime_optimization": False}
    settings.update(autonomous)
    return AutonomousScalingEngine(
        10_000.0,
        autonomous_config=AutonomousScalingConfig(**settings),  # type: ignore[arg-type]
    )


def record(engine: AutonomousScalingEngine, wins: list[bool]) -> None:
    capital = engine.capital_engine.current_capital
    for win in wins:
        pnl = 20.0 if win else -10.0
        capital += pnl
        engine.record_trade(pnl, 0.0, win, capital)


def test_adaptive_compounding_waits_for_ten_trades_then_raises_on_a_high_win_rate() -> None:
    engine = adaptive_engine()
    record(engine, [True] * 9)
    assert engine.capital_engine.reinvest_share == 0.75

    record(engine, [True])
    assert engine.capital_engine.reinvest_share == pytest.approx(0.80)

    record(engine, [True] * 10)
    assert engine.capital_engine.reinvest_share == pytest.approx(1.0)  # capped


def test_adaptive_compounding_lowers_on_a_poor_win_rate_down_to_the_floor() -> None:
    engine = adaptive_engine()
    record(engine, [False] * 10)
    assert engine.capital_engine.reinvest_share == pytest.approx(0.70)

    record(engine, [False] * 30)
    assert engine.capital_engine.reinvest_share == pytest.approx(0.25)


def test_adaptive_compounding_holds_between_the_thresholds() -> None:
    engine = adaptive_engine()
    record(engine, [True, False] * 10)  # 50%

    assert engine.capital_engine.reinvest_share == 0.75


@pytest.mark.parametrize("flag", ["enable_adaptive_compounding", "performance_based_reinvestment"])
def test_adaptive_compounding_off_keeps_the_share(flag: str) -> None:
    engine = adaptive_engine(**{flag: False})
    record(engine, [True] * 20)

    assert engine.capital_engine.reinvest_share == 0.75


# -- drawdown protection -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("drawdown_pct", "level"),
    [
        (0.0, ProtectionLevel.NORMAL),
        (4.9, ProtectionLevel.NORMAL),
        (5.0, ProtectionLevel.CAUTION),
        (10.0, ProtectionLevel.WARNING),
        (15.0, ProtectionLevel.DANGER),
        (19.99, ProtectionLevel.DANGER),
        (20.0, ProtectionLevel.HALTED),
    ],
)
def test_protection_levels_by_drawdown(drawdown_pct: float, level: ProtectionLevel) -> None:
    assert protection_level_for(drawdown_pct, 10.0, 20.0) is level


def test_halt_is_sticky_until_reset_and_reset_restarts_the_peak() -> None:
    engine = AutonomousScalingEngine(10_000.0)
    engine.update_capital(7_900.0)
    engine.update_capital(12_000.0)  # a full recovery does not lift the halt

    assert engine.capital_engine.halted
    assert engine.get_optimal_position_size(12_000.0) == 0.0
    assert engine.capital_engine.can_trade()[0] is False
    summary = engine.get_quick_summary()
    assert "⛔ HALTED" in summary
    assert "🛡️ HALTED" in summary

    engine.reset_halt()
    assert engine.capital_engine.protection_level is ProtectionLevel.NORMAL
    assert engine.get_autonomous_status()["peak_capital"] == 12_000.0
    # tradeable capital follows realised trades only: 5% of the 10000 base
    assert engine.get_optimal_position_size(12_000.0) == pytest.approx(500.0)
    assert "✅ TRADING" in engine.get_quick_summary()


def test_custom_halt_threshold_is_used() -> None:
    engine = CapitalScalingEngine(10_000.0, config=CapitalEngineConfig(halt_threshold_pct=25.0))
    engine.update_capital(7_900.0)

    assert engine.protection_level is ProtectionLevel.DANGER
    assert engine.get_optimal_position_size(7_900.0) == pytest.approx(0.05 * 7_900.0 * 0.25)


def test_disabled_protection_never_reduces_and_leaves_the_summary_part_out() -> None:
    config = CapitalEngineConfig(enable_drawdown_protection=False)
    engine = AutonomousScalingEngine(10_000.0, base_config=config)
    engine.update_capital(5_000.0)

    assert not engine.capital_engine.halted
    assert engine.get_autonomous_status()["drawdown_pct"] == pytest.approx(50.0)
    assert engine.get_optimal_position_size(5_000.0) == pytest.approx(250.0)
    assert "🛡️" not in engine.get_quick_summary()


def test_starting_below_base_counts_as_drawdown_from_the_base() -> None:
    engine = CapitalScalingEngine(10_000.0, current_capital=8_500.0)

    assert engine.drawdown_pct == pytest.approx(15.0)
    assert engine.protection_level is ProtectionLevel.DANGER


# -- milestones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "label"),
    [(500.0, "$500"), (2_500.0, "$2.5K"), (25_000.0, "$25K"), (1e6, "$1M"), (2.5e6, "$2.5M")],
)
def test_milestone_labels(amount: float, label: str) -> None:
    assert milestone_label(amount) == label


def test_milestones_record_when_they_were_reached() -> None:
    engine = AutonomousScalingEngine(9_000.0)
    reached_at = START + timedelta(days=3)
    engine.record_trade(1_100.0, 0.0, True, 10_100.0, {"timestamp": reached_at})

    reached = engine.capital_engine.milestones.reached
    assert [(m.label, m.timestamp) for m in reached] == [
        ("$1K", None),
        ("$2.5K", None),
        ("$5K", None),
        ("$10K", reached_at),
    ]
    assert engine.get_autonomous_status()["next_milestone"] == "$25K"


def test_falling_back_below_a_milestone_does_not_unreach_it() -> None:
    engine = CapitalScalingEngine(9_000.0)
    engine.update_capital(10_500.0)
    engine.update_capital(9_800.0)

    assert engine.milestones.next_label == "$25K"
    assert engine.milestones.progress_pct(9_800.0) == pytest.approx(39.2)


def test_disabled_milestones_leave_the_summary_part_out() -> None:
    engine = AutonomousScalingEngine(
        10_000.0, base_config=CapitalEngineConfig(enable_milestones=False)
    )

    assert "🎯" not in engine.get_quick_summary()
    assert engine.get_autonomous_status()["next_milestone"] is None


# -- clock and trade records -------------------------------------------------------------


def test_clock_follows_trade_timestamps_not_wall_time() -> None:
    engine = AutonomousScalingEngine(10_000.0)
    engine.record_trade(10.0, 1.0, True, 10_009.0, {"timestamp": START, "symbol": "BTC-USD"})
    second = engine.record_trade(-5.0, 1.0, False, 10_003.0)

    assert second.timestamp == START
    assert engine.now() == START
    assert engine.trades[0].data["symbol"] == "BTC-USD"


def test_capital_updates_and_conditions_advance_the_clock() -> None:
    engine = AutonomousScalingEngine(10_000.0)
    engine.update_capital(10_050.0, START)
    later = START + timedelta(hours=4)
    engine.update_market_conditions(
        MarketConditions(
            30.0, 0.1, MarketRegime.RANGING, VolatilityState.NORMAL, 0.0, 0.5, timestamp=later
        )
    )

    assert engine.record_trade(1.0, 0.0, True, 10_051.0).timestamp == later


def test_trade_keeps_the_conditions_in_force_and_its_regime() -> None:
    engine = AutonomousScalingEngine(10_000.0)
    state = MarketConditions(
        45.0, -0.6, MarketRegime.BEAR_TRENDING, VolatilityState.HIGH, -0.5, 0.6
    )
    engine.update_market_conditions(state)
    trade = engine.record_trade(5.0, 1.0, True, 10_004.0)

    assert trade.conditions is state
    assert trade.regime is MarketRegime.BEAR_TRENDING
    assert trade.vol_ratio == pytest.approx(1.5)
    assert trade.net_pnl == 4.0


def test_naive_trade_timestamp_is_rejected() -> None:
    engine = AutonomousScalingEngine(10_000.0)

    with pytest.raises(ValueError, match="timezone-aware"):
        engine.record_trade(1.0, 0.0, True, 10_001.0, {"timestamp": datetime(2024, 1, 1)})


# -- config validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"compounding_strategy": "reckless"}, "compounding_strategy"),
        ({"halt_threshold_pct": 0.0}, "halt_threshold_pct"),
        ({"warning_threshold_pct": 25.0}, "warning_threshold_pct"),
        ({"milestones": (5_000.0, 1_000.0)}, "milestones"),
        ({"base_position_pct": 1.5}, "base_position_pct"),
        ({"reinvest_share": -0.1}, "reinvest_share"),
    ],
)
def test_capital_config_rejects_bad_values_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValueError, match=f"CapitalEngineConfig.{field}"):
        CapitalEngineConfig(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_leverage": 3.0}, "min_leverage"),
        ({"min_leverage": 0.0}, "min_leverage"),
        ({"regime_allocations": {"CRISIS": 3.5}}, r"regime_allocations\[CRISIS\]"),
        ({"regime_allocations": {"sideways": 0.5}}, "regime_allocations key"),
        ({"min_size_multiplier": 2.0}, "min_size_multiplier"),
        ({"win_rate_decrease_below": 0.7}, "win_rate_decrease_below"),
        ({"sizing_method": "martingale"}, "sizing_method"),
        ({"regime_allocation_step": 0.2}, "regime_allocation_step"),
        ({"optimization_window_days": 0}, "optimization_window_days"),
        ({"sensitivity_bounds": (2.0, 0.5)}, "sensitivity_bounds"),
        ({"normal_volatility_pct": 0.0}, "normal_volatility_pct"),
    ],
)
def test_autonomous_config_rejects_bad_values_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValueError, match=f"AutonomousScalingConfig.{field}"):
        AutonomousScalingConfig(**kwargs)  # type: ignore[arg-type]


def test_configs_are_immutable_and_copy_the_callers_allocations() -> None:
    allocations: dict[MarketRegime | str, float] = {MarketRegime.CRISIS: 0.2}
    config = AutonomousScalingConfig(regime_allocations=allocations)
    allocations[MarketRegime.CRISIS] = 0.9

    assert config.allocation_for(MarketRegime.CRISIS) == 0.2
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.min_leverage = 0.1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.regime_allocations[MarketRegime.CRISIS] = 0.5  # type: ignore[index]


def test_bad_capital_is_rejected() -> None:
    with pytest.raises(ValueError, match="base_capital"):
        CapitalScalingEngine(0.0)
    with pytest.raises(ValueError, match="new_capital"):
        CapitalScalingEngine(100.0).record_trade(1.0, 0.0, True, -5.0)


def test_bad_trade_data_is_rejected_before_anything_is_booked() -> None:
    engine = AutonomousScalingEngine(10_000.0)

    with pytest.raises(ValueError, match="trade_data\\['regime'\\]"):
        engine.record_trade(50.0, 0.0, True, 10_050.0, {"regime": "sideways", "timestamp": START})

    assert engine.trades == ()
    assert engine.capital_engine.current_capital == 10_000.0
    assert engine.capital_engine.tradeable_capital == 10_000.0


def test_none_values_in_trade_data_count_as_absent() -> None:
    engine = AutonomousScalingEngine(10_000.0)
    engine.update_market_conditions(
        MarketConditions(30.0, 0.1, MarketRegime.RANGING, VolatilityState.NORMAL, 0.0, 0.5)
    )

    trade = engine.record_trade(
        5.0, 1.0, True, 10_004.0, {"regime": None, "vol_ratio": None, "timestamp": None}
    )

    assert trade.regime is MarketRegime.RANGING
    assert trade.vol_ratio == pytest.approx(1.0)
