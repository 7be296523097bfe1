"""Each symbol's market conditions on the panel rows, for sizing decisions.

Conditions are measured on each symbol's own bars with `intelligence.conditions`
(causal: a bar's values use bars up to and including it) and held on the panel from the
row where that bar became visible until the next one. Added here: the trailing drift
(annualised mean log return, the "expected return" of the Sharpe step) and ATR as a
fraction of the close (for ATR sizing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.domain.regimes import MarketConditions, MarketRegime, VolatilityState
from tradewind.engine.panel import MarketPanel
from tradewind.intelligence.conditions import conditions_frame
from tradewind.strategies.api import BarWindow

__all__ = ["SymbolConditions", "symbol_conditions"]

_REGIMES = tuple(MarketRegime)
_STATES = tuple(VolatilityState)
_YEAR_SECONDS = 365.25 * 86_400
_ATR_BARS = 14


@dataclass(frozen=True, slots=True)
class SymbolConditions:
    """T x N arrays (NaN / -1 where a symbol lacks the history)."""

    volatility_pct: np.ndarray
    normal_volatility_pct: np.ndarray
    trend_strength: np.ndarray
    momentum_score: np.ndarray
    liquidity_score: np.ndarray
    regime: np.ndarray  # index into MarketRegime, -1 = unknown
    volatility_state: np.ndarray  # index into VolatilityState, -1 = unknown
    drift: np.ndarray  # annualised mean log return over the drift window (fraction)
    atr_fraction: np.ndarray  # average true range / close

    def at(self, t: int, n: int, symbol: str) -> MarketConditions | None:
        """The conditions of symbol `n` at row `t`, or None before they are measurable."""
        regime, state = int(self.regime[t, n]), int(self.volatility_state[t, n])
        if regime < 0 or state < 0:
            return None
        return MarketConditions(
            volatility_pct=float(self.volatility_pct[t, n]),
            trend_strength=float(self.trend_strength[t, n]),
            regime=_REGIMES[regime],
            volatility_state=_STATES[state],
            momentum_score=float(self.momentum_score[t, n]),
            liquidity_score=float(self.liquidity_score[t, n]),
            market=symbol,
            normal_volatility_pct=float(self.normal_volatility_pct[t, n]),
        )


def symbol_conditions(
    panel: MarketPanel, windows: Mapping[str, BarWindow], drift_bars: int = 60
) -> SymbolConditions:
    """Conditions of every panel symbol on every row (see the module docstring)."""
    n_rows, n_symbols = panel.shape
    blank = np.full((n_rows, n_symbols), np.nan)
    out = {name: blank.copy() for name in _FLOAT_FIELDS}
    regime = np.full((n_rows, n_symbols), -1, dtype=np.int8)
    state = np.full((n_rows, n_symbols), -1, dtype=np.int8)
    for n, symbol in enumerate(panel.symbols):
        rows = panel.bar_rows[symbol]
        window = windows[symbol]
        if len(rows) < 3 or np.isnan(window.close).any():
            continue
        per_bar = _per_bar(window, _periods_per_year(window.timestamp), drift_bars)
        owner = np.searchsorted(rows, np.arange(n_rows), side="right") - 1
        seen = owner >= 0
        for name in _FLOAT_FIELDS:
            out[name][seen, n] = per_bar[name][owner[seen]]
        regime[seen, n] = per_bar["regime"][owner[seen]]
        state[seen, n] = per_bar["volatility_state"][owner[seen]]
    return SymbolConditions(**out, regime=regime, volatility_state=state)


_CONDITION_FIELDS = (
    "volatility_pct", "normal_volatility_pct", "trend_strength", "momentum_score",
    "liquidity_score",
)  # fmt: skip
_FLOAT_FIELDS = (
    "volatility_pct", "normal_volatility_pct", "trend_strength", "momentum_score",
    "liquidity_score", "drift", "atr_fraction",
)  # fmt: skip


def _periods_per_year(timestamps: np.ndarray) -> float:
    span_s = (float(timestamps[-1]) - float(timestamps[0])) / 1e9
    return (len(timestamps) - 1) / (span_s / _YEAR_SECONDS) if span_s > 0 else 252.0


def _per_bar(window: BarWindow, periods_per_year: float, drift_bars: int) -> dict[str, np.ndarray]:
    bars = pd.DataFrame({"close": window.close, "volume": window.volume})
    if np.isnan(window.volume).all():
        bars = bars.drop(columns="volume")
    frame = conditions_frame(bars, periods_per_year)
    values = {name: frame[name].to_numpy(dtype=np.float64) for name in _CONDITION_FIELDS}
    values["regime"] = _codes(frame["regime"], _REGIMES)
    values["volatility_state"] = _codes(frame["volatility_state"], _STATES)
    log_close = np.log(window.close)
    drift = np.full(len(log_close), np.nan)
    if 0 < drift_bars < len(log_close):
        drift[drift_bars:] = (log_close[drift_bars:] - log_close[:-drift_bars]) / drift_bars
    values["drift"] = drift * periods_per_year
    values["atr_fraction"] = _atr_fraction(window)
    return values


def _codes(column: pd.Series, members: tuple[str, ...]) -> np.ndarray:
    """Index of each value in `members` (-1 where missing)."""
    codes = pd.Categorical(column.astype(object), categories=[str(m) for m in members]).codes
    return codes.astype(np.int8)


def _atr_fraction(window: BarWindow) -> np.ndarray:
    close = window.close
    high = np.where(np.isnan(window.high), close, window.high)
    low = np.where(np.isnan(window.low), close, window.low)
    previous = np.concatenate(([close[0]], close[:-1]))
    true_range = np.maximum(high, previous) - np.minimum(low, previous)
    atr = pd.Series(true_range).rolling(_ATR_BARS, min_periods=_ATR_BARS).mean().to_numpy()
    fraction: np.ndarray = atr / close
    return fraction
