"""Why the router allocated what it did: one record per market plus the run's context.

The lead journals and reports these, so `to_dict` gives plain JSON-ready values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tradewind.capital.router.constraints import Bound
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.regimes import MacroRegime

__all__ = ["AllocationExplanation", "MarketExplanation"]


@dataclass(frozen=True, slots=True)
class MarketExplanation:
    """One market's allocation, step by step.

    Attributes:
        market: market name as the caller gave it.
        factors: factor inputs (`sharpe_ratio`, `win_rate`, `profit_factor`,
            `opportunity_count`, `mean_abs_correlation` (NaN when unknown)).
        factor_scores: the factors mapped onto [0, 1], keyed by `FACTOR_NAMES`.
        regime_multiplier: macro regime preference applied to the score (1.0: none).
        score: final market score (weighted factors x regime multiplier, floored).
        raw_share: share the strategy asked for, before the bounds (fraction).
        final_share: share allocated (fraction of total capital).
        bound: "min" or "max" when that bound set the final share, else None.
    """

    market: str
    factors: Mapping[str, float]
    factor_scores: Mapping[str, float]
    regime_multiplier: float
    score: float
    raw_share: float
    final_share: float
    bound: Bound | None

    def to_dict(self) -> dict[str, Any]:
        """Plain values (NaN becomes None)."""
        return {
            "market": self.market,
            "factors": {k: _plain(v) for k, v in self.factors.items()},
            "factor_scores": {k: _plain(v) for k, v in self.factor_scores.items()},
            "regime_multiplier": self.regime_multiplier,
            "score": self.score,
            "raw_share": self.raw_share,
            "final_share": self.final_share,
            "bound": self.bound,
        }


@dataclass(frozen=True, slots=True)
class AllocationExplanation:
    """One `calculate_allocation` run.

    Attributes:
        requested_strategy: the configured strategy.
        applied_strategy: the strategy that produced the shares (BALANCED after a
            RISK_PARITY/HRP fallback).
        macro_regime: the regime the scores were adjusted for, if any.
        total_capital: capital split (currency).
        markets: one record per market, in the caller's order.
        unallocated_share: share left as cash (fraction).
        fallback_reason: why RISK_PARITY/HRP fell back to BALANCED, else None.
        notes: other remarks (skfolio warnings, history rows used).
    """

    requested_strategy: AllocationStrategy
    applied_strategy: AllocationStrategy
    macro_regime: MacroRegime | None
    total_capital: float
    markets: tuple[MarketExplanation, ...]
    unallocated_share: float
    fallback_reason: str | None = None
    notes: tuple[str, ...] = ()

    def market(self, name: str) -> MarketExplanation:
        """The record of market `name`.

        Raises:
            KeyError: no market of that name was allocated.
        """
        for record in self.markets:
            if record.market == name:
                return record
        raise KeyError(f"no allocation record for market {name!r}")

    def by_market(self) -> dict[str, dict[str, Any]]:
        """Market -> its record as plain values (`MarketExplanation.to_dict`)."""
        return {record.market: record.to_dict() for record in self.markets}

    def to_dict(self) -> dict[str, Any]:
        """Plain values for journals and reports."""
        return {
            "requested_strategy": self.requested_strategy.value,
            "applied_strategy": self.applied_strategy.value,
            "macro_regime": None if self.macro_regime is None else self.macro_regime.value,
            "total_capital": self.total_capital,
            "unallocated_share": self.unallocated_share,
            "fallback_reason": self.fallback_reason,
            "notes": list(self.notes),
            "markets": [record.to_dict() for record in self.markets],
        }


def _plain(value: float) -> float | None:
    return None if math.isnan(value) else value
