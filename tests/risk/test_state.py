"""Risk state: drawdown ladder, daily loss with a local reset time, shutdowns, restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest

from tradewind.domain import ShutdownMode, TradingState
from tradewind.risk import (
    DailyReset,
    RiskConfigError,
    RiskLimits,
    RiskReason,
    RiskState,
    StateCode,
    StateField,
    check_order,
    limits_vector,
)
from tradewind.risk.check import AccountExposure, ProposedOrder, RiskRules

from .book import no_limits

T0 = datetime(2024, 1, 2, 15, 0, tzinfo=UTC)


def limits(reset: DailyReset | None = None, daily: float = 0.05) -> RiskLimits:
    return RiskLimits(
        global_=limits_vector(
            drawdown_pct=0.20,
            daily_loss_pct=daily,
            ladder_warn=0.8,
            ladder_reduce=0.9,
            ladder_pause=1.0,
        ),
        markets=no_limits(0),
        strategies=no_limits(0),
        daily_reset=reset or DailyReset(),
    )


def trading(state: RiskState) -> TradingState:
    return state.trading_state


def code(state: RiskState) -> StateCode:
    return state.state_code


def reasons(events: list) -> list[RiskReason]:  # type: ignore[type-arg]
    return [e.reason for e in events]


def test_drawdown_ladder_warns_at_80_reduces_at_90_and_halts_at_100_percent() -> None:
    state, lim = RiskState(), limits(daily=0.5)
    assert state.update_on_equity(100_000, T0, lim) == []
    assert state.update_on_equity(84_500, T0, lim) == []  # 15.5 % < 16 %
    assert reasons(state.update_on_equity(83_900, T0, lim)) == [RiskReason.DRAWDOWN_WARN]
    assert trading(state) is TradingState.ACTIVE
    events = state.update_on_equity(81_900, T0, lim)
    assert reasons(events) == [RiskReason.DRAWDOWN_REDUCING]
    assert events[0].state is StateCode.REDUCING
    assert trading(state) is TradingState.REDUCING
    assert reasons(state.update_on_equity(79_900, T0, lim)) == [RiskReason.DRAWDOWN_HALT]
    assert trading(state) is TradingState.HALTED
    assert state.reason is RiskReason.DRAWDOWN_HALT


def test_a_jump_past_every_rung_reports_warn_and_halt_together() -> None:
    state, lim = RiskState(), limits(daily=0.5)
    state.update_on_equity(100_000, T0, lim)
    assert reasons(state.update_on_equity(70_000, T0, lim)) == [
        RiskReason.DRAWDOWN_WARN,
        RiskReason.DRAWDOWN_HALT,
    ]


def test_reducing_lifts_below_the_warn_level_but_halted_waits_for_a_manual_reset() -> None:
    state, lim = RiskState(), limits(daily=0.5)
    state.update_on_equity(100_000, T0, lim)
    state.update_on_equity(81_900, T0, lim)
    assert reasons(state.update_on_equity(83_000, T0, lim)) == []  # 17 %: still reducing
    assert reasons(state.update_on_equity(85_000, T0, lim)) == [RiskReason.DRAWDOWN_RECOVERED]
    assert trading(state) is TradingState.ACTIVE
    state.update_on_equity(79_000, T0, lim)
    state.update_on_equity(99_000, T0, lim)
    assert trading(state) is TradingState.HALTED
    assert reasons(state.manual_reset(T0)) == [RiskReason.MANUAL_RESET]
    assert trading(state) is TradingState.ACTIVE
    assert state.high_water_mark == 99_000


def test_the_high_water_mark_only_rises() -> None:
    state, lim = RiskState(), limits()
    for equity in (100.0, 120.0, 110.0, 119.0):
        state.update_on_equity(equity, T0, lim)
    assert state.high_water_mark == 120.0
    assert state.update_on_equity(float("nan"), T0, lim) == []
    assert state.last_equity == 119.0


def test_daily_loss_halts_until_the_next_reset() -> None:
    state, lim = RiskState(), limits()
    state.update_on_equity(100_000, T0, lim)
    events = state.update_on_equity(94_900, T0 + timedelta(hours=1), lim)
    assert reasons(events) == [RiskReason.DAILY_LOSS]
    assert trading(state) is TradingState.HALTED
    assert state.reason is RiskReason.DAILY_LOSS
    next_day = T0 + timedelta(days=1)
    assert reasons(state.update_on_equity(94_000, next_day, lim)) == [RiskReason.DAILY_RESET]
    assert trading(state) is TradingState.ACTIVE
    assert state.day_start_equity == 94_900  # the last equity before the reset


def test_daily_reset_follows_new_york_time_across_the_dst_change() -> None:
    # 17:00 New York is 22:00 UTC in winter and 21:00 UTC after 2024-03-10.
    reset = DailyReset(time(17, 0), "America/New_York")
    lim = limits(reset)
    before_dst = datetime(2024, 3, 8, 21, 59, tzinfo=UTC)
    assert reset.day_id(before_dst) + 1 == reset.day_id(before_dst + timedelta(minutes=1))
    state = RiskState()
    state.update_on_equity(100_000, datetime(2024, 3, 11, 14, 0, tzinfo=UTC), lim)
    state.update_on_equity(94_000, datetime(2024, 3, 11, 20, 30, tzinfo=UTC), lim)
    assert state.daily_halted
    assert state.update_on_equity(94_000, datetime(2024, 3, 11, 20, 59, tzinfo=UTC), lim) == []
    events = state.update_on_equity(94_000, datetime(2024, 3, 11, 21, 0, tzinfo=UTC), lim)
    assert reasons(events) == [RiskReason.DAILY_RESET]


def test_vectorized_day_ids_match_the_scalar_ones_across_dst() -> None:
    reset = DailyReset(time(17, 0), "America/New_York")
    start = datetime(2024, 3, 7, tzinfo=UTC)
    instants = [start + timedelta(minutes=30 * k) for k in range(24 * 2 * 10)]
    ns = np.array([int(t.timestamp()) * 1_000_000_000 for t in instants], dtype=np.int64)
    assert reset.day_ids(ns).tolist() == [reset.day_id(t) for t in instants]


def test_soft_hard_and_freeze_shutdowns() -> None:
    state = RiskState(last_equity=50_000.0)
    soft = state.shutdown_now(ShutdownMode.SOFT, T0)
    assert not soft.cancel_open_orders
    assert reasons(list(soft.events)) == [RiskReason.SHUTDOWN_SOFT]
    assert code(state) is StateCode.REDUCING
    hard = state.shutdown_now(ShutdownMode.HARD, T0)
    assert hard.cancel_open_orders
    assert hard.flatten_positions
    assert code(state) is StateCode.HALTED
    assert state.reason is RiskReason.SHUTDOWN_HARD
    assert state.shutdown_now(ShutdownMode.SOFT, T0).events == ()  # never milder
    state.shutdown_now(ShutdownMode.FREEZE, T0)
    assert state.frozen
    assert code(state) is StateCode.FROZEN
    assert trading(state) is TradingState.HALTED
    state.manual_reset(T0)
    assert code(state) is StateCode.ACTIVE
    assert state.shutdown is None


def test_halted_state_survives_a_json_round_trip_and_still_denies_entries() -> None:
    state, lim = RiskState(), limits()
    state.update_on_equity(100_000, T0, lim)
    state.update_on_equity(78_000, T0, lim)
    restored = RiskState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert restored.trading_state is TradingState.HALTED
    vector = restored.to_vector()
    order = ProposedOrder(1, 10.0, 100.0, 1.0, 0.0, True, True, -1, -1, 1.0, 0.0, np.nan, np.nan)
    account = AccountExposure(
        78_000.0, 0.0, np.zeros(1), np.zeros(1), np.zeros(1), 0, np.zeros(1, np.int64),
        np.zeros(1, np.int64),
    )  # fmt: skip
    rules = RiskRules(
        int(vector[StateField.STATE]), int(vector[StateField.REASON]), lim.global_,
        no_limits(1), no_limits(1),
    )  # fmt: skip
    approved, reason = check_order(order, account, rules)
    assert (approved, reason) == (0.0, RiskReason.DRAWDOWN_HALT)


def test_a_fresh_state_round_trips_with_its_missing_values() -> None:
    state = RiskState()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["high_water_mark"] is None
    assert data["state"] == "ACTIVE"
    restored = RiskState.from_dict(data)
    assert restored.day_id is None
    assert np.isnan(restored.high_water_mark)


def test_vector_and_object_agree() -> None:
    state = RiskState(100.0, 90.0, 95.0, 19_000, StateCode.REDUCING, True, True, ShutdownMode.SOFT)
    assert RiskState.from_vector(state.to_vector()) == state
    assert code(state) is StateCode.HALTED
    assert state.reason is RiskReason.DAILY_LOSS


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"version": 2}, "version"),
        ({**RiskState().to_dict(), "drawdown_state": "SLEEPY"}, "SLEEPY"),
        ({**RiskState().to_dict(), "shutdown": "gentle"}, "gentle"),
        ({**RiskState().to_dict(), "high_water_mark": "inf"}, "high_water_mark"),
    ],
)
def test_a_damaged_saved_state_is_refused_with_the_field(payload: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RiskConfigError, match=message):
        RiskState.from_dict(payload)
