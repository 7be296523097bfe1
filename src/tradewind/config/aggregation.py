"""`signal_aggregation`: how the signals of several strategies on one market combine."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tradewind.config.fieldtypes import ConfigModel, StrategyName
from tradewind.config.vocabulary import CaseInsensitiveEnum

__all__ = ["AggregationMethod", "AggregationOverride", "SignalAggregationConfig"]

#: A strategy's vote weight (relative; any positive number).
Weight = Annotated[float, Field(gt=0)]


class AggregationMethod(CaseInsensitiveEnum):
    """CONSENSUS: act when at least `consensus_threshold` of the strategies agree;
    WEIGHTED: weighted vote by `weights` (else confidence); PRIORITY: the highest
    priority signal wins; INDEPENDENT: a separate position per strategy."""

    CONSENSUS = "CONSENSUS"
    WEIGHTED = "WEIGHTED"
    PRIORITY = "PRIORITY"
    INDEPENDENT = "INDEPENDENT"


class AggregationOverride(ConfigModel):
    """Per-market replacement of any aggregation setting; omitted values are inherited."""

    method: AggregationMethod | None = None
    consensus_threshold: float | None = Field(None, gt=0, le=1)
    weights: dict[StrategyName, Weight] | None = None
    priorities: dict[StrategyName, int] | None = None


class SignalAggregationConfig(ConfigModel):
    """Signal conflict resolution across strategies of a market."""

    method: AggregationMethod = AggregationMethod.CONSENSUS
    consensus_threshold: float = Field(
        0.6, gt=0, le=1, description="Share of a market's strategies that must agree (0 < x <= 1)."
    )
    weights: dict[StrategyName, Weight] = Field(default_factory=dict)
    priorities: dict[StrategyName, int] = Field(default_factory=dict)
    markets: dict[str, AggregationOverride] = Field(default_factory=dict)
