"""The risk-state vector and its numba transitions: drawdown ladder, daily loss, shutdown.

The vector (`StateField` indices, float64) is what the engine kernel carries per
account; `tradewind.risk.state.RiskState` is its Python face. Transitions return a
bitmask of events: bit `k` set means `RiskReason(k)` happened.

Drawdown ladder, with `limit = DRAWDOWN_PCT` and drawdown `1 - equity / high-water mark`:
warn at `LADDER_WARN * limit` (once, re-armed below it), REDUCING at `LADDER_REDUCE *
limit` (lifted when drawdown falls back below the warn level), HALTED at `LADDER_PAUSE *
limit` (kept until `manual_reset`). Daily loss: HALTED once equity is
`DAILY_LOSS_PCT` below the day-start equity, until the next day starts. The effective
state is the most restrictive of drawdown, daily loss and shutdown.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

from tradewind.risk.codes import ShutdownCode, StateCode
from tradewind.risk.limits import LimitField
from tradewind.risk.reasons import RiskReason

__all__ = [
    "N_STATE_FIELDS",
    "StateField",
    "apply_shutdown",
    "initial_state_vector",
    "manual_reset",
    "refresh_effective",
    "update_on_equity",
]


class StateField(IntEnum):
    """Index of each value in the risk-state vector."""

    HIGH_WATER_MARK = 0
    """Highest equity seen (NaN before the first update)."""
    LAST_EQUITY = 1
    """Equity at the last update."""
    DAY_START_EQUITY = 2
    """Equity when the current trading day started."""
    DAY_ID = 3
    """Current trading-day id (`DailyReset.day_id`), NaN before the first update."""
    DRAWDOWN_STATE = 4
    """`StateCode` the ladder imposes (ACTIVE, REDUCING or HALTED)."""
    DRAWDOWN_WARNED = 5
    """1.0 while drawdown is at or above the warn level."""
    DAILY_HALTED = 6
    """1.0 while the daily loss limit is breached (until the next day)."""
    SHUTDOWN = 7
    """`ShutdownCode` in force."""
    STATE = 8
    """Effective `StateCode` (what `check_order` reads)."""
    REASON = 9
    """`RiskReason` of the effective state (0 when ACTIVE)."""


N_STATE_FIELDS = len(StateField)
"""Length of the risk-state vector."""

_HWM = int(StateField.HIGH_WATER_MARK)
_LAST = int(StateField.LAST_EQUITY)
_DAY_START = int(StateField.DAY_START_EQUITY)
_DAY_ID = int(StateField.DAY_ID)
_DD_STATE = int(StateField.DRAWDOWN_STATE)
_WARNED = int(StateField.DRAWDOWN_WARNED)
_DAILY = int(StateField.DAILY_HALTED)
_SHUTDOWN = int(StateField.SHUTDOWN)
_STATE = int(StateField.STATE)
_REASON = int(StateField.REASON)

_DRAWDOWN = int(LimitField.DRAWDOWN_PCT)
_DAILY_LOSS = int(LimitField.DAILY_LOSS_PCT)
_WARN = int(LimitField.LADDER_WARN)
_REDUCE = int(LimitField.LADDER_REDUCE)
_PAUSE = int(LimitField.LADDER_PAUSE)

_ACTIVE = float(StateCode.ACTIVE)
_REDUCING = float(StateCode.REDUCING)
_HALTED = float(StateCode.HALTED)
_FROZEN = float(StateCode.FROZEN)
_SOFT = float(ShutdownCode.SOFT)
_HARD = float(ShutdownCode.HARD)
_FREEZE = float(ShutdownCode.FREEZE)

_R = RiskReason
_R_WARN = int(_R.DRAWDOWN_WARN)
_R_DD_REDUCING = int(_R.DRAWDOWN_REDUCING)
_R_DD_HALT = int(_R.DRAWDOWN_HALT)
_R_RECOVERED = int(_R.DRAWDOWN_RECOVERED)
_R_DAILY_LOSS = int(_R.DAILY_LOSS)
_R_DAILY_RESET = int(_R.DAILY_RESET)
_R_SOFT = int(_R.SHUTDOWN_SOFT)
_R_HARD = int(_R.SHUTDOWN_HARD)
_R_FROZEN = int(_R.FROZEN)
_R_MANUAL_RESET = int(_R.MANUAL_RESET)


def initial_state_vector() -> np.ndarray:
    """A fresh state: ACTIVE, no high-water mark or trading day yet."""
    vector = np.zeros(N_STATE_FIELDS)
    vector[[_HWM, _LAST, _DAY_START, _DAY_ID]] = np.nan
    return vector


@njit(cache=True)
def _bit(reason: int) -> int:
    return 1 << reason


@njit(cache=True)
def refresh_effective(state: np.ndarray) -> None:
    """Recompute the effective STATE and REASON from drawdown, daily loss and shutdown."""
    effective, reason = _ACTIVE, 0
    dd = state[_DD_STATE]
    if dd > effective:
        effective, reason = dd, (_R_DD_HALT if dd >= _HALTED else _R_DD_REDUCING)
    # On a tie the drawdown halt is the reason shown: it outlasts the daily one.
    if state[_DAILY] > 0.0 and effective < _HALTED:
        effective, reason = _HALTED, _R_DAILY_LOSS
    shutdown = state[_SHUTDOWN]
    if shutdown >= _FREEZE:
        effective, reason = _FROZEN, _R_FROZEN
    elif shutdown >= _HARD and effective <= _HALTED:
        effective, reason = _HALTED, _R_HARD
    elif shutdown >= _SOFT and effective <= _REDUCING:
        effective, reason = _REDUCING, _R_SOFT
    state[_STATE] = effective
    state[_REASON] = reason


@njit(cache=True)
def update_on_equity(
    state: np.ndarray, equity: float, day_id: int, limits_global: np.ndarray
) -> int:
    """Apply a new equity mark at trading day `day_id`; returns the event bitmask.

    Rolls the trading day over first (the day-start equity is the last equity seen
    before the reset, so a loss in the first bar of the day counts), then the
    high-water mark, the drawdown ladder and the daily loss limit. A non-finite
    equity changes nothing. Mutates `state` in place; allocation-free.
    """
    if not np.isfinite(equity):
        return 0
    events = 0
    if state[_DAY_ID] != day_id:
        last = state[_LAST]
        state[_DAY_START] = last if np.isfinite(last) else equity
        state[_DAY_ID] = day_id
        if state[_DAILY] > 0.0:
            state[_DAILY] = 0.0
            events |= _bit(_R_DAILY_RESET)
    if not state[_HWM] >= equity:
        state[_HWM] = equity
    state[_LAST] = equity

    limit = limits_global[_DRAWDOWN]
    hwm = state[_HWM]
    if limit > 0.0 and hwm > 0.0:
        drawdown = 1.0 - equity / hwm
        if drawdown >= limits_global[_PAUSE] * limit:
            if state[_DD_STATE] < _HALTED:
                state[_DD_STATE] = _HALTED
                events |= _bit(_R_DD_HALT)
        elif drawdown >= limits_global[_REDUCE] * limit and state[_DD_STATE] < _REDUCING:
            state[_DD_STATE] = _REDUCING
            events |= _bit(_R_DD_REDUCING)
        if drawdown >= limits_global[_WARN] * limit:
            if state[_WARNED] == 0.0:
                state[_WARNED] = 1.0
                events |= _bit(_R_WARN)
        elif state[_WARNED] > 0.0:
            state[_WARNED] = 0.0
            if state[_DD_STATE] == _REDUCING:
                state[_DD_STATE] = _ACTIVE
                events |= _bit(_R_RECOVERED)

    daily_limit = limits_global[_DAILY_LOSS]
    start = state[_DAY_START]
    breached = start > 0.0 and (start - equity) / start >= daily_limit
    if daily_limit > 0.0 and breached and state[_DAILY] == 0.0:
        state[_DAILY] = 1.0
        events |= _bit(_R_DAILY_LOSS)
    refresh_effective(state)
    return events


@njit(cache=True)
def apply_shutdown(state: np.ndarray, mode: int) -> int:
    """Put shutdown `mode` (`ShutdownCode`) in force; a milder mode never replaces a
    stricter one. Returns the event bitmask (empty when nothing changed)."""
    if mode <= state[_SHUTDOWN]:
        return 0
    state[_SHUTDOWN] = mode
    refresh_effective(state)
    if mode >= _FREEZE:
        return _bit(_R_FROZEN)
    return _bit(_R_HARD) if mode >= _HARD else _bit(_R_SOFT)


@njit(cache=True)
def manual_reset(state: np.ndarray) -> int:
    """Operator reset: lift any shutdown, freeze, drawdown halt and daily-loss halt.

    Trading resumes from here: the last equity becomes the new high-water mark and
    day-start equity, so the ladder and the daily budget restart. Returns the
    MANUAL_RESET event bit.
    """
    state[_SHUTDOWN] = 0.0
    state[_DD_STATE] = _ACTIVE
    state[_WARNED] = 0.0
    state[_DAILY] = 0.0
    last = state[_LAST]
    if np.isfinite(last):
        state[_HWM] = last
        state[_DAY_START] = last
    refresh_effective(state)
    return _bit(_R_MANUAL_RESET)
