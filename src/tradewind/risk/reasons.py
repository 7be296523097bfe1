"""Reason codes of risk decisions and risk-state events, shared with the journal.

Every denial or reduction of an order carries one `RiskReason`; so does every change
of the trading state. Codes are small integers so the numba kernel can return them,
and stable: the journal stores the integer, so never renumber a member.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["RiskAction", "RiskReason", "risk_action"]


class RiskReason(IntEnum):
    """Why risk approved, cut or denied an order, or changed the trading state."""

    APPROVED = 0
    # -- size and exposure limits (an entry is cut to fit, or denied) ----------------
    MAX_POSITION_PCT = 1
    MAX_POSITION_ABS = 2
    MAX_LEVERAGE_GLOBAL = 3
    MAX_LEVERAGE_MARKET = 4
    MAX_LEVERAGE_STRATEGY = 5
    MAX_OPEN_GLOBAL = 6
    MAX_OPEN_MARKET = 7
    MAX_OPEN_STRATEGY = 8
    EXPOSURE_CAP = 9
    MARKET_EXPOSURE = 10
    STRATEGY_EXPOSURE = 11
    MARKET_ALLOCATION = 12
    CORRELATION_CONCENTRATION = 13
    # -- trading state ---------------------------------------------------------------
    DRAWDOWN_WARN = 14
    DRAWDOWN_REDUCING = 15
    DRAWDOWN_HALT = 16
    DRAWDOWN_RECOVERED = 17
    DAILY_LOSS = 18
    DAILY_RESET = 19
    SHUTDOWN_SOFT = 20
    SHUTDOWN_HARD = 21
    FROZEN = 22
    MANUAL_RESET = 23
    REDUCING = 24
    HALTED = 25
    # -- when and what may trade -----------------------------------------------------
    OUTSIDE_TRADING_HOURS = 26
    MARKET_CLOSED = 27
    MARKET_DISABLED = 28
    BELOW_LOT = 29
    BELOW_MIN_NOTIONAL = 30
    INVALID_ORDER = 31
    # -- what the account can pay for ------------------------------------------------
    INSUFFICIENT_CASH = 32
    SHORT_NOT_ALLOWED = 33

    @property
    def text(self) -> str:
        """One human sentence saying what the code means."""
        return _TEXT[self]


_R = RiskReason
_TEXT: dict[RiskReason, str] = {
    _R.APPROVED: "approved as requested",
    _R.MAX_POSITION_PCT: "position would exceed the maximum position size in % of equity",
    _R.MAX_POSITION_ABS: "position would exceed the maximum position size in currency",
    _R.MAX_LEVERAGE_GLOBAL: "gross exposure would exceed the account's maximum leverage",
    _R.MAX_LEVERAGE_MARKET: "the market's exposure would exceed its maximum leverage",
    _R.MAX_LEVERAGE_STRATEGY: "the strategy's exposure would exceed its maximum leverage",
    _R.MAX_OPEN_GLOBAL: "the account already holds the maximum number of open positions",
    _R.MAX_OPEN_MARKET: "the market already holds its maximum number of open positions",
    _R.MAX_OPEN_STRATEGY: "the strategy already holds its maximum number of open positions",
    _R.EXPOSURE_CAP: "gross exposure would exceed the global exposure cap",
    _R.MARKET_EXPOSURE: "the market's exposure would exceed its exposure cap",
    _R.STRATEGY_EXPOSURE: "the strategy's exposure would exceed its exposure cap",
    _R.MARKET_ALLOCATION: "the market's exposure would exceed its capital allocation",
    _R.CORRELATION_CONCENTRATION: (
        "exposure to positions correlated with this one would exceed the concentration limit"
    ),
    _R.DRAWDOWN_WARN: "drawdown reached the warning level of the ladder",
    _R.DRAWDOWN_REDUCING: "drawdown reached the reduce level: only orders that reduce exposure",
    _R.DRAWDOWN_HALT: "drawdown reached the maximum: new entries paused until a manual reset",
    _R.DRAWDOWN_RECOVERED: "drawdown fell back below the warning level: trading resumes",
    _R.DAILY_LOSS: "the daily loss limit was reached: new entries paused until the next reset",
    _R.DAILY_RESET: "a new trading day started: the daily loss budget is restored",
    _R.SHUTDOWN_SOFT: "soft shutdown: no new entries, open positions are managed to their exits",
    _R.SHUTDOWN_HARD: "hard shutdown: working orders canceled, positions flattened, halted",
    _R.FROZEN: "frozen: nothing is sent until an operator resets",
    _R.MANUAL_RESET: "an operator reset the risk state: trading resumes",
    _R.REDUCING: "trading state REDUCING: only orders that reduce exposure",
    _R.HALTED: "trading state HALTED: only orders that reduce exposure",
    _R.OUTSIDE_TRADING_HOURS: "new entries are not allowed at this time of day",
    _R.MARKET_CLOSED: "the market is closed",
    _R.MARKET_DISABLED: "the market is disabled: no new entries, open positions are managed",
    _R.BELOW_LOT: "the quantity that fits is below one lot (or was rounded down to the lot)",
    _R.BELOW_MIN_NOTIONAL: "the order value is below the instrument's minimum notional",
    _R.INVALID_ORDER: "the order or the account values are not usable numbers",
    _R.INSUFFICIENT_CASH: (
        "a cash account cannot pay for more: the order was cut to the cash available"
    ),
    _R.SHORT_NOT_ALLOWED: "a cash account cannot sell short (configure a margin account)",
}


class RiskAction(IntEnum):
    """What risk did with an order."""

    APPROVE = 0
    """Let through unchanged."""
    REDUCE = 1
    """Let through with a smaller quantity."""
    DENY = 2
    """Refused."""


def risk_action(requested_qty: float, approved_qty: float) -> RiskAction:
    """The action a `check_order` result amounts to (quantities unsigned)."""
    if approved_qty <= 0.0:
        return RiskAction.DENY
    if approved_qty < requested_qty:
        return RiskAction.REDUCE
    return RiskAction.APPROVE
