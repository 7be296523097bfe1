"""Macro regime forecasting: walk-forward recession probability plus cross-asset regimes.

Modules: `features` (monthly drivers and their timing), `model` (recession logit),
`scores` (cross-asset regime scores and composition), `baselines` (yield-curve and
Sahm rules), `implications` (what each regime means for trading), `forecaster`.
"""

from tradewind.intelligence.macro.baselines import SAHM_THRESHOLD_PP, sahm_rule, yield_curve_rule
from tradewind.intelligence.macro.features import RECESSION_MODEL_FEATURES
from tradewind.intelligence.macro.forecaster import MacroRegimeForecaster
from tradewind.intelligence.macro.implications import (
    REGIME_IMPLICATIONS,
    RegimeImplications,
    implications_for,
)
from tradewind.intelligence.macro.model import RecessionFit, RecessionLogit

__all__ = [
    "RECESSION_MODEL_FEATURES",
    "REGIME_IMPLICATIONS",
    "SAHM_THRESHOLD_PP",
    "MacroRegimeForecaster",
    "RecessionFit",
    "RecessionLogit",
    "RegimeImplications",
    "implications_for",
    "sahm_rule",
    "yield_curve_rule",
]
