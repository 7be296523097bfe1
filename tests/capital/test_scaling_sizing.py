"""Each sizing step's arithmetic, its clamps, disabled features, Kelly, ATR and binding."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from tradewind.capital.scaling import (
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    CapitalEngineConfig,
    MarketConditions,
    MarketRegime,
    SizingDecision,
)
from tradewind.domain.regimes import volatility_state_for

START = datetime(2024, 1, 2, tzinfo=UTC)


def conditions(
    regime: MarketRegime = MarketRegime.BULL_TRENDING,
    volatility_pct: float = 30.0,
    normal_volatility_pct: float = 30.0,
) -> MarketConditions:
    return MarketConditions(
        volatility_pct,
        0.6,
        regime,
        volatility_state_for(volatility_pct, normal_volatility_pct),
        0.5,
        0.9,
        normal_volatility_pct=normal_volatility_pct,
    )


def engine_with(
    *, capital: float = 10_000.0, base: CapitalEngineConfig | None = None, **autonomous: object
) -> AutonomousScalingEngine:
    settings: dict[str, object] = {
        "enable_adaptive_compounding": False,
        "enable_realtime_optimization": False,
    }
    settings.update(autonomous)
    config = AutonomousScalingConfig(**settings)  # type: ignore[arg-type]
    return AutonomousScalingEngine(capital, base_config=base, autonomous_config=config)


# -- step 1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("available", "expected"), [(4_000.0, 200.0), (50_000.0, 500.0)])
def test_base_is_a_percentage_of_the_smaller_of_balance_and_tradeable_capital(
    available: float, expected: float
) -> None:
    decision = engine_with().size_position(available)

    assert decision.capital == pytest.approx(min(available, 10_000.0))
    assert decision.base_position == pytest.approx(expected)
    assert decision.final_position == pytest.approx(expected)


def test_losses_shrink_tradeable_capital_and_so_the_base() -> None:
    engine = engine_with()
    engine.record_trade(-1_950.0, 50.0, False, 8_000.0)

    assert engine.capital_engine.tradeable_capital == pytest.approx(8_000.0)
    # (the 20% drawdown also halts; the base is reported before protection)
    assert engine.size_position(10_000.0).base_position == pytest.approx(400.0)


# -- step 2 ------------------------------------------------------------------------------


def test_volatility_leverage_follows_the_power_law() -> None:
    engine = engine_with(volatility_leverage_sensitivity=2.0, max_leverage=5.0)
    decision = engine.size_position(10_000.0, conditions=conditions(volatility_pct=15.0))

    assert decision.vol_leverage_raw == pytest.approx(4.0)  # (30 / 15) ** 2
    assert decision.vol_leverage == pytest.approx(4.0)
    assert decision.final_position == pytest.approx(2_000.0)


@pytest.mark.parametrize(
    ("volatility_pct", "raw", "applied", "binding"),
    [(10.0, 3.0, 2.0, "max_leverage"), (90.0, 1 / 3, 0.5, "min_leverage")],
)
def test_leverage_is_clamped_at_both_ends(
    volatility_pct: float, raw: float, applied: float, binding: str
) -> None:
    decision = engine_with().size_position(
        10_000.0, conditions=conditions(volatility_pct=volatility_pct)
    )

    assert decision.vol_leverage_raw == pytest.approx(raw)
    assert decision.vol_leverage == applied
    assert decision.binding == binding


def test_volatility_argument_overrides_the_conditions_volatility() -> None:
    decision = engine_with().size_position(
        10_000.0, volatility=0.6, conditions=conditions(volatility_pct=30.0)
    )

    assert decision.vol_leverage == pytest.approx(0.5)  # 0.30 / 0.60


def test_zero_volatility_gives_the_maximum_leverage_not_an_error() -> None:
    decision = engine_with().size_position(10_000.0, volatility=0.0, conditions=conditions())

    assert math.isfinite(decision.vol_leverage_raw)
    assert decision.vol_leverage == 2.0


# -- step 3 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "multiplier"),
    [
        (MarketRegime.BULL_TRENDING, 1.0),
        (MarketRegime.BEAR_TRENDING, 0.3),
        (MarketRegime.RANGING, 0.6),
        (MarketRegime.VOLATILE, 0.4),
        (MarketRegime.CRISIS, 0.1),
    ],
)
def test_regime_multiplier_is_the_documented_allocation(
    regime: MarketRegime, multiplier: float
) -> None:
    decision = engine_with().size_position(10_000.0, conditions=conditions(regime))

    assert decision.regime == regime.value
    assert decision.regime_multiplier == multiplier
    assert decision.final_position == pytest.approx(500.0 * multiplier)


def test_string_regime_keys_in_any_case_configure_allocations() -> None:
    engine = engine_with(regime_allocations={"crisis": 0.2, "Volatile": 0.5})
    crisis = engine.size_position(10_000.0, conditions=conditions(MarketRegime.CRISIS))
    ranging = engine.size_position(10_000.0, conditions=conditions(MarketRegime.RANGING))

    assert crisis.regime_multiplier == 0.2
    assert ranging.regime_multiplier == 0.6  # left out: keeps the default


# -- step 4 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected_return", "sharpe", "factor"),
    [(0.45, 2.0, 1.0), (0.85, 4.0, 1.5), (0.05, 0.0, 0.3), (-0.2, -1.25, 0.3)],
)
def test_sharpe_factor_is_sharpe_over_target_clamped(
    expected_return: float, sharpe: float, factor: float
) -> None:
    decision = engine_with().size_position(
        10_000.0,
        expected_return,
        0.2,
        conditions=conditions(volatility_pct=20.0, normal_volatility_pct=20.0),
    )

    assert decision.sharpe == pytest.approx(sharpe)
    assert decision.sharpe_factor == pytest.approx(factor)
    assert decision.final_position == pytest.approx(500.0 * factor)


def test_sharpe_uses_the_conditions_volatility_when_none_is_given() -> None:
    decision = engine_with().size_position(
        10_000.0, 0.45, conditions=conditions(volatility_pct=20.0, normal_volatility_pct=20.0)
    )

    assert decision.sharpe == pytest.approx(2.0)


def test_without_expected_return_there_is_no_sharpe_step() -> None:
    decision = engine_with().size_position(10_000.0, conditions=conditions())

    assert decision.sharpe is None
    assert decision.sharpe_factor == 1.0


def test_without_conditions_steps_two_to_four_are_skipped() -> None:
    decision = engine_with().size_position(10_000.0, 0.85, 0.1)

    assert (decision.vol_leverage, decision.regime_multiplier, decision.sharpe_factor) == (
        1.0,
        1.0,
        1.0,
    )
    assert decision.regime is None
    assert decision.binding == "base"


@pytest.mark.parametrize(
    ("flag", "factor"),
    [
        ("enable_volatility_leverage", "vol_leverage"),
        ("enable_regime_allocation", "regime"),
        ("enable_risk_adjustment", "sharpe"),
    ],
)
def test_a_disabled_feature_gives_factor_one(flag: str, factor: str) -> None:
    hot = conditions(MarketRegime.CRISIS, volatility_pct=90.0)
    on = engine_with().size_position(10_000.0, 0.85, 0.9, conditions=hot)
    switched_off = engine_with(**{flag: False})  # type: ignore[arg-type]
    off = switched_off.size_position(10_000.0, 0.85, 0.9, conditions=hot)

    assert on.factors()[factor] != 1.0
    assert off.factors()[factor] == 1.0


# -- step 5 and protection ---------------------------------------------------------------


def test_final_position_is_capped_at_the_available_balance() -> None:
    engine = engine_with(base=CapitalEngineConfig(base_position_pct=1.0))
    decision = engine.size_position(1_000.0, conditions=conditions(volatility_pct=15.0))

    assert decision.position_before_cap == pytest.approx(2_000.0)
    assert decision.final_position == 1_000.0
    assert decision.binding == "available_balance"


def test_protection_level_scales_the_position() -> None:
    engine = engine_with()
    engine.update_capital(8_800.0)  # 12% below the peak: WARNING

    decision = engine.size_position(10_000.0)

    assert decision.protection_level == "WARNING"
    assert decision.protection_multiplier == 0.5
    assert decision.final_position == pytest.approx(0.05 * 10_000.0 * 0.5)
    assert decision.binding == "protection"


def test_halted_engine_sizes_zero_with_binding_halted() -> None:
    engine = engine_with()
    engine.update_capital(7_900.0)

    decision = engine.size_position(10_000.0, 0.85, 0.1, conditions=conditions())

    assert decision.halted
    assert decision.final_position == 0.0
    assert decision.binding == "halted"


# -- binding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "volatility_pct", "expected_return", "binding"),
    [
        (MarketRegime.BULL_TRENDING, 45.0, None, "vol_leverage"),  # 0.67, unclamped
        (MarketRegime.CRISIS, 30.0, None, "regime"),
        (MarketRegime.BULL_TRENDING, 25.0, 0.15, "sharpe"),  # 1.2 vs 0.3
        (MarketRegime.RANGING, 90.0, None, "min_leverage"),  # 0.5 vs 0.6
        (MarketRegime.VOLATILE, 90.0, None, "regime"),  # 0.5 vs 0.4
        (MarketRegime.BULL_TRENDING, 30.0, None, "base"),
    ],
)
def test_binding_names_the_factor_that_moved_size_the_most(
    regime: MarketRegime, volatility_pct: float, expected_return: float | None, binding: str
) -> None:
    decision = engine_with().size_position(
        10_000.0, expected_return, conditions=conditions(regime, volatility_pct)
    )

    assert decision.binding == binding


def test_factors_multiply_out_to_the_position() -> None:
    decision = engine_with().size_position(
        10_000.0, 0.3, 0.4, conditions=conditions(MarketRegime.RANGING)
    )

    product = decision.base_position * math.prod(decision.factors().values())
    assert decision.position_before_cap == pytest.approx(product)
    assert isinstance(decision, SizingDecision)


# -- Kelly and ATR -----------------------------------------------------------------------


def record_stream(engine: AutonomousScalingEngine, pnls: list[float]) -> None:
    capital = engine.capital_engine.current_capital
    for i, pnl in enumerate(pnls):
        capital += pnl
        engine.record_trade(pnl, 0.0, pnl > 0, capital, {"timestamp": START + timedelta(hours=i)})


def test_kelly_sizes_a_fraction_of_capital_from_recorded_trades() -> None:
    engine = engine_with(sizing_method="kelly")
    record_stream(engine, [200.0, 200.0, -100.0, 200.0, -100.0] * 4)  # p 0.6, b 2

    decision = engine.size_position(10_000.0)

    # full Kelly 0.6 - 0.4 / 2 = 0.4, half Kelly 0.2 of 10000 (below the 0.25 cap)
    assert decision.method == "kelly"
    assert decision.final_position == pytest.approx(2_000.0)
    assert decision.factors()["kelly"] == pytest.approx(4.0)
    assert decision.binding == "kelly"


def test_kelly_is_capped_at_the_maximum_fraction() -> None:
    engine = engine_with(sizing_method="kelly")
    record_stream(engine, [50.0] * 20)

    assert engine.size_position(10_000.0).final_position == pytest.approx(0.25 * 10_000.0)


def test_kelly_with_no_edge_sizes_zero() -> None:
    engine = engine_with(sizing_method="kelly")
    record_stream(engine, [-10.0, -10.0, 10.0] * 7)  # p 1/3, b 1: negative Kelly

    decision = engine.size_position(10_000.0)
    assert decision.final_position == 0.0
    assert decision.binding == "kelly"


def test_kelly_falls_back_to_the_base_below_twenty_trades() -> None:
    engine = engine_with(sizing_method="kelly")
    record_stream(engine, [50.0] * 19)

    decision = engine.size_position(10_000.0)

    assert decision.method == "kelly_fallback"
    assert "20" in decision.note
    assert decision.final_position == pytest.approx(500.0)


def test_atr_sizes_the_notional_that_risks_the_configured_share() -> None:
    engine = engine_with(sizing_method="atr")

    decision = engine.size_position(10_000.0, atr_pct=0.02, conditions=conditions())

    # 1% of 10000 at risk over a stop 2 ATRs (4%) away -> 2500 notional
    assert decision.method == "atr"
    assert decision.final_position == pytest.approx(2_500.0)
    assert decision.method_factor == pytest.approx(5.0)


def test_atr_notional_then_takes_the_later_steps() -> None:
    engine = engine_with(sizing_method="atr")

    decision = engine.size_position(
        10_000.0, atr_pct=0.02, conditions=conditions(MarketRegime.RANGING, 60.0)
    )

    assert decision.final_position == pytest.approx(2_500.0 * 0.5 * 0.6)


def test_atr_without_atr_pct_falls_back_to_the_base() -> None:
    decision = engine_with(sizing_method="atr").size_position(10_000.0)

    assert decision.method == "atr_fallback"
    assert decision.final_position == pytest.approx(500.0)


def test_bad_inputs_are_rejected_with_the_field_named() -> None:
    engine = engine_with()
    with pytest.raises(ValueError, match="available_balance"):
        engine.size_position(-1.0)
    with pytest.raises(ValueError, match="volatility"):
        engine.size_position(100.0, 0.1, float("nan"))
    with pytest.raises(ValueError, match="atr_pct"):
        engine.size_position(100.0, atr_pct=0.0)
