"""Market scores (ADAPTIVE/AGGRESSIVE) and the single-opportunity score.

Each factor is mapped onto [0, 1] before weighting, so the weights mean what they say:
- Sharpe: `clip(sharpe / sharpe_full_score, 0, 1)` (3.0 scores 1 by default);
- win rate: as is;
- profit factor: `clip((pf - 1) / (profit_factor_full_score - 1), 0, 1)` (break-even 0);
- opportunity count: `n / (n + opportunity_half_count)`, saturating (5 setups score 0.5);
- correlation diversity: `1 - mean |corr|` to the other markets (0.5 when unknown).
The weighted sum is multiplied by the macro regime preference of the market's class
and floored at `min_score`, so every market keeps a positive share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from tradewind.capital.router.config import FACTOR_NAMES, RouterConfig
from tradewind.capital.router.errors import RouterInputError
from tradewind.capital.router.inputs import MetricsTable, correlation_diversity
from tradewind.domain.regimes import MacroRegime

__all__ = ["MarketScores", "score_markets", "score_opportunity"]


@dataclass(frozen=True, slots=True)
class MarketScores:
    """Per-market factor inputs, normalised factor scores, regime multiplier and score.

    `factor_values` holds the inputs (`mean_abs_correlation` for the diversity factor,
    NaN when unknown); `factor_scores` holds the [0, 1] scores keyed by `FACTOR_NAMES`.
    """

    factor_values: Mapping[str, np.ndarray]
    factor_scores: Mapping[str, np.ndarray]
    regime_multiplier: np.ndarray
    score: np.ndarray


def score_markets(
    table: MetricsTable,
    correlations: pd.DataFrame | None,
    regime: MacroRegime | None,
    config: RouterConfig,
) -> MarketScores:
    """Score every market of `table` (vectorized across markets).

    Raises:
        RouterInputError: the correlation matrix is malformed (see `correlation_diversity`).
    """
    diversity, mean_abs = correlation_diversity(table.markets, correlations)
    # An infinite profit factor saturates at 1 instead of producing NaN below.
    profit_factor = np.minimum(table.profit_factor, 1e12)
    factor_scores = {
        "sharpe": np.clip(table.sharpe_ratio / config.sharpe_full_score, 0.0, 1.0),
        "win_rate": table.win_rate.copy(),
        "profit_factor": np.clip(
            (profit_factor - 1.0) / (config.profit_factor_full_score - 1.0), 0.0, 1.0
        ),
        "opportunity_count": table.opportunity_count
        / (table.opportunity_count + config.opportunity_half_count),
        "correlation_diversity": np.clip(diversity, 0.0, 1.0),
    }
    weights = np.array([config.factor_weights[name] for name in FACTOR_NAMES])
    stacked = np.vstack([factor_scores[name] for name in FACTOR_NAMES]) if len(table) else None
    weighted = weights @ stacked if stacked is not None else np.zeros(0)
    multiplier = np.array(
        [config.regime_multiplier(market, regime) for market in table.markets], dtype=np.float64
    )
    factor_values = {
        "sharpe_ratio": table.sharpe_ratio,
        "win_rate": table.win_rate,
        "profit_factor": table.profit_factor,
        "opportunity_count": table.opportunity_count,
        "mean_abs_correlation": mean_abs,
    }
    return MarketScores(
        factor_values=factor_values,
        factor_scores=factor_scores,
        regime_multiplier=multiplier,
        score=np.maximum(weighted * multiplier, config.min_score),
    )


_OPPORTUNITY_DEFAULTS = {
    "technical_setup": 0.5,
    "regime_alignment": 0.5,
    "correlation_support": 0.5,
    "volume_profile": 0.5,
    "risk_reward_ratio": 1.0,
}


def score_opportunity(opportunity: Mapping[str, object], config: RouterConfig) -> float:
    """Score one trading opportunity in [0, 1].

    `technical_setup`, `regime_alignment`, `correlation_support` and `volume_profile`
    are fractions in [0, 1] (missing: 0.5); `risk_reward_ratio` is reward over risk
    (>= 0, missing: 1.0), scored `clip(rr / risk_reward_full_score, 0, 1)`. The result
    is their weighted sum with `config.opportunity_weights`; it never decreases when a
    factor increases. Other keys are ignored.

    Raises:
        RouterInputError: a factor is not a number, is NaN, or is out of its range.
    """
    if not isinstance(opportunity, Mapping):
        raise RouterInputError(
            f"opportunity {type(opportunity).__name__}: expected a mapping of factors"
        )
    total = 0.0
    for key, default in _OPPORTUNITY_DEFAULTS.items():
        value = _opportunity_value(key, opportunity.get(key, default))
        if key == "risk_reward_ratio":
            value = min(value / config.risk_reward_full_score, 1.0)
        total += config.opportunity_weights[key] * value
    return min(max(total, 0.0), 1.0)


def _opportunity_value(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or np.isnan(float(value)):
        raise RouterInputError(f"opportunity[{key!r}] {value!r}: expected a number")
    number = float(value)
    if key == "risk_reward_ratio":
        if number < 0.0:
            raise RouterInputError(f"opportunity['risk_reward_ratio'] {number:g}: expected >= 0")
        return number
    if not 0.0 <= number <= 1.0:
        raise RouterInputError(f"opportunity[{key!r}] {number:g}: expected a fraction in [0, 1]")
    return number
