"""Plain recession rules the macro model must beat, on the same timing as the model.

Both read FRED monthly values with the same publication lag as the model's drivers
(month `m` is used from decision month `m + 1` on; see `features`), and both give a
continuous score (for ROC AUC) and a firing flag (for detection lag and false alarms).
"""

from __future__ import annotations

import pandas as pd

from tradewind.intelligence.macro.features import macro_drivers
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["SAHM_THRESHOLD_PP", "sahm_rule", "yield_curve_rule"]

SAHM_THRESHOLD_PP = 0.50
"""Sahm (2019): the rule fires when the gap reaches half a percentage point."""

# FRED stores these series as float32, so a gap of exactly 0.50 pp can read 0.4999999.
_FLOAT32_TOLERANCE = 1e-6


def _needs(macro: pd.DataFrame | None, series: tuple[str, ...], rule: str) -> pd.DataFrame:
    columns = [] if macro is None else [c for c in macro.columns if str(c).upper() in series]
    missing = sorted(set(series) - {str(c).upper() for c in columns})
    if macro is None or missing:
        raise IntelligenceInputError(
            f"{rule} needs FRED series {', '.join(series)}; missing: {', '.join(missing)}"
        )
    return macro[columns]


def yield_curve_rule(macro: pd.DataFrame | None) -> pd.DataFrame:
    """Yield-curve rule by decision month: GS10 - TB3MS inverted in the last 12 months.

    Columns: `score` = minus the lowest 10y-3m spread (pp) of the 12 published months,
    so a deeper or more recent inversion scores higher; `fires` = that minimum < 0.
    `fires` is False (and `score` NaN) until 12 months of spreads are known.

    Raises:
        IntelligenceInputError: GS10 or TB3MS missing (the message names which).
    """
    drivers = macro_drivers(_needs(macro, ("GS10", "TB3MS"), "the yield-curve rule"))
    minimum = drivers["term_spread_min12_pp"]
    return pd.DataFrame({"score": -minimum, "fires": (minimum < 0).astype(bool)})


def sahm_rule(macro: pd.DataFrame | None, threshold_pp: float = SAHM_THRESHOLD_PP) -> pd.DataFrame:
    """Sahm-style rule by decision month on UNRATE.

    Columns: `score` = 3-month average unemployment minus its minimum over the prior 12
    months (pp); `fires` = score >= `threshold_pp` (0.50 by default).

    Raises:
        IntelligenceInputError: UNRATE missing.
    """
    drivers = macro_drivers(_needs(macro, ("UNRATE",), "the Sahm rule"))
    gap = drivers["sahm_gap_pp"]
    fires = (gap >= threshold_pp - _FLOAT32_TOLERANCE).astype(bool)
    return pd.DataFrame({"score": gap, "fires": fires})
