"""Real-time optimization: the trade window, the rules, bounds and out-of-sample rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tradewind.capital.scaling import (
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    ChangeStatus,
    MarketConditions,
    MarketRegime,
)
from tradewind.domain.regimes import volatility_state_for

START = datetime(2024, 5, 6, 13, 30, tzinfo=UTC)
BULL = "regime_allocations.BULL_TRENDING"


def conditions(regime: MarketRegime, volatility_pct: float = 25.0) -> MarketConditions:
    state = volatility_state_for(volatility_pct, 30.0)
    return MarketConditions(volatility_pct, 0.6, regime, state, 0.5, 0.9)


class Stream:
    """Feeds an engine trades an hour apart (or at chosen times)."""

    def __init__(self, **autonomous: object) -> None:
        settings: dict[str, object] = {"enable_adaptive_compounding": False}
        settings.update(autonomous)
        config = AutonomousScalingConfig(**settings)  # type: ignore[arg-type]
        self.config = config
        self.engine = AutonomousScalingEngine(100_000.0, autonomous_config=config)
        self.capital = 100_000.0
        self.time = START

    def trades(
        self,
        pnls: list[float],
        regime: MarketRegime = MarketRegime.BULL_TRENDING,
        *,
        vol_ratio: float | None = None,
        start: datetime | None = None,
    ) -> None:
        if start is not None:
            self.time = start
        self.engine.update_market_conditions(conditions(regime))
        for pnl in pnls:
            self.capital += pnl
            data: dict[str, object] = {"timestamp": self.time}
            if vol_ratio is not None:
                data["vol_ratio"] = vol_ratio
            self.engine.record_trade(pnl, 0.0, pnl > 0, self.capital, data)
            self.time += timedelta(hours=1)

    def allocation(self, regime: MarketRegime = MarketRegime.BULL_TRENDING) -> float:
        return self.engine.current_parameters().regime_allocations[regime]


def test_nineteen_trades_change_nothing_and_the_twentieth_does() -> None:
    stream = Stream()
    stream.trades([100.0] * 19)
    assert not stream.engine.parameter_changes

    stream.trades([100.0])

    (change,) = stream.engine.parameter_changes
    assert change.parameter == BULL
    assert change.old == 1.0
    assert change.new == pytest.approx(1.05)
    assert change.status is ChangeStatus.APPLIED
    assert change.trades_used == 20
    assert change.timestamp == START + timedelta(hours=19)
    assert stream.allocation() == pytest.approx(1.05)


def test_trades_older_than_the_window_do_not_count() -> None:
    stream = Stream()
    stream.trades([100.0] * 10)
    stream.trades([100.0] * 19, start=START + timedelta(days=31))
    assert not stream.engine.parameter_changes

    stream.trades([100.0])
    assert len(stream.engine.parameter_changes) == 1


def test_a_longer_window_counts_older_trades() -> None:
    stream = Stream(optimization_window_days=60)
    stream.trades([100.0] * 10)
    stream.trades([100.0] * 10, start=START + timedelta(days=31))

    assert len(stream.engine.parameter_changes) == 1


def test_a_regime_needs_five_trades_of_its_own() -> None:
    stream = Stream()
    stream.trades([100.0] * 16, MarketRegime.RANGING)
    stream.trades([-100.0] * 4, MarketRegime.CRISIS)

    parameters = [c.parameter for c in stream.engine.parameter_changes]
    assert parameters == ["regime_allocations.RANGING"]


def test_losing_regime_allocation_is_lowered() -> None:
    stream = Stream()
    stream.trades([-50.0] * 20, MarketRegime.VOLATILE)

    assert stream.allocation(MarketRegime.VOLATILE) == pytest.approx(0.4 * 0.95)


def test_change_that_did_worse_out_of_sample_is_rolled_back_and_logged_twice() -> None:
    stream = Stream()
    stream.trades([100.0] * 20)  # raise BULL to 1.05
    stream.trades([-100.0] * 9)
    assert stream.engine.parameter_changes[0].status is ChangeStatus.APPLIED

    stream.trades([-100.0])  # the 10th trade under the new value

    change, rollback = stream.engine.parameter_changes
    assert change.status is ChangeStatus.ROLLED_BACK
    assert change.realised_pnl == pytest.approx(-1_000.0)
    assert change.counterfactual_pnl == pytest.approx(-1_000.0 / 1.05)
    assert rollback.status is ChangeStatus.ROLLBACK
    assert rollback.rollback_of == change.change_id
    assert rollback.parameter == BULL
    assert rollback.old == pytest.approx(1.05)
    assert rollback.new == 1.0
    assert stream.allocation() == 1.0
    status = stream.engine.get_autonomous_status()
    assert [c["status"] for c in status["parameter_changes"]] == ["rolled_back", "rollback"]


def test_change_that_did_better_out_of_sample_is_kept() -> None:
    stream = Stream()
    stream.trades([100.0] * 30)

    first = stream.engine.parameter_changes[0]
    assert first.status is ChangeStatus.KEPT
    assert first.realised_pnl == pytest.approx(1_000.0)
    assert stream.allocation() >= 1.05


def test_only_trades_of_the_changed_regime_judge_its_change() -> None:
    stream = Stream()
    stream.trades([100.0] * 20)
    stream.trades([-100.0] * 10, MarketRegime.RANGING)

    assert stream.engine.parameter_changes[0].status is ChangeStatus.APPLIED


def test_a_parameter_rests_after_a_rollback() -> None:
    stream = Stream()
    stream.trades([100.0] * 20)
    stream.trades([-100.0] * 10)  # rollback; BULL's window still shows 66% wins
    stream.trades([100.0] * 9)

    assert [c.status for c in stream.engine.parameter_changes] == [
        ChangeStatus.ROLLED_BACK,
        ChangeStatus.ROLLBACK,
    ]


def test_allocation_never_rises_above_its_upper_bound() -> None:
    stream = Stream(regime_allocations={"BULL_TRENDING": 1.18})
    stream.trades([100.0] * 60)

    assert stream.allocation() == pytest.approx(1.2)
    assert all(c.new <= 1.2 for c in stream.engine.parameter_changes)


def test_user_value_outside_the_bounds_is_left_alone() -> None:
    stream = Stream(regime_allocations={"CRISIS": 0.0})
    stream.trades([100.0] * 30, MarketRegime.CRISIS)

    assert stream.allocation(MarketRegime.CRISIS) == 0.0
    assert stream.engine.parameter_changes == ()


def test_users_config_is_not_mutated_by_optimization() -> None:
    stream = Stream()
    stream.trades([100.0] * 20)

    assert stream.config.allocation_for(MarketRegime.BULL_TRENDING) == 1.0
    assert stream.engine.config is stream.config


def test_optimization_off_changes_nothing() -> None:
    stream = Stream(enable_realtime_optimization=False)
    stream.trades([100.0] * 40)

    assert stream.engine.parameter_changes == ()


def test_sensitivity_rises_when_calm_trades_earn_and_volatile_trades_lose() -> None:
    stream = Stream(enable_regime_allocation=False)
    stream.trades([100.0] * 10, vol_ratio=0.6)
    stream.trades([-100.0] * 10, vol_ratio=1.8)

    (change,) = stream.engine.parameter_changes
    assert change.parameter == "volatility_leverage_sensitivity"
    assert change.old == 1.0
    assert change.new == pytest.approx(1.1)
    assert stream.engine.current_parameters().volatility_leverage_sensitivity == pytest.approx(1.1)


def test_sensitivity_falls_when_volatile_trades_earn_and_calm_trades_lose() -> None:
    stream = Stream(enable_regime_allocation=False)
    stream.trades([-100.0] * 10, vol_ratio=0.6)
    stream.trades([100.0] * 10, vol_ratio=1.8)

    (change,) = stream.engine.parameter_changes
    assert change.new == pytest.approx(0.9)


def test_live_parameters_drive_sizing() -> None:
    stream = Stream()
    stream.trades([100.0] * 20)

    decision = stream.engine.size_position(100_000.0)
    assert decision.regime_multiplier == pytest.approx(1.05)
