"""Autonomous scaling engine: compounding, drawdown protection, milestones, and position
sizing from volatility, market regime and expected Sharpe, with real-time optimization.

Quick start (the scaling document's example)::

    engine = get_autonomous_engine(base_capital=10000.0, compounding_strategy="moderate")
    engine.update_market_conditions(MarketConditions(25.0, 0.7, MarketRegime.BULL_TRENDING,
                                                     VolatilityState.NORMAL, 0.6, 0.9))
    size = engine.get_optimal_position_size(10000.0, expected_return=0.15, volatility=0.25)
    engine.record_trade(profit=150.0, fees=5.0, is_win=True, new_capital=10145.0)
    engine.get_quick_summary()

`size_position` returns the same size as a `SizingDecision` with every factor.
"""

from tradewind.capital.scaling.capital_engine import CapitalScalingEngine
from tradewind.capital.scaling.config import (
    DEFAULT_MILESTONES,
    DEFAULT_REGIME_ALLOCATIONS,
    DEFAULT_REINVEST_SHARES,
    AutonomousScalingConfig,
    CapitalEngineConfig,
    SizingMethod,
)
from tradewind.capital.scaling.engine import AutonomousScalingEngine, get_autonomous_engine
from tradewind.capital.scaling.milestones import MilestoneReached, milestone_label
from tradewind.capital.scaling.optimizer import (
    ChangeStatus,
    LiveParameters,
    ParameterChange,
    ParameterOptimizer,
)
from tradewind.capital.scaling.protection import (
    PROTECTION_MULTIPLIERS,
    ProtectionLevel,
    protection_level_for,
)
from tradewind.capital.scaling.sizing import SizingDecision
from tradewind.capital.scaling.trades import TradeRecord
from tradewind.domain.capital import CompoundingStrategy
from tradewind.domain.regimes import MarketConditions, MarketRegime, VolatilityState

__all__ = [
    "DEFAULT_MILESTONES",
    "DEFAULT_REGIME_ALLOCATIONS",
    "DEFAULT_REINVEST_SHARES",
    "PROTECTION_MULTIPLIERS",
    "AutonomousScalingConfig",
    "AutonomousScalingEngine",
    "CapitalEngineConfig",
    "CapitalScalingEngine",
    "ChangeStatus",
    "CompoundingStrategy",
    "LiveParameters",
    "MarketConditions",
    "MarketRegime",
    "MilestoneReached",
    "ParameterChange",
    "ParameterOptimizer",
    "ProtectionLevel",
    "SizingDecision",
    "SizingMethod",
    "TradeRecord",
    "VolatilityState",
    "get_autonomous_engine",
    "milestone_label",
    "protection_level_for",
]
