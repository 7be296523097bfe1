"""Hypothesis: sizes stay within the balance, halts hold, the optimizer keeps its bounds,
protection is monotone in drawdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.capital.scaling import (
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    CapitalEngineConfig,
    MarketConditions,
    MarketRegime,
    ProtectionLevel,
    VolatilityState,
    protection_level_for,
)

START = datetime(2024, 1, 1, tzinfo=UTC)
SEVERITY = list(ProtectionLevel)

market_conditions = st.builds(
    MarketConditions,
    volatility_pct=st.floats(0.0, 400.0),
    trend_strength=st.floats(-1.0, 1.0),
    regime=st.sampled_from(MarketRegime),
    volatility_state=st.sampled_from(VolatilityState),
    momentum_score=st.floats(-1.0, 1.0),
    liquidity_score=st.floats(0.0, 1.0),
    normal_volatility_pct=st.floats(0.5, 150.0),
)

autonomous_configs = st.builds(
    AutonomousScalingConfig,
    min_leverage=st.floats(0.05, 1.0),
    max_leverage=st.floats(1.0, 10.0),
    volatility_leverage_sensitivity=st.floats(0.0, 5.0),
    regime_allocations=st.dictionaries(st.sampled_from(MarketRegime), st.floats(0.0, 3.0)),
    sizing_method=st.sampled_from(["autonomous", "kelly", "atr"]),
    enable_volatility_leverage=st.booleans(),
    enable_regime_allocation=st.booleans(),
    enable_risk_adjustment=st.booleans(),
)

balances = st.floats(0.0, 1e9)
maybe_return = st.none() | st.floats(-5.0, 5.0)
maybe_vol = st.none() | st.floats(0.0, 10.0)
maybe_atr = st.none() | st.floats(1e-6, 1.0)
pnls = st.lists(st.floats(-500.0, 500.0), max_size=30)


def feed(engine: AutonomousScalingEngine, trades: list[float]) -> None:
    capital = engine.capital_engine.current_capital
    for i, pnl in enumerate(trades):
        capital = max(0.0, capital + pnl)
        engine.record_trade(pnl, 0.0, pnl > 0, capital, {"timestamp": START + timedelta(hours=i)})


@settings(max_examples=150, deadline=None)
@given(
    config=autonomous_configs,
    position_pct=st.floats(0.001, 1.0),
    history=pnls,
    balance=balances,
    expected_return=maybe_return,
    volatility=maybe_vol,
    atr_pct=maybe_atr,
    conditions=st.none() | market_conditions,
)
def test_position_is_never_negative_nor_above_the_available_balance(
    config: AutonomousScalingConfig,
    position_pct: float,
    history: list[float],
    balance: float,
    expected_return: float | None,
    volatility: float | None,
    atr_pct: float | None,
    conditions: MarketConditions | None,
) -> None:
    engine = AutonomousScalingEngine(
        5_000.0,
        base_config=CapitalEngineConfig(base_position_pct=position_pct),
        autonomous_config=config,
    )
    feed(engine, history)

    decision = engine.size_position(
        balance, expected_return, volatility, conditions=conditions, atr_pct=atr_pct
    )

    assert 0.0 <= decision.final_position <= balance
    assert decision.binding


@settings(max_examples=60, deadline=None)
@given(
    drop_pct=st.floats(20.5, 100.0),
    marks=st.lists(st.floats(0.0, 1e6), max_size=10),
    requests=st.lists(
        st.tuples(balances, maybe_return, maybe_vol, st.none() | market_conditions),
        min_size=1,
        max_size=5,
    ),
)
def test_halted_engine_sizes_zero_until_reset(
    drop_pct: float,
    marks: list[float],
    requests: list[tuple[float, float | None, float | None, MarketConditions | None]],
) -> None:
    engine = AutonomousScalingEngine(10_000.0)
    engine.update_capital(10_000.0 * (1 - drop_pct / 100))
    for mark in marks:
        engine.update_capital(mark)

    for balance, expected_return, volatility, conditions in requests:
        decision = engine.size_position(balance, expected_return, volatility, conditions=conditions)
        assert decision.final_position == 0.0
        assert decision.binding == "halted"

    engine.update_capital(10_000.0)
    engine.reset_halt()
    assert engine.get_optimal_position_size(10_000.0) > 0.0


@settings(max_examples=40, deadline=None)
@given(
    allocations=st.dictionaries(st.sampled_from(MarketRegime), st.floats(0.0, 3.0)),
    sensitivity=st.floats(0.0, 3.0),
    trades=st.lists(
        st.tuples(
            st.sampled_from(MarketRegime),
            st.floats(-200.0, 200.0),
            st.floats(0.1, 4.0),
            st.sampled_from([0, 1, 2, 3, 4, 6, 100]),  # hours; 100 empties the window
        ),
        max_size=80,
    ),
)
def test_optimizer_never_moves_a_parameter_outside_its_bounds(
    allocations: dict[MarketRegime | str, float],
    sensitivity: float,
    trades: list[tuple[MarketRegime, float, float, int]],
) -> None:
    config = AutonomousScalingConfig(
        regime_allocations=allocations,
        volatility_leverage_sensitivity=sensitivity,
        min_trades_for_optimization=8,
        min_trades_per_regime=2,
        min_trades_per_volatility_group=2,
        rollback_evaluation_trades=3,
        optimization_window_days=2,
    )
    engine = AutonomousScalingEngine(
        1e6,
        base_config=CapitalEngineConfig(enable_drawdown_protection=False),
        autonomous_config=config,
    )
    low, high = config.regime_allocation_bounds
    s_low, s_high = config.sensitivity_bounds
    start = {r: config.allocation_for(r) for r in MarketRegime}
    capital, time = 1e6, START
    for regime, pnl, vol_ratio, gap_hours in trades:
        capital += pnl
        time += timedelta(hours=gap_hours)
        data = {"timestamp": time, "regime": regime.value.lower(), "vol_ratio": vol_ratio}
        engine.record_trade(pnl, 0.0, pnl > 0, capital, data)

        live = engine.current_parameters()
        for r, value in live.regime_allocations.items():
            if low <= start[r] <= high:
                assert low <= value <= high
            else:
                assert value == start[r]
        if s_low <= sensitivity <= s_high:
            assert s_low <= live.volatility_leverage_sensitivity <= s_high
        else:
            assert live.volatility_leverage_sensitivity == sensitivity
    for change in engine.parameter_changes:
        bounds = (s_low, s_high) if change.parameter.startswith("vol") else (low, high)
        assert bounds[0] <= change.new <= bounds[1]


@given(
    warning=st.floats(0.1, 50.0),
    gap=st.floats(0.1, 50.0),
    drawdowns=st.lists(st.floats(0.0, 100.0), min_size=2, max_size=10),
)
def test_protection_level_is_monotone_in_drawdown(
    warning: float, gap: float, drawdowns: list[float]
) -> None:
    halt = warning + gap
    levels = [SEVERITY.index(protection_level_for(d, warning, halt)) for d in sorted(drawdowns)]

    assert levels == sorted(levels)
