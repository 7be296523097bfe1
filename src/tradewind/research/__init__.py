"""Results of runs: performance statistics, per-group attribution, HTML report, progress.

Imports numpy, numba, Jinja2 and rich, plus `tradewind.domain`; nothing above it.
"""

from tradewind.research.groups import GroupPerformance, group_pnl_curve, stats_by_group
from tradewind.research.metrics import (
    DrawdownStats,
    MetricsError,
    annual_volatility,
    cagr,
    calmar,
    drawdown_series,
    infer_periods_per_year,
    max_drawdown,
    sharpe,
    simple_returns,
    sortino,
    total_return,
)
from tradewind.research.progress import run_progress
from tradewind.research.report import write_html_report
from tradewind.research.stats import PerformanceStats, compute_stats
from tradewind.research.trades import (
    OPEN_TS,
    Exposure,
    TradeArrays,
    Turnover,
    exposure,
    profit_factor,
    turnover,
    win_rate,
)

__all__ = [
    "OPEN_TS",
    "DrawdownStats",
    "Exposure",
    "GroupPerformance",
    "MetricsError",
    "PerformanceStats",
    "TradeArrays",
    "Turnover",
    "annual_volatility",
    "cagr",
    "calmar",
    "compute_stats",
    "drawdown_series",
    "exposure",
    "group_pnl_curve",
    "infer_periods_per_year",
    "max_drawdown",
    "profit_factor",
    "run_progress",
    "sharpe",
    "simple_returns",
    "sortino",
    "stats_by_group",
    "total_return",
    "turnover",
    "win_rate",
    "write_html_report",
]
