"""Trading states enforced by risk, and the shutdown modes that lead to them."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ShutdownMode", "TradingState"]


class TradingState(StrEnum):
    """What orders risk lets through (per market or globally)."""

    ACTIVE = "active"
    """Everything allowed: new entries, adds, reductions and exits."""
    REDUCING = "reducing"
    """Only orders that reduce or close existing positions; no new entries or adds."""
    HALTED = "halted"
    """No new entries or adds; only protective exits and flattening (reductions) pass.
    A FREEZE shutdown, not a trading state, stops even those."""

    @property
    def allows_new_entries(self) -> bool:
        """Whether orders that open or increase a position are allowed."""
        return self is TradingState.ACTIVE

    @property
    def allows_reductions(self) -> bool:
        """Whether orders that reduce or close a position are allowed (in every state;
        only a FREEZE shutdown blocks them)."""
        return True


class ShutdownMode(StrEnum):
    """How to stop trading (emergency stop, drawdown ladder, operator command)."""

    SOFT = "soft"
    """No new entries; open positions keep being managed to their normal exits."""
    HARD = "hard"
    """Cancel all working orders and flatten every position, then halt."""
    FREEZE = "freeze"
    """Stop everything at once (no orders, no cancels); only a manual restart resumes."""

    @property
    def resulting_state(self) -> TradingState:
        """The trading state once the shutdown is in force."""
        return TradingState.REDUCING if self is ShutdownMode.SOFT else TradingState.HALTED

    @property
    def cancels_open_orders(self) -> bool:
        """Whether working orders are canceled."""
        return self is ShutdownMode.HARD

    @property
    def flattens_positions(self) -> bool:
        """Whether open positions are closed at market."""
        return self is ShutdownMode.HARD

    @property
    def requires_manual_restart(self) -> bool:
        """Whether only an operator can resume trading."""
        return self is ShutdownMode.FREEZE
