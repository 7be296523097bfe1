"""How the report shows statistics and trades: labels, units, number formats, downsampling."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tradewind.research.metrics import NS_PER_DAY, FloatArray, IntArray
from tradewind.research.stats import PerformanceStats, format_ts
from tradewind.research.trades import TradeArrays

__all__ = [
    "GROUP_COLUMNS",
    "OVERALL_ROWS",
    "chart_series",
    "format_value",
    "stat_cells",
    "trade_rows",
]

Kind = Literal["pct", "ratio", "money", "count", "date", "days", "number"]

OVERALL_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("start_ts", "Start", "date"),
    ("end_ts", "End", "date"),
    ("bars", "Equity points", "count"),
    ("start_equity", "Starting equity", "money"),
    ("final_equity", "Final equity", "money"),
    ("total_return", "Total return", "pct"),
    ("cagr", "CAGR", "pct"),
    ("volatility", "Volatility (annual)", "pct"),
    ("sharpe", "Sharpe", "ratio"),
    ("sortino", "Sortino", "ratio"),
    ("calmar", "Calmar", "ratio"),
    ("max_drawdown", "Max drawdown", "pct"),
    ("max_drawdown_peak_ts", "Max drawdown peak", "date"),
    ("max_drawdown_trough_ts", "Max drawdown trough", "date"),
    ("max_drawdown_recovery_ts", "Max drawdown recovery", "date"),
    ("max_drawdown_duration_bars", "Max drawdown length (points)", "count"),
    ("longest_drawdown_days", "Longest drawdown (days)", "days"),
    ("trades", "Closed trades", "count"),
    ("open_trades", "Positions open at the end", "count"),
    ("entries", "Entry fills", "count"),
    ("exits", "Exit fills", "count"),
    ("wins", "Wins (closed trades)", "count"),
    ("losses", "Losses (closed trades)", "count"),
    ("win_rate", "Win rate (closed trades)", "pct"),
    ("profit_factor", "Profit factor (closed trades)", "ratio"),
    ("gross_profit", "Gross profit (closed trades)", "money"),
    ("gross_loss", "Gross loss (closed trades)", "money"),
    ("average_trade_pnl", "Average P&L per closed trade", "money"),
    ("time_in_market", "Time in market", "pct"),
    ("average_gross_exposure", "Average gross exposure / equity", "ratio"),
    ("turnover_total", "Turnover (total, x equity)", "ratio"),
    ("turnover_annual", "Turnover (per year, x equity)", "ratio"),
    ("periods_per_year", "Periods per year", "number"),
    ("risk_free_rate", "Risk-free rate", "pct"),
)

GROUP_COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("total_return", "Return", "pct"),
    ("cagr", "CAGR", "pct"),
    ("sharpe", "Sharpe", "ratio"),
    ("sortino", "Sortino", "ratio"),
    ("calmar", "Calmar", "ratio"),
    ("max_drawdown", "Max DD", "pct"),
    ("trades", "Closed trades", "count"),
    ("open_trades", "Open", "count"),
    ("win_rate", "Win rate", "pct"),
    ("profit_factor", "Profit factor", "ratio"),
    ("time_in_market", "In market", "pct"),
    ("turnover_annual", "Turnover/yr", "ratio"),
)


def format_value(value: Any, kind: Kind) -> str:
    """Display text of one statistic: NaN/None -> "n/a", inf -> "∞"."""
    if value is None:
        return "n/a"
    if kind == "date":
        return format_ts(int(value)).replace("T00:00:00Z", "").replace("T", " ")
    if kind == "count":
        return f"{int(value):,}"
    number = float(value)
    if math.isnan(number):
        return "n/a"
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if kind == "pct":
        return f"{number * 100:.2f}%"
    if kind == "money":
        return f"{number:,.2f}"
    if kind == "days":
        return f"{number:,.1f}"
    if kind == "number":
        return f"{number:g}"
    return f"{number:.2f}"


def stat_cells(stats: PerformanceStats, spec: Sequence[tuple[str, str, Kind]]) -> list[str]:
    """The formatted values of `stats` for each (field, label, kind) of `spec`."""
    return [format_value(getattr(stats, field), kind) for field, _, kind in spec]


def chart_series(
    timestamps_ns: npt.ArrayLike, values: npt.ArrayLike, max_points: int, *, scale: float = 1.0
) -> dict[str, list[float]]:
    """`{"t": seconds, "v": values * scale}` for a chart, at most ~`max_points` points.

    Longer series keep, per bucket of consecutive points, the lowest and the highest
    point (in time order), so drawdown troughs and equity peaks survive. Points that
    share a second keep the last one (the charts need strictly increasing times).
    """
    ts = np.asarray(timestamps_ns).astype(np.int64, copy=False)
    vals = np.asarray(values, dtype=np.float64)
    if ts.shape != vals.shape or ts.ndim != 1:
        raise ValueError(f"chart series: timestamps {ts.shape} and values {vals.shape} differ")
    rows = _extreme_rows(vals, max_points)
    seconds = ts[rows] // 1_000_000_000
    last_of_second = np.append(seconds[1:] != seconds[:-1], True)
    rows, seconds = rows[last_of_second], seconds[last_of_second]
    scaled = vals[rows] * scale
    return {"t": seconds.tolist(), "v": np.where(np.isfinite(scaled), scaled, 0.0).tolist()}


def _extreme_rows(values: FloatArray, max_points: int) -> IntArray:
    size = values.size
    if size <= max_points:
        return np.arange(size, dtype=np.int64)
    bucket = -(-size // max(max_points // 2, 1))
    n_buckets = -(-size // bucket)
    padded = np.full(n_buckets * bucket, np.nan)
    padded[:size] = values
    grid = padded.reshape(n_buckets, bucket)
    starts = np.arange(n_buckets, dtype=np.int64) * bucket
    low = starts + np.nanargmin(grid, axis=1)
    high = starts + np.nanargmax(grid, axis=1)
    rows = np.unique(np.concatenate([low, high, [0, size - 1]]))
    return rows.astype(np.int64)


def trade_rows(
    trades: TradeArrays,
    limit: int,
    *,
    symbol_names: Sequence[str] | None = None,
    market_names: Sequence[str] | None = None,
    strategy_names: Sequence[str] | None = None,
) -> list[dict[str, str]]:
    """The first `limit` trades as display rows (names instead of indices where given)."""
    rows: list[dict[str, str]] = []
    for k in range(min(limit, len(trades))):
        closed = int(trades.exit_ts[k]) != int(np.iinfo(np.int64).min)
        qty = float(trades.qty[k])
        rows.append(
            {
                "number": f"{k + 1}",
                "symbol": _name(symbol_names, int(trades.symbol[k])),
                "market": _name(market_names, int(trades.market[k])),
                "strategies": _strategies(strategy_names, int(trades.strategy[k])),
                "side": "long" if qty > 0 else "short",
                "qty": f"{abs(qty):,.6g}",
                "entry_time": _time(int(trades.entry_ts[k])),
                "entry_price": f"{trades.entry_price[k]:,.6g}",
                "exit_time": _time(int(trades.exit_ts[k])) if closed else "open",
                "exit_price": f"{trades.exit_price[k]:,.6g}" if closed else "",
                "pnl": f"{trades.pnl[k]:,.2f}",
                "commission": f"{trades.commission[k]:,.2f}",
                "pnl_sign": "pos" if trades.pnl[k] > 0 else "neg" if trades.pnl[k] < 0 else "",
            }
        )
    return rows


def open_position_rows(positions: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Positions open at the end (`RunResults.open_positions`) as display rows."""
    return [
        {
            "symbol": str(p["symbol"]),
            "market": str(p["market"]),
            "strategies": ", ".join(p["strategies"]),
            "side": str(p["side"]),
            "qty": f"{abs(p['qty']):,.6g}",
            "entry_time": str(p["entry_time"])[:19].replace("T", " ").removesuffix(" 00:00:00"),
            "entry_price": f"{p['entry_price']:,.6g}",
            "mark_price": f"{p['mark_price']:,.6g}",
            "unrealized_pnl": f"{p['unrealized_pnl']:,.2f}",
            "pnl_sign": _sign_class(p["unrealized_pnl"]),
        }
        for p in positions
    ]


def _sign_class(value: float) -> str:
    return "pos" if value > 0 else "neg" if value < 0 else ""


def _time(ts_ns: int) -> str:
    text = format_ts(ts_ns)
    return text[:10] if ts_ns % NS_PER_DAY == 0 else text.replace("T", " ").rstrip("Z")


def _name(names: Sequence[str] | None, index: int) -> str:
    if names is not None and 0 <= index < len(names):
        return names[index]
    return str(index)


def _strategies(names: Sequence[str] | None, mask: int) -> str:
    bits = [bit for bit in range(63) if mask >> bit & 1]
    return ", ".join(_name(names, bit) for bit in bits) if bits else "-"
