"""Performance per market or per strategy, rebuilt from the trades and the marks.

Method. A group's P&L curve is the sum over its trades of each trade's contribution at
every equity point: while held (entry row <= t < exit row) the mark-to-market
`qty x (mark - entry price) x value_per_point`, where the mark is the symbol's last
finite close at or before t; from the exit row on, the trade's net realized `pnl`
(commissions therefore show when the trade closes). Rows follow `bar_index`: a fill
counts in the first equity point at or after it. A trade still open at the end stays
marked to market. Gross exposure per group is the sum of |qty x mark x value_per_point|
of its held trades.

Attribution to strategies: a trade whose `strategy` bitmask names several strategies is
split equally between them (qty, pnl, commission and notional x 1/k), so the strategy
curves add up to the market curves. Its win/loss still counts once for each of them.

Return statistics of a group use the equity `capital + group P&L`, where `capital` is
the capital allocated to the group if given, else the run's starting equity: "this
group's P&L as if it alone had run on that capital". Sharpe, drawdown and CAGR of
groups are therefore comparable with each other, not additive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from numba import njit

from tradewind.research import metrics as m
from tradewind.research.stats import PerformanceStats, compute_stats
from tradewind.research.trades import TradeArrays, bar_index

__all__ = ["GroupPerformance", "group_pnl_curve", "stats_by_group"]

GroupKind = Literal["market", "strategy"]
_MAX_STRATEGIES = 63


@dataclass(frozen=True, slots=True)
class GroupPerformance:
    """One market's or strategy's P&L curve (account currency, per equity point) and stats."""

    name: str
    pnl: m.FloatArray
    capital: float
    stats: PerformanceStats


@njit(cache=True)
def group_pnl_curve(
    entry_row: m.IntArray,
    exit_row: m.IntArray,
    symbol: m.IntArray,
    qty: m.FloatArray,
    entry_price: m.FloatArray,
    pnl: m.FloatArray,
    close: m.FloatArray,
    value_per_point: m.FloatArray,
) -> tuple[m.FloatArray, m.FloatArray]:
    """Cumulative P&L and gross exposure per row of one group's trades (method: module doc).

    close: (rows, symbols) marks; NaN holds the previous mark. Rows >= close.shape[0]
    mean "after the curve". Scalars and arrays only, so the engine kernel can call it.
    """
    n_rows = close.shape[0]
    curve = np.zeros(n_rows)
    gross = np.zeros(n_rows)
    realized = np.zeros(n_rows + 1)
    for k in range(entry_row.size):
        s = symbol[k]
        scale = qty[k] * value_per_point[s]
        mark = entry_price[k]
        end = min(exit_row[k], n_rows)
        for t in range(entry_row[k], end):
            price = close[t, s]
            if price == price:
                mark = price
            curve[t] += scale * (mark - entry_price[k])
            gross[t] += abs(scale * mark)
        if exit_row[k] < n_rows:
            realized[exit_row[k]] += pnl[k]
    running = 0.0
    for t in range(n_rows):
        running += realized[t]
        curve[t] += running
    return curve, gross


def stats_by_group(
    timestamps_ns: npt.ArrayLike,
    equity: npt.ArrayLike,
    trades: TradeArrays,
    *,
    group: GroupKind,
    close: npt.ArrayLike,
    names: Sequence[str] | None = None,
    value_per_point: npt.ArrayLike | None = None,
    capital: float | Mapping[str, float] | None = None,
    periods_per_year: float | None = None,
    risk_free_rate: float = 0.0,
) -> dict[str, GroupPerformance]:
    """P&L curve and `PerformanceStats` of each market or strategy, in index order.

    Args:
        timestamps_ns, equity: the run's equity curve (as `compute_stats`).
        trades: the run's trades; `market` or `strategy` (bitmask) picks the group.
        group: "market" or "strategy".
        close: (points, symbols) float64 marks per equity point and symbol index.
        names: group names by index; given -> every named group is reported (flat if it
            never traded); None -> "market 3" / "strategy 0" for the groups that traded.
        value_per_point: (symbols,) account currency per unit of price per unit of qty
            (contract multiplier x FX rate); None -> 1.
        capital: base capital of every group, or per group name; None -> equity[0].
        periods_per_year, risk_free_rate: as `compute_stats` (inferred once for all).

    Raises:
        MetricsError: shapes that do not match, indices out of range, a trade without
            any strategy bit when grouping by strategy, or a group without capital.
    """
    values = m.as_equity(equity)
    ts = m.as_timestamps(timestamps_ns, values.size)
    marks = _marks(close, values.size, trades)
    points = _value_per_point(value_per_point, marks.shape[1])
    rows, index = _expand(trades, group)
    n_groups = int(index.max()) + 1 if index.size else 0
    labels = _names(names, n_groups, group, np.unique(index))
    if periods_per_year is None:
        periods_per_year = m.infer_periods_per_year(ts) if ts.size > 1 else 252.0
    bars = (bar_index(ts, rows.entry_ts), bar_index(ts, rows.exit_ts))
    notional = rows.traded_notional(points)
    result: dict[str, GroupPerformance] = {}
    for g, name in labels.items():
        pick = np.flatnonzero(index == g)
        curve, gross = _picked_curve(rows, pick, bars, marks, points)
        base = _capital(capital, name, float(values[0]))
        stats = compute_stats(
            ts,
            base + curve,
            rows.select(pick),
            gross_exposure=gross,
            traded_notional=float(notional[pick].sum()),
            periods_per_year=periods_per_year,
            risk_free_rate=risk_free_rate,
        )
        result[name] = GroupPerformance(name, curve, base, stats)
    return result


def _picked_curve(
    rows: TradeArrays,
    pick: m.IntArray,
    bars: tuple[m.IntArray, m.IntArray],
    marks: m.FloatArray,
    points: m.FloatArray,
) -> tuple[m.FloatArray, m.FloatArray]:
    """`group_pnl_curve` of the trades at `pick` (`bars`: every trade's entry and exit row)."""
    entry_rows, exit_rows = bars
    return group_pnl_curve(
        entry_rows[pick],
        exit_rows[pick],
        rows.symbol[pick],
        rows.qty[pick],
        rows.entry_price[pick],
        rows.pnl[pick],
        marks,
        points,
    )


def _expand(trades: TradeArrays, group: GroupKind) -> tuple[TradeArrays, m.IntArray]:
    """Trade rows and their group index; strategy bitmasks become one row per bit."""
    if group == "market":
        if len(trades) and trades.market.min() < 0:
            row = int(np.argmin(trades.market))
            raise m.MetricsError(
                f"trades.market: expected indices >= 0, found {trades.market[row]} at row {row}"
            )
        return trades, trades.market
    if group != "strategy":
        raise m.MetricsError(f"group: expected 'market' or 'strategy', found {group!r}")
    masks = trades.strategy
    bad = masks <= 0
    if bad.any():
        row = int(np.argmax(bad))
        raise m.MetricsError(
            f"trades.strategy: expected a bitmask with at least one strategy bit, "
            f"found {masks[row]} at row {row}"
        )
    bits = (masks[:, None] >> np.arange(_MAX_STRATEGIES, dtype=np.int64)[None, :]) & 1
    trade_row, strategy = np.nonzero(bits)
    share = 1.0 / bits.sum(axis=1)[trade_row]
    rows = trades.select(trade_row)
    rows = TradeArrays(
        rows.entry_ts,
        rows.exit_ts,
        rows.symbol,
        rows.market,
        rows.strategy,
        rows.qty * share,
        rows.entry_price,
        rows.exit_price,
        rows.pnl * share,
        rows.commission * share,
    )
    return rows, strategy.astype(np.int64)


def _names(
    names: Sequence[str] | None, n_groups: int, group: GroupKind, present: m.IntArray
) -> dict[int, str]:
    if names is None:
        return {int(g): f"{group} {int(g)}" for g in present}
    if len(names) < n_groups:
        raise m.MetricsError(
            f"names: trades use {group} index {n_groups - 1} but only {len(names)} names were given"
        )
    if len(set(names)) != len(names):
        raise m.MetricsError(f"names: expected unique {group} names, found {list(names)}")
    return dict(enumerate(names))


def _marks(close: npt.ArrayLike, n_points: int, trades: TradeArrays) -> m.FloatArray:
    marks = np.ascontiguousarray(close, dtype=np.float64)
    if marks.ndim != 2 or marks.shape[0] != n_points:
        raise m.MetricsError(
            f"close: expected shape ({n_points}, symbols) (one row per equity point), "
            f"found {marks.shape}"
        )
    if len(trades):
        low, high = int(trades.symbol.min()), int(trades.symbol.max())
        if low < 0 or high >= marks.shape[1]:
            raise m.MetricsError(
                f"trades.symbol: expected indices in 0..{marks.shape[1] - 1} (close columns), "
                f"found {low if low < 0 else high}"
            )
    return marks


def _value_per_point(value_per_point: npt.ArrayLike | None, n_symbols: int) -> m.FloatArray:
    if value_per_point is None:
        return np.ones(n_symbols)
    points = np.ascontiguousarray(value_per_point, dtype=np.float64)
    if points.shape != (n_symbols,):
        raise m.MetricsError(
            f"value_per_point: expected shape ({n_symbols},) (one per close column), "
            f"found {points.shape}"
        )
    return points


def _capital(capital: float | Mapping[str, float] | None, name: str, default: float) -> float:
    if capital is None:
        return default
    if isinstance(capital, Mapping):
        if name not in capital:
            raise m.MetricsError(f"capital: no capital given for {name!r}")
        value = float(capital[name])
    else:
        value = float(capital)
    if not np.isfinite(value) or value <= 0.0:
        raise m.MetricsError(f"capital of {name!r}: expected a positive amount, found {value}")
    return value
