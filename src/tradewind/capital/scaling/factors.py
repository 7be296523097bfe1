"""Pure sizing arithmetic: volatility leverage, Sharpe factor, Kelly and ATR base positions.

Units: volatilities and returns are annual FRACTIONS here (0.25 = 25%).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "MIN_VOLATILITY",
    "atr_notional",
    "clamp",
    "kelly_share",
    "sharpe_ratio",
    "volatility_leverage",
]

MIN_VOLATILITY = 1e-6
"""Volatility floor (fraction) that keeps ratios finite when a volatility reads 0."""


def clamp(value: float, low: float, high: float) -> float:
    """`value` limited to [low, high]."""
    return max(low, min(high, value))


def volatility_leverage(
    normal_volatility: float, current_volatility: float, sensitivity: float
) -> float:
    """Raw (unclamped) leverage `(normal / current) ** sensitivity`; both vols fractions.

    The current volatility is floored at `MIN_VOLATILITY`; the result is capped at 1e12
    so that it stays finite for any input.
    """
    ratio = normal_volatility / max(current_volatility, MIN_VOLATILITY)
    try:
        return min(float(ratio**sensitivity), 1e12)
    except OverflowError:
        return 1e12


def sharpe_ratio(expected_return: float, risk_free_rate: float, volatility: float) -> float:
    """`(expected_return - risk_free_rate) / volatility` (annual fractions; vol floored)."""
    return (expected_return - risk_free_rate) / max(volatility, MIN_VOLATILITY)


def kelly_share(
    net_pnl: np.ndarray, is_win: np.ndarray, kelly_fraction: float, max_share: float
) -> float:
    """Fractional Kelly share of capital from past trades, in [0, max_share].

    Full Kelly `f = p - (1 - p) / b`, with `p` the share of winning trades (`is_win`)
    and `b` = mean |net P&L| of wins / mean |net P&L| of losses (no losses, or losses of
    size zero: `f = p`). Returns `clip(f * kelly_fraction, 0, max_share)`; 0 for no trades.
    """
    wins = np.asarray(is_win, dtype=bool)
    pnl = np.abs(np.asarray(net_pnl, dtype=np.float64))
    if wins.size == 0:
        return 0.0
    p = float(wins.mean())
    avg_loss = float(pnl[~wins].mean()) if (~wins).any() else 0.0
    avg_win = float(pnl[wins].mean()) if wins.any() else 0.0
    if avg_loss <= 0.0:
        full = p
    elif avg_win <= 0.0:
        full = -math.inf
    else:
        full = p - (1.0 - p) / (avg_win / avg_loss)
    return clamp(full * kelly_fraction, 0.0, max_share)


def atr_notional(capital: float, risk_pct: float, stop_multiple: float, atr_pct: float) -> float:
    """Notional that loses `risk_pct * capital` if price moves `stop_multiple` ATRs.

    `atr_pct` is ATR / price (a fraction, > 0): notional = risk * capital / (k * atr_pct).
    """
    return risk_pct * capital / (stop_multiple * atr_pct)
