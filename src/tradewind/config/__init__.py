"""Configuration: YAML + `TRADEWIND_...` environment overrides, validated with pydantic.

`load_config(path)` returns a `TradewindConfig` or raises `ConfigError` listing every
problem with its field path and YAML line. Credentials live in `Secrets` (environment
or `.env` only). `default_template_text()` is the commented file `tradewind init` writes.
"""

from tradewind.config.aggregation import (
    AggregationMethod,
    AggregationOverride,
    SignalAggregationConfig,
)
from tradewind.config.capital import AllocationStrategy, CapitalConfig, FactorWeights
from tradewind.config.data import AlignmentConfig, AlignmentPolicy, DataConfig
from tradewind.config.errors import ConfigError, ConfigIssue
from tradewind.config.loader import (
    active_env_overrides,
    dump_config,
    load_config,
    load_config_text,
)
from tradewind.config.markets import MarketConfig
from tradewind.config.mmin import IntelligenceLevel, MMINConfig, MMINMode
from tradewind.config.model import TradewindConfig
from tradewind.config.risk import (
    DrawdownLadder,
    GlobalRiskConfig,
    RiskConfig,
    RiskLimits,
    ShutdownMode,
    TradingHoursRule,
    Weekday,
)
from tradewind.config.scaling import (
    AutonomousScalingConfig,
    CompoundingStrategy,
    RegimeAllocations,
)
from tradewind.config.secrets import Secrets, load_secrets
from tradewind.config.symbols import normalize_symbol
from tradewind.config.template import default_template_text, write_default_config
from tradewind.config.vocabulary import (
    BUILTIN_STRATEGIES,
    PROVIDER_MARKET_CLASSES,
    Provider,
    RunMode,
)

__all__ = [
    "BUILTIN_STRATEGIES",
    "PROVIDER_MARKET_CLASSES",
    "AggregationMethod",
    "AggregationOverride",
    "AlignmentConfig",
    "AlignmentPolicy",
    "AllocationStrategy",
    "AutonomousScalingConfig",
    "CapitalConfig",
    "CompoundingStrategy",
    "ConfigError",
    "ConfigIssue",
    "DataConfig",
    "DrawdownLadder",
    "FactorWeights",
    "GlobalRiskConfig",
    "IntelligenceLevel",
    "MMINConfig",
    "MMINMode",
    "MarketConfig",
    "Provider",
    "RegimeAllocations",
    "RiskConfig",
    "RiskLimits",
    "RunMode",
    "Secrets",
    "ShutdownMode",
    "SignalAggregationConfig",
    "TradewindConfig",
    "TradingHoursRule",
    "Weekday",
    "active_env_overrides",
    "default_template_text",
    "dump_config",
    "load_config",
    "load_config_text",
    "load_secrets",
    "normalize_symbol",
    "write_default_config",
]
