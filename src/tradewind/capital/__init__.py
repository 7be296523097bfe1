"""Capital: the global capital router (how much each market may use) and the
autonomous scaling engine (how large each position is), with every decision explained.

The names follow the source documents so their examples run as written::

    from tradewind.capital import get_autonomous_engine, MarketConditions, MarketRegime
    from tradewind.capital import GlobalCapitalRouter
"""

from tradewind.capital.router import (
    AllocationExplanation,
    GlobalCapitalRouter,
    MarketExplanation,
    RouterConfig,
    RouterInputError,
)
from tradewind.capital.scaling import (
    DEFAULT_MILESTONES,
    AutonomousScalingConfig,
    AutonomousScalingEngine,
    CapitalEngineConfig,
    CapitalScalingEngine,
    CompoundingStrategy,
    MarketConditions,
    MarketRegime,
    ParameterChange,
    ProtectionLevel,
    SizingDecision,
    SizingMethod,
    VolatilityState,
    get_autonomous_engine,
)
from tradewind.domain.capital import AllocationStrategy

__all__ = [
    "DEFAULT_MILESTONES",
    "AllocationExplanation",
    "AllocationStrategy",
    "AutonomousScalingConfig",
    "AutonomousScalingEngine",
    "CapitalEngineConfig",
    "CapitalScalingEngine",
    "CompoundingStrategy",
    "GlobalCapitalRouter",
    "MarketConditions",
    "MarketExplanation",
    "MarketRegime",
    "ParameterChange",
    "ProtectionLevel",
    "RouterConfig",
    "RouterInputError",
    "SizingDecision",
    "SizingMethod",
    "VolatilityState",
    "get_autonomous_engine",
]
