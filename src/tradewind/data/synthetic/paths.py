"""Drawing one symbol's path (returns, then OHLCV) from a market plan.

Model of the log close-to-close return of symbol i at bar t of its calendar grid:

    z_t   = a_i(t) * f_t + sqrt(1 - a_i(t)^2) * e_t        (f: group factor, e: own shock)
    h_t   = (1 - alpha - beta) + alpha * (sqrt(h_{t-1}) z_{t-1})^2 + beta * h_{t-1}
    r_t   = mu_k * s_i / bars_per_year + sigma_i * m_k * sqrt(h_t) * c_i * z_t
            [+ beta_i * r_leader_{t - lag}   for followers]

with k the master regime of the bar (`mu_k` drift, `m_k` vol multiplier), `s_i` the
class regime sensitivity, `sigma_i` the per-bar vol and `c_i = sqrt(1 - corr^2)` for
followers (1 otherwise). Each symbol draws from its own seeded stream, so a symbol's
path does not depend on which other symbols are generated with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numba import njit

from tradewind.data.synthetic.plan import (
    STREAM_FACTOR,
    STREAM_SYMBOL,
    MarketPlan,
    SymbolPlan,
    rng_for,
)
from tradewind.data.synthetic.spec import REGIME_PARAMS

__all__ = ["PathContext", "garch_scale", "symbol_frame", "symbol_returns"]

_GAP_FRACTION = 0.1  # open = previous close moved by 10% of a bar's typical move
_WICK_FRACTION = 0.5
_VOLUME_NOISE = 0.35

_DRIFT = np.array([p.drift_annual for p in REGIME_PARAMS])
_VOL_MULT = np.array([p.vol_multiplier for p in REGIME_PARAMS])


@njit(cache=True)
def garch_scale(z: np.ndarray, alpha: float, beta: float) -> np.ndarray:  # pragma: no cover - jit
    """sqrt(h_t) of a GARCH(1,1) with unconditional variance 1 driven by shocks `z`."""
    n = z.shape[0]
    out = np.empty(n)
    omega = 1.0 - alpha - beta
    h = 1.0
    for t in range(n):
        s = math.sqrt(h)
        out[t] = s
        eps = s * z[t]
        h = omega + alpha * eps * eps + beta * h
    return out


@dataclass(slots=True)
class PathContext:
    """A plan plus the per-calendar factor shocks (drawn once, reused by every symbol)."""

    plan: MarketPlan
    _factors: dict[str, np.ndarray] = field(default_factory=dict)

    def factor(self, calendar: str) -> np.ndarray:
        shocks = self._factors.get(calendar)
        if shocks is None:
            n = len(self.plan.grids[calendar])
            rng = rng_for(self.plan.spec, STREAM_FACTOR, self.plan.group_index(calendar))
            shocks = rng.standard_normal(n)
            self._factors[calendar] = shocks
        return shocks


@dataclass(frozen=True, slots=True)
class _Draws:
    own: np.ndarray
    gap: np.ndarray
    wick_high: np.ndarray
    wick_low: np.ndarray
    volume: np.ndarray


def _draws(ctx: PathContext, sym: SymbolPlan) -> _Draws:
    n = len(ctx.plan.grids[sym.calendar])
    rng = rng_for(ctx.plan.spec, STREAM_SYMBOL, sym.index)
    block = rng.standard_normal((5, n))
    return _Draws(block[0], block[1], block[2], block[3], block[4])


def _shock(ctx: PathContext, sym: SymbolPlan, own: np.ndarray) -> np.ndarray:
    if sym.role == "factor":
        return ctx.factor(sym.calendar).copy()
    if sym.role in ("leader", "follower"):
        return own
    loading = np.full(own.shape[0], sym.loading)
    if sym.break_bar >= 0:
        loading[sym.break_bar :] = sym.loading_after
    shock: np.ndarray = loading * ctx.factor(sym.calendar) + np.sqrt(1.0 - loading**2) * own
    return shock


def _returns(ctx: PathContext, sym: SymbolPlan, draws: _Draws) -> tuple[np.ndarray, np.ndarray]:
    """Log returns and the per-bar scale (sigma * m_k * sqrt(h_t)) of one symbol."""
    spec = ctx.plan.spec
    z = _shock(ctx, sym, draws.own)
    regime = ctx.plan.regime_index[ctx.plan.grids[sym.calendar].master_bar]
    scale = sym.bar_vol * _VOL_MULT[regime] * garch_scale(z, spec.garch_alpha, spec.garch_beta)
    returns = _DRIFT[regime] * sym.drift_per_bar + sym.noise_scale * scale * z
    if sym.leader >= 0:
        leader = ctx.plan.symbols[sym.leader]
        lead_returns, _ = _returns(ctx, leader, _draws(ctx, leader))
        returns[sym.lag :] += sym.beta * lead_returns[: returns.shape[0] - sym.lag]
    return returns, scale


def symbol_returns(ctx: PathContext, index: int) -> np.ndarray:
    """Log close-to-close returns of symbol `index` (the first is from the start price)."""
    sym = ctx.plan.symbols[index]
    return _returns(ctx, sym, _draws(ctx, sym))[0]


def symbol_frame(ctx: PathContext, index: int) -> pd.DataFrame:
    """The normalized bar frame of symbol `index` (float64 OHLCV, UTC times).

    `open` is the previous close moved by a small gap (the start price for bar 0),
    `high`/`low` extend past the open/close by half-normal wicks, volume is positive
    and rises with the size of the bar's shock and the regime's volatility.
    """
    sym = ctx.plan.symbols[index]
    grid = ctx.plan.grids[sym.calendar]
    draws = _draws(ctx, sym)
    returns, scale = _returns(ctx, sym, draws)
    close = sym.start_price * np.exp(np.cumsum(returns))
    previous = np.empty_like(close)
    previous[0] = sym.start_price
    previous[1:] = close[:-1]
    open_ = previous * np.exp(_GAP_FRACTION * scale * draws.gap)
    high = np.maximum(open_, close) * np.exp(_WICK_FRACTION * scale * np.abs(draws.wick_high))
    low = np.minimum(open_, close) * np.exp(-_WICK_FRACTION * scale * np.abs(draws.wick_low))
    regime = ctx.plan.regime_index[grid.master_bar]
    surprise = np.abs(returns) / scale
    volume = sym.volume_level * _VOL_MULT[regime] * np.exp(_VOLUME_NOISE * draws.volume)
    volume = np.maximum(np.round(volume * (0.5 + surprise)), 1.0)
    return pd.DataFrame(
        {
            "timestamp": _utc_times(grid.timestamp),
            "close_time": _utc_times(grid.close_time),
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": volume,
        }
    )


def _utc_times(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC")
