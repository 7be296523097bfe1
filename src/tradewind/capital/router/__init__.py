"""Global capital router: splits total capital across markets (FIXED, BALANCED, ADAPTIVE,
AGGRESSIVE, RISK_PARITY, HRP) within per-market bounds, and explains every split.

Example:
    >>> router = GlobalCapitalRouter()
    >>> allocation = router.calculate_allocation(
    ...     {"crypto": {"sharpe_ratio": 2.1, "opportunity_count": 8},
    ...      "equities": {"sharpe_ratio": 1.8, "opportunity_count": 12},
    ...      "forex": {"sharpe_ratio": 1.2, "opportunity_count": 3}},
    ...     macro_regime="growth",
    ...     total_capital=100_000.0,
    ... )
    >>> allocation["forex"] < min(allocation["crypto"], allocation["equities"])
    True
"""

from __future__ import annotations

from tradewind.capital.router.config import (
    DEFAULT_FACTOR_WEIGHTS,
    DEFAULT_OPPORTUNITY_WEIGHTS,
    DEFAULT_REGIME_PREFERENCES,
    FACTOR_NAMES,
    OPPORTUNITY_FACTORS,
    RouterConfig,
)
from tradewind.capital.router.constraints import project_shares
from tradewind.capital.router.errors import RouterInputError
from tradewind.capital.router.explanation import AllocationExplanation, MarketExplanation
from tradewind.capital.router.inputs import NEUTRAL_METRICS
from tradewind.capital.router.router import GlobalCapitalRouter

__all__ = [
    "DEFAULT_FACTOR_WEIGHTS",
    "DEFAULT_OPPORTUNITY_WEIGHTS",
    "DEFAULT_REGIME_PREFERENCES",
    "FACTOR_NAMES",
    "NEUTRAL_METRICS",
    "OPPORTUNITY_FACTORS",
    "AllocationExplanation",
    "GlobalCapitalRouter",
    "MarketExplanation",
    "RouterConfig",
    "RouterInputError",
    "project_shares",
]
