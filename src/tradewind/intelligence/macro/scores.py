"""Cross-asset regime scores and how they combine with the recession probability.

Each driver is standardized against its own history up to the decision month
(expanding mean and standard deviation, at least `MIN_HISTORY_MONTHS` months, clipped to
±`Z_CLIP`), so no later data moves a score. A regime's score is the mean of its signed
components (`REGIME_COMPONENTS`); a component lists interchangeable drivers in order of
preference (the timelier market series first, the FRED series as fallback) and uses the
first one known that month. A regime with no usable component scores 0 ("typical").

Composition: when the recession model has a fit, P(RECESSION) is its probability and
the remaining mass is split over the other five regimes by a softmax of their scores
(temperature 1: one standardized unit of score = e-fold odds). When it abstains (no
macro data or labels), RECESSION joins the softmax with its own score components and the
distribution is uncalibrated; the forecaster says so in its output.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tradewind.domain.regimes import MacroRegime

__all__ = [
    "MIN_HISTORY_MONTHS",
    "REGIME_COMPONENTS",
    "REGIME_ORDER",
    "Z_CLIP",
    "compose_probabilities",
    "regime_scores",
    "standardize",
]

MIN_HISTORY_MONTHS = 24
Z_CLIP = 3.0

REGIME_ORDER: tuple[MacroRegime, ...] = tuple(MacroRegime)

_Component = tuple[float, tuple[str, ...]]

_RISK_APPETITE: tuple[_Component, ...] = (
    (1.0, ("equity_6m_pct",)),
    (1.0, ("equity_drawdown_pct",)),
    (-1.0, ("volatility_level", "equity_vol_pct")),
    (-1.0, ("credit_spread_chg6_pp",)),
    (-1.0, ("financial_stress",)),
    (1.0, ("crypto_3m_pct",)),
)

REGIME_COMPONENTS: Mapping[MacroRegime, tuple[_Component, ...]] = {
    MacroRegime.RISK_ON: _RISK_APPETITE,
    MacroRegime.RISK_OFF: (
        *((-sign, names) for sign, names in _RISK_APPETITE),
        (1.0, ("market_usd_6m_pct", "usd_6m_pct")),
    ),
    MacroRegime.INFLATION: (
        (1.0, ("inflation_gap_pp",)),
        (1.0, ("commodities_6m_pct", "oil_6m_pct")),
        (1.0, ("yields_chg6_pp", "gs10_chg6_pp")),
    ),
    MacroRegime.DEFLATION: (
        (-1.0, ("inflation_gap_pp",)),
        (-1.0, ("cpi_yoy_pct",)),
        (-1.0, ("commodities_6m_pct", "oil_6m_pct")),
        (-1.0, ("yields_chg6_pp", "gs10_chg6_pp")),
    ),
    MacroRegime.GROWTH: (
        (1.0, ("payrolls_6m_pct",)),
        (1.0, ("indpro_6m_pct",)),
        (1.0, ("market_term_spread_pp", "term_spread_pp")),
        (1.0, ("equity_6m_pct",)),
    ),
    MacroRegime.RECESSION: (
        (1.0, ("sahm_gap_pp",)),
        (-1.0, ("market_term_spread_pp", "term_spread_min12_pp")),
        (-1.0, ("payrolls_6m_pct",)),
        (-1.0, ("indpro_6m_pct",)),
        (1.0, ("credit_spread_pp",)),
        (-1.0, ("equity_drawdown_pct",)),
    ),
}
"""Signed components of each regime's score; RECESSION's are used only without a fit."""


def standardize(drivers: pd.DataFrame) -> pd.DataFrame:
    """Expanding z-scores of each column, known at each row, clipped to ±`Z_CLIP`.

    NaN until a column has `MIN_HISTORY_MONTHS` values, and wherever it is NaN.
    """
    mean = drivers.expanding(min_periods=MIN_HISTORY_MONTHS).mean()
    std = drivers.expanding(min_periods=MIN_HISTORY_MONTHS).std()
    z = (drivers - mean) / std.where(std > 0)
    return z.clip(-Z_CLIP, Z_CLIP)


def _component(z: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    chosen = pd.Series(np.nan, index=z.index, dtype="float64")
    for name in names:
        if name in z.columns:
            chosen = chosen.fillna(z[name])
    return chosen


def regime_scores(z: pd.DataFrame) -> pd.DataFrame:
    """Score per regime (columns in `REGIME_ORDER`) per month; 0 where nothing is known."""
    scores: dict[str, pd.Series] = {}
    for regime in REGIME_ORDER:
        parts = pd.DataFrame(
            {
                i: sign * _component(z, names)
                for i, (sign, names) in enumerate(REGIME_COMPONENTS[regime])
            }
        )
        scores[regime.value] = parts.mean(axis=1, skipna=True).fillna(0.0)
    return pd.DataFrame(scores, index=z.index)


def compose_probabilities(scores: pd.DataFrame, recession: pd.Series) -> pd.DataFrame:
    """Regime probabilities per month (rows sum to 1), columns in `REGIME_ORDER`.

    `recession` holds the model's P(RECESSION) per month, NaN where it abstained.
    """
    names = [r.value for r in REGIME_ORDER]
    values = scores[names].to_numpy(dtype=np.float64)
    p_rec = recession.reindex(scores.index).to_numpy(dtype=np.float64, na_value=np.nan)
    rec_col = names.index(MacroRegime.RECESSION.value)
    fitted = ~np.isnan(p_rec)
    logits = values.copy()
    logits[fitted, rec_col] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    shares = weights / weights.sum(axis=1, keepdims=True)
    rest = np.where(fitted, 1.0 - p_rec, 1.0)[:, None]
    probabilities = shares * rest
    probabilities[fitted, rec_col] = p_rec[fitted]
    return pd.DataFrame(probabilities, index=scores.index, columns=names)
