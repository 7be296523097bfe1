"""`PerformanceStats`: every result statistic of a run, computed in one pass over arrays.

The definitions live in `metrics` (returns, drawdowns, annualization) and `trades`
(win rate, profit factor, exposure, turnover); this module only assembles them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from tradewind.research import metrics as m
from tradewind.research.trades import (
    TradeArrays,
    bar_index,
    exposure,
    profit_factor,
    turnover,
    turnover_from_total,
    win_rate,
)

__all__ = ["PerformanceStats", "compute_stats", "format_ts"]


@dataclass(frozen=True, slots=True)
class PerformanceStats:
    """Statistics of one equity curve and its trades (see `metrics` and `trades` for rules).

    Fractions are plain (0.12 = 12%); drawdowns are <= 0; ratios are annualized with
    `periods_per_year`; timestamps are int64 ns UTC (None when undefined); durations of
    drawdowns are in equity points and days. Exposure and turnover are NaN when neither
    per-point arrays nor trades were given to compute them from.

    Trade statistics are defined on closed trades: `trades` counts closed round trips,
    and wins, losses, win rate, profit factor, gross profit/loss and average trade P&L
    use only them; `open_trades` counts the positions still open at the end (their
    mark-to-market P&L is in the equity curve, not in the trade statistics).
    """

    bars: int
    start_ts: int
    end_ts: int
    periods_per_year: float
    risk_free_rate: float
    start_equity: float
    final_equity: float
    total_return: float
    cagr: float
    volatility: float
    sharpe: float
    sortino: float
    calmar: float
    max_drawdown: float
    max_drawdown_peak_ts: int | None
    max_drawdown_trough_ts: int | None
    max_drawdown_recovery_ts: int | None
    max_drawdown_duration_bars: int
    longest_drawdown_bars: int
    longest_drawdown_days: float
    trades: int
    entries: int
    exits: int
    open_trades: int
    wins: int
    losses: int
    win_rate: float
    profit_factor: float
    gross_profit: float
    gross_loss: float
    average_trade_pnl: float
    time_in_market: float
    average_gross_exposure: float
    turnover_total: float
    turnover_annual: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe dict: same keys, timestamps as ISO-8601 UTC strings.

        Rule for non-finite floats: NaN, inf and -inf become None (JSON null), and the
        extra key `non_finite` maps each such field to "nan", "inf" or "-inf" so that a
        profit factor of inf (no losing trade) stays distinguishable from NaN (no trade).
        """
        out: dict[str, Any] = {}
        non_finite: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name.endswith("_ts"):
                value = None if value is None else format_ts(value)
            elif isinstance(value, float) and not math.isfinite(value):
                non_finite[field.name] = "nan" if math.isnan(value) else str(value)
                value = None
            out[field.name] = value
        out["non_finite"] = non_finite
        return out


def format_ts(ts_ns: int) -> str:
    """ISO-8601 UTC of an int64 ns timestamp, to the second: `2018-12-31T00:00:00Z`."""
    return str(np.datetime_as_string(np.datetime64(int(ts_ns), "ns"), unit="s")) + "Z"


def compute_stats(
    timestamps_ns: npt.ArrayLike,
    equity: npt.ArrayLike,
    trades: TradeArrays | None = None,
    *,
    gross_exposure: npt.ArrayLike | None = None,
    traded_notional: npt.ArrayLike | float | None = None,
    periods_per_year: float | None = None,
    risk_free_rate: float = 0.0,
    entries: int | None = None,
    exits: int | None = None,
) -> PerformanceStats:
    """All statistics of an equity curve and its trades.

    Args:
        timestamps_ns: int64 ns UTC of each equity point, strictly increasing.
        equity: account equity per point (float64, finite, first point > 0).
        trades: round trips of the run; None = no trade statistics (counts 0, rates NaN).
        gross_exposure: per point sum of |position value|; None -> time in market from
            the trades' holding bars and average gross exposure NaN.
        traded_notional: per point (or total) two-sided traded notional; None -> from
            the trades' entry and exit notional (NaN without trades).
        periods_per_year: None -> `infer_periods_per_year(timestamps_ns)` (1 point: 252).
        risk_free_rate: annual, for Sharpe and Sortino.
        entries, exits: fill counts when they differ from the trades' (scaling in/out);
            default one entry per trade and one exit per closed trade.

    Raises:
        MetricsError: malformed or misaligned inputs.
    """
    values = m.as_equity(equity)
    ts = m.as_timestamps(timestamps_ns, values.size)
    if periods_per_year is not None:
        ppy = m.check_periods(periods_per_year)
    else:
        ppy = m.infer_periods_per_year(ts) if ts.size > 1 else 252.0
    equity_fields = _equity_fields(values, ts, ppy, risk_free_rate)
    trade_fields = _trade_fields(
        trades if trades is not None else TradeArrays.empty(), entries, exits
    )
    time_in_market, average_gross = _exposure(values, ts, trades, gross_exposure)
    if traded_notional is not None:
        turns = turnover(traded_notional, values, periods_per_year=ppy)
    elif trades is not None:
        turns = turnover_from_total(float(trades.traded_notional().sum()), values, ppy)
    else:
        turns = turnover_from_total(float("nan"), values, ppy)
    return PerformanceStats(
        **equity_fields,
        **trade_fields,
        time_in_market=time_in_market,
        average_gross_exposure=average_gross,
        turnover_total=turns.total,
        turnover_annual=turns.annual,
    )


def _equity_fields(
    values: np.ndarray, ts: np.ndarray, ppy: float, risk_free_rate: float
) -> dict[str, Any]:
    """The statistics of the equity curve alone (returns, risk, drawdowns)."""
    rf_period = m.periodic_risk_free(risk_free_rate, ppy)
    returns = m.simple_returns(values)
    drawdown = m.drawdown_stats(values, ts)
    growth = m.cagr_from_growth(float(values[-1] / values[0]), values.size - 1, ppy)
    return {
        "bars": int(values.size),
        "start_ts": int(ts[0]),
        "end_ts": int(ts[-1]),
        "periods_per_year": ppy,
        "risk_free_rate": float(risk_free_rate),
        "start_equity": float(values[0]),
        "final_equity": float(values[-1]),
        "total_return": float(values[-1] / values[0] - 1.0),
        "cagr": growth,
        "volatility": m.volatility_from_returns(returns, ppy),
        "sharpe": m.sharpe_from_returns(returns, ppy, rf_period),
        "sortino": m.sortino_from_returns(returns, ppy, rf_period),
        "calmar": m.calmar_from(growth, drawdown.max_drawdown),
        "max_drawdown": drawdown.max_drawdown,
        "max_drawdown_peak_ts": drawdown.peak_ts,
        "max_drawdown_trough_ts": drawdown.trough_ts,
        "max_drawdown_recovery_ts": drawdown.recovery_ts,
        "max_drawdown_duration_bars": drawdown.duration_bars,
        "longest_drawdown_bars": drawdown.longest_underwater_bars,
        "longest_drawdown_days": drawdown.longest_underwater_ns / m.NS_PER_DAY,
    }


def _trade_fields(
    trade_rows: TradeArrays, entries: int | None, exits: int | None
) -> dict[str, Any]:
    """The statistics of the round trips (closed trades; open ones are only counted)."""
    closed_pnl = trade_rows.pnl[~trade_rows.is_open]
    return {
        "trades": int(closed_pnl.size),
        "entries": len(trade_rows) if entries is None else int(entries),
        "exits": int(closed_pnl.size) if exits is None else int(exits),
        "open_trades": len(trade_rows) - int(closed_pnl.size),
        "wins": int(np.count_nonzero(closed_pnl > 0.0)),
        "losses": int(np.count_nonzero(closed_pnl < 0.0)),
        "win_rate": win_rate(closed_pnl),
        "profit_factor": profit_factor(closed_pnl),
        "gross_profit": float(closed_pnl[closed_pnl > 0.0].sum()),
        "gross_loss": float(closed_pnl[closed_pnl < 0.0].sum()),
        "average_trade_pnl": float(closed_pnl.mean()) if closed_pnl.size else float("nan"),
    }


def _exposure(
    values: m.FloatArray,
    ts: m.IntArray,
    trades: TradeArrays | None,
    gross_exposure: npt.ArrayLike | None,
) -> tuple[float, float]:
    if gross_exposure is not None:
        result = exposure(gross_exposure, values)
        return result.time_in_market, result.average_gross
    if trades is None:
        return float("nan"), float("nan")
    return float(holding_mask(trades, ts).mean()), float("nan")


def holding_mask(trades: TradeArrays, timestamps_ns: m.IntArray) -> npt.NDArray[np.bool_]:
    """Per equity point: True if any trade is held at that mark (entry row <= t < exit row)."""
    size = timestamps_ns.size
    opens = bar_index(timestamps_ns, trades.entry_ts)
    closes = bar_index(timestamps_ns, trades.exit_ts)
    steps = np.bincount(opens, minlength=size + 1) - np.bincount(closes, minlength=size + 1)
    return np.cumsum(steps[:size]) > 0
