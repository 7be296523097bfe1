"""Signal aggregation: how several strategies' signals on one symbol become one target."""

from tradewind.signals.aggregate import (
    AggregatedSignals,
    AggregationMethod,
    AggregationRule,
    StrategySignals,
    aggregate,
    strategy_views,
)

__all__ = [
    "AggregatedSignals",
    "AggregationMethod",
    "AggregationRule",
    "StrategySignals",
    "aggregate",
    "strategy_views",
]
