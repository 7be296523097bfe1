"""Strategies: small causal signal functions over bar arrays, and the built-ins.

See `tradewind.strategies.api` for how to write one, `registry` for finding them by name
and `lookahead` for the causality check every strategy must pass.
"""

from tradewind.strategies.api import (
    FLAT,
    LONG,
    SHORT,
    BarSignal,
    BarWindow,
    LookAheadError,
    OnBarHandler,
    ParamInfo,
    SignalArrays,
    SignalFunction,
    Strategy,
    StrategyConfig,
    StrategyError,
    StrategySpec,
    parse_assignments,
    run_on_bar,
    to_signals,
)
from tradewind.strategies.lookahead import (
    CausalityReport,
    Violation,
    check_causality,
    require_causal,
)
from tradewind.strategies.registry import available, builtin_names, get_strategy

__all__ = [
    "FLAT",
    "LONG",
    "SHORT",
    "BarSignal",
    "BarWindow",
    "CausalityReport",
    "LookAheadError",
    "OnBarHandler",
    "ParamInfo",
    "SignalArrays",
    "SignalFunction",
    "Strategy",
    "StrategyConfig",
    "StrategyError",
    "StrategySpec",
    "Violation",
    "available",
    "builtin_names",
    "check_causality",
    "get_strategy",
    "parse_assignments",
    "require_causal",
    "run_on_bar",
    "to_signals",
]
