"""`GlobalCapitalRouter`: how much of total capital each market may use.

Keeps the API of the source document's router (`calculate_allocation`,
`score_opportunity`, `suggest_rebalance`, `get_allocation_stats`) with bounds that
hold after fitting (see `constraints`) and an explanation of every run in
`last_explanation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from tradewind.capital.router import rebalance, scoring, strategies
from tradewind.capital.router.config import RouterConfig, parse_macro_regime
from tradewind.capital.router.constraints import Bound, project_shares
from tradewind.capital.router.errors import RouterInputError
from tradewind.capital.router.explanation import AllocationExplanation, MarketExplanation
from tradewind.capital.router.inputs import MetricsTable, parse_market_metrics
from tradewind.capital.router.portfolio import portfolio_weights
from tradewind.capital.router.scoring import MarketScores
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.regimes import MacroRegime

__all__ = ["GlobalCapitalRouter"]

MarketMetrics = Mapping[str, Mapping[str, Any]]


class GlobalCapitalRouter:
    """Splits capital across markets with one `AllocationStrategy`.

    FIXED uses the configured shares as they are (sum <= 1; not forced into the bounds).
    Every other strategy fits its raw shares into [min_allocation, max_allocation] per
    funded market, summing to 1 when `n * min <= 1 <= n * max` (with `n * max < 1` the
    rest stays unallocated). AGGRESSIVE funds only the top `top_n` markets by score;
    the others get 0 and the minimum applies to funded markets only. RISK_PARITY and HRP
    fall back to BALANCED when the return history is too short (see `portfolio`).

    Args:
        config: a `RouterConfig`, a plain mapping for `RouterConfig.from_mapping`, or
            None for the defaults (ADAPTIVE, 5%..50% per market).

    Raises:
        RouterInputError: the mapping is not a valid configuration.
    """

    def __init__(self, config: RouterConfig | Mapping[str, Any] | None = None) -> None:
        if config is None:
            config = RouterConfig()
        elif not isinstance(config, RouterConfig):
            config = RouterConfig.from_mapping(config)
        self._config = config
        self.current_allocation: dict[str, float] = {}
        self.market_performance: dict[str, dict[str, Any]] = {}
        self.last_explanation: AllocationExplanation | None = None

    @property
    def config(self) -> RouterConfig:
        """The validated configuration."""
        return self._config

    @property
    def strategy(self) -> AllocationStrategy:
        """The configured allocation strategy."""
        return self._config.strategy

    @property
    def min_allocation(self) -> float:
        """Smallest share of a funded market (fraction)."""
        return self._config.min_allocation

    @property
    def max_allocation(self) -> float:
        """Largest share of any market (fraction)."""
        return self._config.max_allocation

    def calculate_allocation(
        self,
        market_metrics: MarketMetrics,
        correlations: pd.DataFrame | None = None,
        macro_regime: MacroRegime | str | None = None,
        total_capital: float = 100_000.0,
    ) -> dict[str, float]:
        """Capital (currency) per market, for every market of `market_metrics`.

        Args:
            market_metrics: `{market: {"sharpe_ratio", "win_rate", "profit_factor",
                "opportunity_count", "returns"?}}`; missing keys are neutral (Sharpe 0,
                win rate 0.5, profit factor 1, no opportunities); `returns` (Series or
                1-D array of periodic returns) feeds RISK_PARITY and HRP.
            correlations: market x market correlation DataFrame, or None.
            macro_regime: a `MacroRegime`, its value in any case, or None.
            total_capital: capital to split (currency, >= 0).

        Returns:
            market -> amount (`share * total_capital`; 0 for unfunded markets). The
            shares and the reasons are in `last_explanation`.

        Raises:
            RouterInputError: a bad metric, correlation, regime or capital (the message
                names market and key), or more funded markets than the minimum allows.
        """
        capital = _capital(total_capital)
        explanation = self._allocate(market_metrics, correlations, macro_regime, capital)
        allocation = {r.market: r.final_share * capital for r in explanation.markets}
        self.current_allocation = dict(allocation)
        return allocation

    def allocation_fractions(
        self,
        market_metrics: MarketMetrics,
        correlations: pd.DataFrame | None = None,
        macro_regime: MacroRegime | str | None = None,
    ) -> dict[str, float]:
        """Share of total capital (fraction) per market; like `calculate_allocation`.

        Raises:
            RouterInputError: as `calculate_allocation`.
        """
        explanation = self._allocate(market_metrics, correlations, macro_regime, 1.0)
        return {r.market: r.final_share for r in explanation.markets}

    def score_opportunity(self, opportunity: Mapping[str, object]) -> float:
        """Score one trading opportunity in [0, 1] (see `scoring.score_opportunity`).

        Raises:
            RouterInputError: a factor is not a number or out of range.
        """
        return scoring.score_opportunity(opportunity, self._config)

    def suggest_rebalance(
        self,
        current: Mapping[str, float],
        target: Mapping[str, float],
        threshold: float | None = None,
    ) -> dict[str, float]:
        """Signed currency moves (+ add, - remove) for markets that drifted at least
        `threshold` (fraction of the larger of current and target; default
        `config.rebalance_threshold`, 0.05).

        Raises:
            RouterInputError: a bad threshold or amount.
        """
        limit = self._config.rebalance_threshold if threshold is None else threshold
        return rebalance.suggest_rebalance(current, target, limit)

    def update_market_performance(self, market: str, metrics: Mapping[str, Any]) -> None:
        """Record the latest metrics of `market` (reported by `get_allocation_stats`).

        Raises:
            RouterInputError: the metrics are invalid (as in `calculate_allocation`).
        """
        parse_market_metrics({market: metrics})
        self.market_performance[market] = dict(metrics)

    def get_allocation_stats(self) -> dict[str, Any]:
        """Current allocation, strategy, tracked markets and the last explanation."""
        explanation = self.last_explanation
        return {
            "current_allocation": dict(self.current_allocation),
            "strategy": self._config.strategy.value,
            "min_allocation": self._config.min_allocation,
            "max_allocation": self._config.max_allocation,
            "total_markets": len(self.market_performance),
            "performance_metrics": {m: dict(v) for m, v in self.market_performance.items()},
            "last_explanation": None if explanation is None else explanation.to_dict(),
        }

    def _allocate(
        self,
        market_metrics: MarketMetrics,
        correlations: pd.DataFrame | None,
        macro_regime: MacroRegime | str | None,
        total_capital: float,
    ) -> AllocationExplanation:
        config = self._config
        table = parse_market_metrics(market_metrics)
        regime = parse_macro_regime(macro_regime)
        scores = scoring.score_markets(table, correlations, regime, config)
        plan = _raw_shares(table, scores, config)
        bounds: tuple[Bound | None, ...]
        if plan.applied is AllocationStrategy.FIXED:
            final, bounds = plan.raw.copy(), (None,) * len(table)
        else:
            projected = project_shares(plan.raw, config.min_allocation, config.max_allocation)
            final, bounds = projected.shares, projected.bounds
        explanation = AllocationExplanation(
            requested_strategy=config.strategy,
            applied_strategy=plan.applied,
            macro_regime=regime,
            total_capital=total_capital,
            markets=_records(table, scores, plan.raw, final, bounds),
            unallocated_share=max(0.0, 1.0 - float(final.sum())),
            fallback_reason=plan.fallback_reason,
            notes=plan.notes,
        )
        self.last_explanation = explanation
        return explanation


@dataclass(frozen=True, slots=True)
class _RawPlan:
    raw: np.ndarray
    applied: AllocationStrategy
    fallback_reason: str | None = None
    notes: tuple[str, ...] = ()


def _raw_shares(table: MetricsTable, scores: MarketScores, config: RouterConfig) -> _RawPlan:
    strategy = config.strategy
    if strategy is AllocationStrategy.FIXED:
        raw = strategies.fixed_raw(table.markets, config.fixed_allocation)
        return _RawPlan(raw, strategy, notes=_unlisted_fixed_markets(table, config))
    if strategy is AllocationStrategy.ADAPTIVE:
        return _RawPlan(strategies.adaptive_raw(scores.score), strategy)
    if strategy is AllocationStrategy.AGGRESSIVE:
        return _RawPlan(strategies.aggressive_raw(scores.score, config.top_shares), strategy)
    if strategy is AllocationStrategy.BALANCED:
        return _RawPlan(strategies.balanced_raw(len(table)), strategy)
    fitted = portfolio_weights(table, strategy, config.min_history)
    if fitted.weights is None:
        return _RawPlan(
            strategies.balanced_raw(len(table)),
            AllocationStrategy.BALANCED,
            fitted.fallback_reason,
            fitted.warnings,
        )
    fit_note = f"{strategy} fitted on {fitted.rows} common return rows"
    return _RawPlan(fitted.weights, strategy, None, (*fitted.warnings, fit_note))


def _records(
    table: MetricsTable,
    scores: MarketScores,
    raw: np.ndarray,
    final: np.ndarray,
    bounds: tuple[Bound | None, ...],
) -> tuple[MarketExplanation, ...]:
    return tuple(
        MarketExplanation(
            market=market,
            factors={k: float(v[i]) for k, v in scores.factor_values.items()},
            factor_scores={k: float(v[i]) for k, v in scores.factor_scores.items()},
            regime_multiplier=float(scores.regime_multiplier[i]),
            score=float(scores.score[i]),
            raw_share=float(raw[i]),
            final_share=float(final[i]),
            bound=bounds[i],
        )
        for i, market in enumerate(table.markets)
    )


def _unlisted_fixed_markets(table: MetricsTable, config: RouterConfig) -> tuple[str, ...]:
    absent = [m for m in config.fixed_allocation if m not in table.markets]
    if not absent:
        return ()
    return (f"FIXED shares of {', '.join(absent)} stay unallocated (not in market_metrics)",)


def _capital(total_capital: float) -> float:
    if isinstance(total_capital, bool) or not isinstance(total_capital, Real):
        raise RouterInputError(f"total_capital {total_capital!r}: expected an amount >= 0")
    value = float(total_capital)
    if not (math.isfinite(value) and value >= 0.0):
        raise RouterInputError(f"total_capital {value!r}: expected a finite amount >= 0")
    return value
