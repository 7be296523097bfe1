"""Typed results of `MMINEngine.analyze_markets` (frozen; `serialize.result_to_json`
turns any of them into plain JSON with the same keys as the field names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from tradewind.capital.router import AllocationExplanation

__all__ = [
    "AnalysisResult",
    "CapitalAllocation",
    "Clusters",
    "Correlations",
    "DataQuality",
    "LeadLagRow",
    "MarketSignal",
    "PatternMatch",
    "RouteRow",
]


@dataclass(frozen=True, slots=True)
class Correlations:
    """Rolling correlation matrices per window (bars) and what is read from them."""

    windows: list[int]
    matrices: Mapping[int, pd.DataFrame]
    signal_window: int
    """The window (closest to 50 bars) the signals, clusters and heatmap use."""
    pairs: list[dict[str, Any]]
    regime: dict[str, Any] | None
    breakdowns: list[dict[str, Any]]
    diversification: float
    average_correlation: pd.Series

    @property
    def signal_matrix(self) -> pd.DataFrame:
        return self.matrices[self.signal_window]


@dataclass(frozen=True, slots=True)
class Clusters:
    """Hierarchical clusters of the signal-window matrix: label per symbol, leaf order."""

    labels: Mapping[str, int]
    order: list[str]
    linkage: Any = None


@dataclass(frozen=True, slots=True)
class LeadLagRow:
    """A significant lead-lag pair (Benjamini-Hochberg q-value), lag in bars."""

    leader: str
    follower: str
    lag: int
    correlation: float
    q_value: float
    cross_market: bool


@dataclass(frozen=True, slots=True)
class MarketSignal:
    """A signal at the latest bar with its cross-market confirmation."""

    symbol: str
    source: Literal["trend", "lead_lag"]
    direction: Literal["long", "short"]
    sign: int
    confidence: float
    leader: str | None
    market: str = ""
    agreeing_markets: int = 0
    confirmed: bool = False
    adjusted_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """God mode: how a symbol's current state matches learned patterns."""

    symbol: str
    market: str
    matches: int
    from_other_markets: int
    other_markets_weight: float
    expected_direction: Literal["up", "down", "none"]
    confidence: float
    nearest_similarity: float


@dataclass(frozen=True, slots=True)
class RouteRow:
    """A transfer route's measured out-of-sample lift (`confidence` 0 until significant)."""

    route: str
    trials: int
    hit_rate: float
    baseline_hit_rate: float
    lift: float
    ci_low: float
    ci_high: float
    significant: bool
    confidence: float


@dataclass(frozen=True, slots=True)
class CapitalAllocation:
    """The capital router's split across market classes (percent of total capital)."""

    method: str
    weights_pct: Mapping[str, float]
    cash_pct: float
    explanation: AllocationExplanation | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class DataQuality:
    """What was collected: symbols, mean calendar coverage (percent), dropped symbols."""

    symbols: int
    mean_coverage_pct: float | None
    dropped: Mapping[str, str]
    per_symbol: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """One `analyze_markets` run. `macro_regime`/`macro_timeline` are None and
    `lead_lag` empty at the basic level; `patterns` is empty below god_mode."""

    as_of: pd.Timestamp
    rows: int
    intelligence_level: str
    mode: str
    universe: Mapping[str, list[str]]
    correlations: Correlations
    clusters: Clusters
    market_conditions: pd.DataFrame
    lead_lag: list[LeadLagRow]
    macro_regime: dict[str, Any] | None
    macro_timeline: pd.DataFrame | None
    patterns: list[PatternMatch]
    transfer_routes: list[RouteRow]
    signals: list[MarketSignal]
    capital_allocation: CapitalAllocation
    timings_s: Mapping[str, float]
    data_quality: DataQuality | None = None
    cross_market_signals_required: int = 0
