"""The pre-trade check every order passes before it reaches a venue (numba).

`check_order` answers how much of an order may go through and why. Orders that
shrink |position| always pass (unless FROZEN); the part of an order that opens or
grows a position is cut to the largest quantity that keeps every limit, rounded down
to the lot, and denied when that is below one lot or the minimum notional. The
returned code names the binding rule.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from tradewind.risk.codes import StateCode
from tradewind.risk.limits import LimitField
from tradewind.risk.reasons import RiskReason

__all__ = ["AccountExposure", "ProposedOrder", "RiskRules", "check_order"]

_F = LimitField
_R = RiskReason
_POSITION_PCT = int(_F.POSITION_PCT)
_POSITION_ABS = int(_F.POSITION_ABS)
_LEVERAGE = int(_F.LEVERAGE)
_EXPOSURE_PCT = int(_F.EXPOSURE_PCT)
_OPEN = int(_F.OPEN_POSITIONS)
_CORRELATED = int(_F.CORRELATED_PCT)
_CASH_ACCOUNT = int(_F.CASH_ACCOUNT)
_DISABLED = int(_F.DISABLED)
_REDUCING = int(StateCode.REDUCING)
_HALTED = int(StateCode.HALTED)
_FROZEN = int(StateCode.FROZEN)
_APPROVED = int(_R.APPROVED)
_R_BELOW_LOT = int(_R.BELOW_LOT)
_R_BELOW_MIN_NOTIONAL = int(_R.BELOW_MIN_NOTIONAL)
_R_CORRELATION_CONCENTRATION = int(_R.CORRELATION_CONCENTRATION)
_R_EXPOSURE_CAP = int(_R.EXPOSURE_CAP)
_R_FROZEN = int(_R.FROZEN)
_R_HALTED = int(_R.HALTED)
_R_INSUFFICIENT_CASH = int(_R.INSUFFICIENT_CASH)
_R_INVALID_ORDER = int(_R.INVALID_ORDER)
_R_MARKET_ALLOCATION = int(_R.MARKET_ALLOCATION)
_R_MARKET_DISABLED = int(_R.MARKET_DISABLED)
_R_MARKET_EXPOSURE = int(_R.MARKET_EXPOSURE)
_R_MAX_LEVERAGE_GLOBAL = int(_R.MAX_LEVERAGE_GLOBAL)
_R_MAX_LEVERAGE_MARKET = int(_R.MAX_LEVERAGE_MARKET)
_R_MAX_LEVERAGE_STRATEGY = int(_R.MAX_LEVERAGE_STRATEGY)
_R_MAX_OPEN_GLOBAL = int(_R.MAX_OPEN_GLOBAL)
_R_MAX_OPEN_MARKET = int(_R.MAX_OPEN_MARKET)
_R_MAX_OPEN_STRATEGY = int(_R.MAX_OPEN_STRATEGY)
_R_MAX_POSITION_ABS = int(_R.MAX_POSITION_ABS)
_R_MAX_POSITION_PCT = int(_R.MAX_POSITION_PCT)
_R_OUTSIDE_TRADING_HOURS = int(_R.OUTSIDE_TRADING_HOURS)
_R_REDUCING = int(_R.REDUCING)
_R_SHORT_NOT_ALLOWED = int(_R.SHORT_NOT_ALLOWED)
_R_STRATEGY_EXPOSURE = int(_R.STRATEGY_EXPOSURE)
# Tolerance for float noise when flooring to the lot grid (3.0 / 0.1 = 29.999...).
_LOT_EPS = 1e-9


@njit(cache=True, inline="always")
def _tighter(room: float, reason: int, cap_room: float, cap_reason: int) -> tuple[float, int]:
    # NaN (no limit) compares False and is skipped.
    if cap_room < room:
        return cap_room, cap_reason
    return room, reason


@njit(cache=True, inline="always")
def _scope_rooms(
    room: float,
    reason: int,
    limits: np.ndarray,
    equity: float,
    unit: float,
    base: float,
    scope_gross: float,
    freed: float,
    lev_reason: int,
    exp_reason: int,
) -> tuple[float, int]:
    # One scope's (account, market or strategy) position size, exposure and leverage
    # limits; the leverage and exposure reasons name the scope.
    room, reason = _tighter(
        room, reason, limits[_POSITION_PCT] * equity / unit - base, _R_MAX_POSITION_PCT
    )
    room, reason = _tighter(room, reason, limits[_POSITION_ABS] / unit - base, _R_MAX_POSITION_ABS)
    headroom = freed - scope_gross
    room, reason = _tighter(
        room, reason, (limits[_EXPOSURE_PCT] * equity + headroom) / unit, exp_reason
    )
    room, reason = _tighter(
        room, reason, (limits[_LEVERAGE] * equity + headroom) / unit, lev_reason
    )
    return room, reason


class ProposedOrder(NamedTuple):
    """One order to check, in its book's terms.

    Attributes:
        side_sign: +1 buy, -1 sell.
        qty: requested quantity, unsigned, > 0.
        price: reference price (the expected fill), quote currency; notional is
            `qty * |price| * multiplier`, in account currency (convert first).
        multiplier: price x quantity -> account currency (contract multiplier x FX).
        position_qty: signed current position of the order's book (instrument, or
            instrument and strategy under INDEPENDENT aggregation).
        is_entry: the order opens a new position slot (counts toward the open-position
            limits); an order from a flat position always does.
        in_trading_hours: time-of-day rules allow new entries now (see `hours`).
        market_index, strategy_index: rows in the market/strategy arrays; -1 = none.
        lot_size, min_notional: instrument grid (min notional in account currency).
        corr_exposure: gross exposure of other positions moving with this order's
            direction (correlation above the threshold), currency; NaN = no data.
        cash_qty: the most a cash account can buy with the cash it has (expected fill
            price and commission included); NaN = no cash limit (a margin account).
    """

    side_sign: int
    qty: float
    price: float
    multiplier: float
    position_qty: float
    is_entry: bool
    in_trading_hours: bool
    market_index: int
    strategy_index: int
    lot_size: float
    min_notional: float
    corr_exposure: float
    cash_qty: float


class AccountExposure(NamedTuple):
    """The account when the order is checked (currency amounts in account currency).

    Attributes:
        equity: account equity.
        gross: sum of |position notional| over the account.
        market_gross, strategy_gross: gross exposure per market / strategy.
        market_budget: capital allocated per market (NaN = no budget); a market's
            gross exposure may not exceed it.
        open_global, open_market, open_strategy: open position counts.
    """

    equity: float
    gross: float
    market_gross: np.ndarray
    market_budget: np.ndarray
    strategy_gross: np.ndarray
    open_global: int
    open_market: np.ndarray
    open_strategy: np.ndarray


class RiskRules(NamedTuple):
    """The risk state and the limits in force.

    Attributes:
        state: `StateCode` of the risk state.
        state_reason: the `RiskReason` that put it there (reported on denial; 0 = the
            state's generic code).
        limits_global, limits_market, limits_strategy: `LimitField` vector / rows
            (M x F, S x F). A cash account (`LimitField.CASH_ACCOUNT` set) never opens
            a short.
    """

    state: int
    state_reason: int
    limits_global: np.ndarray
    limits_market: np.ndarray
    limits_strategy: np.ndarray


@njit(cache=True)
def check_order(
    order: ProposedOrder, account: AccountExposure, rules: RiskRules
) -> tuple[float, int]:
    """Approve, cut or deny one order; returns `(approved_qty, reason)`: approved_qty
    unsigned, <= qty (the reducing part is never cut), and a `RiskReason` code:
    APPROVED when nothing was cut, else the binding rule."""
    o, state, state_reason = order, rules.state, rules.state_reason
    if state >= _FROZEN:
        return 0.0, state_reason if state_reason != _APPROVED else _R_FROZEN
    unit = abs(o.price) * o.multiplier
    if not (o.qty > 0.0 and unit > 0.0 and np.isfinite(unit) and np.isfinite(account.equity)):
        return 0.0, _R_INVALID_ORDER
    sign = 1.0 if o.side_sign > 0 else -1.0
    reduce_qty = min(o.qty, abs(o.position_qty)) if o.position_qty * sign < 0.0 else 0.0
    add_qty = o.qty - reduce_qty
    if add_qty <= 0.0:
        return o.qty, _APPROVED
    if state >= _REDUCING:
        generic = _R_HALTED if state >= _HALTED else _R_REDUCING
        return reduce_qty, state_reason if state_reason != _APPROVED else generic
    gate = _entry_gate(o, sign, account, rules)
    if gate != _APPROVED:
        return reduce_qty, gate
    room, reason = _room(o, sign, unit, reduce_qty, add_qty, account, rules)
    room = max(room, 0.0)
    if o.lot_size > 0.0:
        allowed = min(np.floor(room / o.lot_size + _LOT_EPS) * o.lot_size, add_qty)
    else:
        allowed = min(room, add_qty)
    if allowed < add_qty and reason == _APPROVED:
        reason = _R_BELOW_LOT
    if allowed <= 0.0:
        return reduce_qty, reason
    if (reduce_qty + allowed) * unit < o.min_notional:
        if reason in (_APPROVED, _R_BELOW_LOT):
            return reduce_qty, _R_BELOW_MIN_NOTIONAL
        return reduce_qty, reason
    return reduce_qty + allowed, reason


@njit(cache=True, inline="always")
def _entry_gate(o: ProposedOrder, sign: float, account: AccountExposure, rules: RiskRules) -> int:
    # The rules that deny the opening part outright; APPROVED when none does.
    m, s = o.market_index, o.strategy_index
    if sign < 0.0 and rules.limits_global[_CASH_ACCOUNT] > 0.0:
        return _R_SHORT_NOT_ALLOWED
    if m >= 0 and rules.limits_market[m, _DISABLED] > 0.0:
        return _R_MARKET_DISABLED
    if not o.in_trading_hours:
        return _R_OUTSIDE_TRADING_HOURS
    if o.is_entry or o.position_qty == 0.0:
        if account.open_global >= rules.limits_global[_OPEN]:
            return _R_MAX_OPEN_GLOBAL
        if m >= 0 and account.open_market[m] >= rules.limits_market[m, _OPEN]:
            return _R_MAX_OPEN_MARKET
        if s >= 0 and account.open_strategy[s] >= rules.limits_strategy[s, _OPEN]:
            return _R_MAX_OPEN_STRATEGY
    return _APPROVED


@njit(cache=True, inline="always")
def _room(
    o: ProposedOrder,
    sign: float,
    unit: float,
    reduce_qty: float,
    add_qty: float,
    account: AccountExposure,
    rules: RiskRules,
) -> tuple[float, int]:
    # The largest opening quantity every sizing limit allows, and the binding rule.
    a, m, s, equity = account, o.market_index, o.strategy_index, account.equity
    same_side = o.position_qty * sign > 0.0
    base = abs(o.position_qty) if same_side else 0.0  # quantity already held on this side
    freed = reduce_qty * unit  # exposure a flip releases before it opens the other side
    room, reason = add_qty, _APPROVED
    room, reason = _scope_rooms(
        room, reason, rules.limits_global, equity, unit, base, a.gross, freed,
        _R_MAX_LEVERAGE_GLOBAL, _R_EXPOSURE_CAP,
    )  # fmt: skip
    if m >= 0:
        room, reason = _scope_rooms(
            room, reason, rules.limits_market[m], equity, unit, base, a.market_gross[m], freed,
            _R_MAX_LEVERAGE_MARKET, _R_MARKET_EXPOSURE,
        )  # fmt: skip
        room, reason = _tighter(
            room,
            reason,
            (a.market_budget[m] - a.market_gross[m] + freed) / unit,
            _R_MARKET_ALLOCATION,
        )
    if s >= 0:
        room, reason = _scope_rooms(
            room, reason, rules.limits_strategy[s], equity, unit, base, a.strategy_gross[s],
            freed,
            _R_MAX_LEVERAGE_STRATEGY, _R_STRATEGY_EXPOSURE,
        )  # fmt: skip
    room, reason = _tighter(
        room,
        reason,
        (rules.limits_global[_CORRELATED] * equity - o.corr_exposure) / unit - base,
        _R_CORRELATION_CONCENTRATION,
    )
    if sign > 0.0:
        room, reason = _tighter(room, reason, o.cash_qty, _R_INSUFFICIENT_CASH)
    return room, reason
