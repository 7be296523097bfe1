"""The per-symbol records of a synthetic market plan: the draft and the final plan."""

from __future__ import annotations

from dataclasses import dataclass

from tradewind.domain.market import MarketClass, QuoteType

__all__ = ["SymbolDraft", "SymbolPlan"]


@dataclass(frozen=True, slots=True)
class SymbolPlan:
    """Everything needed to draw one symbol's path. `leader`/`break_bar` are -1 when unused."""

    index: int
    symbol: str
    market: MarketClass
    calendar: str
    quote_type: QuoteType
    role: str
    annual_vol: float
    bar_vol: float
    loading: float
    loading_after: float
    break_bar: int
    leader: int
    lag: int
    beta: float
    noise_scale: float
    drift_per_bar: float
    start_price: float
    volume_level: float


@dataclass(slots=True)
class SymbolDraft:
    """A symbol while the plan is being drawn: roles, leaders and breaks are filled in."""

    market: MarketClass
    symbol: str
    calendar: str
    annual_vol: float
    loading: float
    start_price: float
    volume_level: float
    role: str = "plain"
    loading_after: float = 0.0
    break_bar: int = -1
    leader: int = -1
    lag: int = 0
    corr: float = 0.0
