"""Profit compounding: how much of realised profit becomes tradeable capital.

Tradeable capital = base capital + the reinvested share of every net profit - every
net loss in full. The rest of each profit is preserved (set aside, never sized with).
Net P&L of a trade is `profit - fees`. Tradeable capital never goes below zero.

Adaptive compounding moves the reinvested share with the recent win rate
(`adapted_reinvest_share`).
"""

from __future__ import annotations

from tradewind.capital.scaling._checks import check_finite, check_range

__all__ = ["CompoundingLedger", "adapted_reinvest_share"]


class CompoundingLedger:
    """Running totals of realised profit split into reinvested and preserved."""

    def __init__(self, base_capital: float, reinvest_share: float) -> None:
        self._base = base_capital
        self._share = check_range("reinvest_share", reinvest_share, 0.0, 1.0)
        self._reinvested = 0.0
        self._preserved = 0.0
        self._gross_profit = 0.0
        self._fees = 0.0

    @property
    def reinvest_share(self) -> float:
        """Share of each future net profit added to tradeable capital, in [0, 1]."""
        return self._share

    @reinvest_share.setter
    def reinvest_share(self, share: float) -> None:
        self._share = check_range("reinvest_share", share, 0.0, 1.0)

    @property
    def tradeable_capital(self) -> float:
        """Base + reinvested profits - losses, floored at zero (account currency)."""
        return max(0.0, self._base + self._reinvested)

    @property
    def preserved_profit(self) -> float:
        """Profit set aside (the part of each net profit not reinvested)."""
        return self._preserved

    @property
    def net_profit(self) -> float:
        """Realised profit minus fees over all recorded trades."""
        return self._gross_profit - self._fees

    @property
    def fees(self) -> float:
        """Fees paid over all recorded trades."""
        return self._fees

    def record(self, profit: float, fees: float) -> float:
        """Book one trade's gross `profit` and `fees`; returns its net P&L."""
        profit = check_finite("profit", profit)
        fees = check_finite("fees", fees)
        net = profit - fees
        self._gross_profit += profit
        self._fees += fees
        if net > 0:
            self._reinvested += net * self._share
            self._preserved += net * (1.0 - self._share)
        else:
            self._reinvested += net
        return net


def adapted_reinvest_share(
    share: float,
    win_rate: float,
    *,
    increase_above: float,
    decrease_below: float,
    step: float,
    floor: float,
    cap: float,
) -> float:
    """The reinvest share after one adaptive step.

    Up by `step` (to at most `cap`) when `win_rate > increase_above`; down by `step` (to
    at least `floor`) when `win_rate < decrease_below`; unchanged in between. A share
    already outside [floor, cap] only moves toward that range.
    """
    if win_rate > increase_above:
        return max(share, min(cap, share + step))
    if win_rate < decrease_below:
        return min(share, max(floor, share - step))
    return share
