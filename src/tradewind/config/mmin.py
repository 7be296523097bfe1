"""`mmin`: the multi-market intelligence engine (correlation, regimes, confirmation)."""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import Field, field_validator

from tradewind.config.fieldtypes import ConfigModel, Fraction
from tradewind.config.vocabulary import CaseInsensitiveEnum

__all__ = ["IntelligenceLevel", "MMINConfig", "MMINMode"]


class MMINMode(CaseInsensitiveEnum):
    CONSERVATIVE = "conservative"
    BALANCED = "balanced"
    ADAPTIVE = "adaptive"
    AGGRESSIVE = "aggressive"


class IntelligenceLevel(CaseInsensitiveEnum):
    """basic: correlation only; advanced: + regimes and lead-lag; god_mode: + transfer."""

    BASIC = "basic"
    ADVANCED = "advanced"
    GOD_MODE = "god_mode"


class MMINConfig(ConfigModel):
    """Multi-market intelligence settings."""

    enabled: bool = True
    mode: MMINMode = MMINMode.BALANCED
    intelligence_level: IntelligenceLevel = IntelligenceLevel.ADVANCED
    cross_market_signals_required: int = Field(
        0, ge=0, description="Other markets that must confirm a signal before it is acted on."
    )
    correlation_windows: list[Annotated[int, Field(ge=2)]] = Field(
        default_factory=lambda: [20, 50, 100, 200], min_length=1
    )
    correlation_threshold: Fraction = 0.7
    confirmation_window_bars: int = Field(
        50, ge=5, description="Trailing bars of the correlations that confirmation and risk use."
    )
    correlation_refresh_bars: int = Field(
        5, ge=1, description="How often (bars) the engine refreshes those correlations."
    )

    @field_validator("correlation_windows")
    @classmethod
    def _increasing(cls, windows: list[int]) -> list[int]:
        if any(a >= b for a, b in itertools.pairwise(windows)):
            raise ValueError(
                f"correlation windows {windows}: expected strictly increasing bar counts"
            )
        return windows
