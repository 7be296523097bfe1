"""Pre-trade risk: limits, the numba order check, trading state and time-of-day rules.

Imports only the domain. The engine kernel calls `check_order` and the ladder
functions on float64 vectors; paper/live use `RiskState` once per bar and persist it
with `to_dict()`.
"""

from tradewind.risk.check import check_order
from tradewind.risk.codes import ShutdownCode, StateCode
from tradewind.risk.daily import DailyReset
from tradewind.risk.errors import RiskConfigError
from tradewind.risk.hours import TradingHoursRule, trading_allowed, trading_hours_mask
from tradewind.risk.ladder import (
    N_STATE_FIELDS,
    StateField,
    apply_shutdown,
    initial_state_vector,
    manual_reset,
    refresh_effective,
    update_on_equity,
)
from tradewind.risk.limits import (
    N_LIMIT_FIELDS,
    GlobalRiskSettings,
    LimitField,
    RiskLimits,
    ScopeRiskSettings,
    build_limits,
    limits_vector,
)
from tradewind.risk.reasons import RiskAction, RiskReason, risk_action
from tradewind.risk.state import RiskEvent, RiskState, ShutdownOrder, decode_events

__all__ = [
    "N_LIMIT_FIELDS",
    "N_STATE_FIELDS",
    "DailyReset",
    "GlobalRiskSettings",
    "LimitField",
    "RiskAction",
    "RiskConfigError",
    "RiskEvent",
    "RiskLimits",
    "RiskReason",
    "RiskState",
    "ScopeRiskSettings",
    "ShutdownCode",
    "ShutdownOrder",
    "StateCode",
    "StateField",
    "TradingHoursRule",
    "apply_shutdown",
    "build_limits",
    "check_order",
    "decode_events",
    "initial_state_vector",
    "limits_vector",
    "manual_reset",
    "refresh_effective",
    "risk_action",
    "trading_allowed",
    "trading_hours_mask",
    "update_on_equity",
]
