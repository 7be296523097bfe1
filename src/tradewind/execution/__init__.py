"""Execution models shared by the simulated venue and the backtest kernel (numba).

Fill prices of market, limit and stop orders against a bar, protective stop-loss /
take-profit exits, commissions, slippage and float rounding. Imports only the domain.
"""

from tradewind.execution.costs import (
    apply_slippage,
    commission,
    commission_params,
    round_down_to_lot,
    round_to_tick,
)
from tradewind.execution.fills import (
    EXIT_NONE,
    EXIT_STOP_LOSS,
    EXIT_TAKE_PROFIT,
    exit_on_bar,
    limit_fill,
    market_fill_price,
    protective_stop_fill,
    stop_fill,
    take_profit_fill,
)
from tradewind.execution.models import (
    N_COMMISSION_PARAMS,
    CommissionModel,
    CommissionParam,
    FillModel,
)

__all__ = [
    "EXIT_NONE",
    "EXIT_STOP_LOSS",
    "EXIT_TAKE_PROFIT",
    "N_COMMISSION_PARAMS",
    "CommissionModel",
    "CommissionParam",
    "FillModel",
    "apply_slippage",
    "commission",
    "commission_params",
    "exit_on_bar",
    "limit_fill",
    "market_fill_price",
    "protective_stop_fill",
    "round_down_to_lot",
    "round_to_tick",
    "stop_fill",
    "take_profit_fill",
]
