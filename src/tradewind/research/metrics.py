"""Return and drawdown statistics of an equity curve (numpy-vectorized).

Conventions, shared by every statistic here and cross-checked against empyrical:

- Returns are simple period returns of the equity curve, `e[t] / e[t-1] - 1`; a curve
  of N points has N-1 returns. If the equity reaches zero or below (ruin), the return
  into that bar is kept and later returns are dropped: they are undefined.
- Annualization uses `periods_per_year` (see `infer_periods_per_year`); years elapsed =
  number of returns / periods_per_year, as in `empyrical.annual_return`.
- `risk_free_rate` is an annual rate, turned into a per-period rate
  `(1 + rate) ** (1 / periods_per_year) - 1` before it is subtracted.
- Ratios with a zero denominator follow IEEE division: a positive numerator gives inf,
  a zero numerator NaN. Returns that are equal up to rounding have zero dispersion.
  Fewer than two returns gives NaN.
- Drawdowns are fractions <= 0 (-0.25 = 25% below the running peak).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from tradewind.domain.errors import TradewindError

__all__ = [
    "NS_PER_DAY",
    "DrawdownStats",
    "MetricsError",
    "annual_volatility",
    "cagr",
    "calmar",
    "drawdown_kernel",
    "drawdown_series",
    "infer_periods_per_year",
    "max_drawdown",
    "periodic_risk_free",
    "sharpe",
    "simple_returns",
    "sortino",
    "total_return",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NS_PER_DAY = 86_400 * 1_000_000_000
_SATURDAY = 5  # weekday of a UTC day number: (day + 3) % 7, Monday = 0


class MetricsError(TradewindError, ValueError):
    """Inputs to a performance statistic are malformed (shape, dtype, order, values)."""


# -- validation --------------------------------------------------------------------


def as_equity(equity: npt.ArrayLike, *, name: str = "equity") -> FloatArray:
    """`equity` as a 1-D float64 array: finite, at least one point, first point > 0."""
    values = np.ascontiguousarray(equity, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise MetricsError(f"{name}: expected a non-empty 1-D array, found shape {values.shape}")
    finite = np.isfinite(values)
    if not finite.all():
        row = int(np.argmin(finite))
        raise MetricsError(f"{name}: expected finite values, found {values[row]} at row {row}")
    if values[0] <= 0.0:
        raise MetricsError(f"{name}: expected a positive starting value, found {values[0]}")
    return values


def as_timestamps(timestamps_ns: npt.ArrayLike, length: int) -> IntArray:
    """int64 ns timestamps, strictly increasing, `length` of them."""
    raw = np.asarray(timestamps_ns)
    if raw.dtype.kind == "M":
        raw = raw.astype("datetime64[ns]").view(np.int64)
    ts = np.ascontiguousarray(raw, dtype=np.int64)
    if ts.ndim != 1 or ts.size != length:
        raise MetricsError(
            f"timestamps_ns: expected a 1-D array of {length} values (one per equity point), "
            f"found shape {ts.shape}"
        )
    steps = np.diff(ts)
    if steps.size and steps.min() <= 0:
        row = int(np.argmin(steps)) + 1
        raise MetricsError(
            f"timestamps_ns: expected strictly increasing values, row {row} ({ts[row]}) "
            f"is not after row {row - 1} ({ts[row - 1]})"
        )
    return ts


def check_periods(periods_per_year: float) -> float:
    """`periods_per_year` as float; raises MetricsError unless finite and > 0."""
    if not np.isfinite(periods_per_year) or periods_per_year <= 0:
        raise MetricsError(
            f"periods_per_year: expected a positive number, found {periods_per_year}"
        )
    return float(periods_per_year)


# -- annualization -----------------------------------------------------------------


def infer_periods_per_year(timestamps_ns: npt.ArrayLike) -> float:
    """Periods per year of a curve sampled at `timestamps_ns` (int64 ns UTC, increasing).

    From the median spacing: about one day -> 365 if Saturdays appear (24/7 markets),
    else 252 (exchange and FX sessions); about a week -> 52; about a month -> 12; about
    a quarter -> 4; a year or more -> 1. Intraday: median bars per UTC day that has bars
    x (365 if Saturdays appear, else 252), so session hours are honoured (XNYS hourly
    gives 7 x 252, crypto hourly 24 x 365).

    Raises:
        MetricsError: fewer than two timestamps, or not strictly increasing.
    """
    raw = np.asarray(timestamps_ns)
    ts = as_timestamps(raw, raw.shape[0] if raw.ndim == 1 else -1)
    if ts.size < 2:
        raise MetricsError(
            f"timestamps_ns: need at least 2 timestamps to infer periods_per_year, found {ts.size}"
        )
    steps = np.diff(ts)
    # A systematic sample of the spacings has the same median for any regular grid.
    spacing_days = float(np.median(steps[:: max(1, steps.size // 50_000)])) / NS_PER_DAY
    days = ts // NS_PER_DAY
    day_starts = np.concatenate(([0], np.flatnonzero(days[1:] != days[:-1]) + 1))
    distinct_days = days[day_starts]
    has_weekends = bool(np.mean((distinct_days + 3) % 7 == _SATURDAY) > 0.05)
    days_per_year = 365.0 if has_weekends else 252.0
    if spacing_days < 0.75:
        bars_per_day = np.diff(np.append(day_starts, ts.size))
        return float(np.median(bars_per_day)) * days_per_year
    for upper_days, periods in ((3.5, days_per_year), (10.0, 52.0), (45.0, 12.0), (150.0, 4.0)):
        if spacing_days < upper_days:
            return periods
    return 1.0


def periodic_risk_free(risk_free_rate: float, periods_per_year: float) -> float:
    """The per-period rate equivalent to an annual `risk_free_rate` (0.05 = 5%)."""
    return float((1.0 + risk_free_rate) ** (1.0 / check_periods(periods_per_year)) - 1.0)


# -- returns-based statistics ------------------------------------------------------


def simple_returns(equity: npt.ArrayLike) -> FloatArray:
    """Period returns of `equity`, cut after the first bar at or below zero (ruin)."""
    values = as_equity(equity)
    ruined = np.flatnonzero(values[1:] <= 0.0)
    end = int(ruined[0]) + 2 if ruined.size else values.size
    head = values[:end]
    return head[1:] / head[:-1] - 1.0


def total_return(equity: npt.ArrayLike) -> float:
    """Last / first - 1 of the equity curve (0.1 = +10%)."""
    values = as_equity(equity)
    return float(values[-1] / values[0] - 1.0)


def cagr_from_growth(growth: float, n_returns: int, periods_per_year: float) -> float:
    """CAGR of a growth factor (last / first) over `n_returns` periods."""
    if n_returns == 0:
        return float("nan")
    if growth <= 0.0:
        return -1.0
    return float(growth ** (periods_per_year / n_returns) - 1.0)


def cagr(equity: npt.ArrayLike, *, periods_per_year: float) -> float:
    """Compound annual growth rate; years = number of returns / periods_per_year.

    -1.0 once the equity reaches zero; NaN for a single point.
    """
    values = as_equity(equity)
    ppy = check_periods(periods_per_year)
    return cagr_from_growth(float(values[-1] / values[0]), values.size - 1, ppy)


def _std(returns: FloatArray) -> float:
    # Returns equal up to rounding (a constant growth rate recovered from an equity curve)
    # have zero dispersion: a residue of 1e-16 would turn an infinite ratio into 1e14.
    # A return is a ratio minus one, so its rounding error scales with 1 + |r|.
    high, low = float(returns.max()), float(returns.min())
    if high - low <= 8.0 * np.finfo(np.float64).eps * (1.0 + max(abs(high), abs(low))):
        return 0.0
    return float(returns.std(ddof=1))


def sharpe_from_returns(returns: FloatArray, ppy: float, rf_period: float) -> float:
    """`sharpe` of already computed returns and a per-period risk-free rate."""
    if returns.size < 2:
        return float("nan")
    excess = returns - rf_period if rf_period else returns
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(excess.mean()) / np.float64(_std(excess)) * np.sqrt(ppy))


def sortino_from_returns(returns: FloatArray, ppy: float, rf_period: float) -> float:
    """`sortino` of already computed returns and a per-period risk-free rate."""
    if returns.size < 2:
        return float("nan")
    excess = returns - rf_period if rf_period else returns
    downside = np.minimum(excess, 0.0)
    downside_risk = np.sqrt(np.dot(downside, downside) / downside.size) * np.sqrt(ppy)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(excess.mean() * ppy) / np.float64(downside_risk))


def volatility_from_returns(returns: FloatArray, ppy: float) -> float:
    """`annual_volatility` of already computed returns."""
    if returns.size < 2:
        return float("nan")
    return _std(returns) * float(np.sqrt(ppy))


def annual_volatility(equity: npt.ArrayLike, *, periods_per_year: float) -> float:
    """Sample standard deviation (ddof=1) of the returns x sqrt(periods_per_year)."""
    return volatility_from_returns(simple_returns(equity), check_periods(periods_per_year))


def sharpe(equity: npt.ArrayLike, *, periods_per_year: float, risk_free_rate: float = 0.0) -> float:
    """Annualized Sharpe ratio: mean excess return / its std (ddof=1) x sqrt(periods)."""
    ppy = check_periods(periods_per_year)
    return sharpe_from_returns(simple_returns(equity), ppy, periodic_risk_free(risk_free_rate, ppy))


def sortino(
    equity: npt.ArrayLike, *, periods_per_year: float, risk_free_rate: float = 0.0
) -> float:
    """Annualized Sortino ratio: mean excess return x periods / annualized downside risk.

    Downside risk = sqrt(mean(min(excess, 0)^2)) x sqrt(periods), over all returns.
    No losing period gives inf (NaN if the mean excess return is also zero).
    """
    ppy = check_periods(periods_per_year)
    return sortino_from_returns(
        simple_returns(equity), ppy, periodic_risk_free(risk_free_rate, ppy)
    )


# -- drawdowns ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrawdownStats:
    """The deepest drawdown and the longest time under water.

    `max_drawdown` is a fraction <= 0. Indices are rows of the equity curve; the peak is
    the last row at the running high before the trough; `recovery_index` is the first
    row back at that high, -1 if never. `duration_bars` runs from the peak to the
    recovery (or to the last row when not recovered). `longest_underwater_*` is the
    longest stretch below a previous high, in rows and in ns of timestamp.
    Timestamps are int64 ns, None when there is no drawdown or no recovery.
    """

    max_drawdown: float
    peak_index: int
    trough_index: int
    recovery_index: int
    duration_bars: int
    longest_underwater_bars: int
    longest_underwater_ns: int
    peak_ts: int | None
    trough_ts: int | None
    recovery_ts: int | None


def drawdown_series(equity: npt.ArrayLike) -> FloatArray:
    """Per-point drawdown from the running high, fractions <= 0."""
    values = as_equity(equity)
    return values / np.maximum.accumulate(values) - 1.0


@njit(cache=True)
def drawdown_kernel(values: FloatArray, ts: IntArray) -> tuple[float, int, int, int, int, int]:
    """One pass: (max drawdown, peak row, trough row, recovery row or -1,
    longest underwater rows, longest underwater ns). `ts` may be empty (ns then 0)."""
    high = values[0]
    high_row = 0
    worst = 0.0
    peak = -1
    trough = -1
    longest_rows = 0
    longest_ns = 0
    with_ts = ts.size == values.size
    for t in range(values.size):
        value = values[t]
        if value >= high:
            high = value
            high_row = t
            continue
        depth = value / high - 1.0
        if depth < worst:
            worst = depth
            peak = high_row
            trough = t
        if t - high_row > longest_rows:
            longest_rows = t - high_row
        if with_ts and ts[t] - ts[high_row] > longest_ns:
            longest_ns = ts[t] - ts[high_row]
    recovery = -1
    if trough >= 0:
        for t in range(trough + 1, values.size):
            if values[t] >= values[peak]:
                recovery = t
                break
    return worst, peak, trough, recovery, longest_rows, longest_ns


def drawdown_stats(values: FloatArray, ts: IntArray | None) -> DrawdownStats:
    """`max_drawdown` of an already validated curve (`as_equity`, `as_timestamps`)."""
    stamps = ts if ts is not None else np.empty(0, dtype=np.int64)
    worst, peak, trough, recovery, longest_rows, longest_ns = drawdown_kernel(values, stamps)
    if trough < 0:
        return DrawdownStats(0.0, -1, -1, -1, 0, longest_rows, longest_ns, None, None, None)
    end = recovery if recovery >= 0 else values.size - 1

    def stamp(row: int) -> int | None:
        return int(stamps[row]) if ts is not None and row >= 0 else None

    return DrawdownStats(
        max_drawdown=float(worst),
        peak_index=int(peak),
        trough_index=int(trough),
        recovery_index=int(recovery),
        duration_bars=int(end - peak),
        longest_underwater_bars=int(longest_rows),
        longest_underwater_ns=int(longest_ns),
        peak_ts=stamp(peak),
        trough_ts=stamp(trough),
        recovery_ts=stamp(recovery),
    )


def max_drawdown(
    equity: npt.ArrayLike, timestamps_ns: npt.ArrayLike | None = None
) -> DrawdownStats:
    """The deepest peak-to-trough fall of `equity`, its dates and durations.

    Raises:
        MetricsError: malformed equity, or timestamps not matching it.
    """
    values = as_equity(equity)
    ts = None if timestamps_ns is None else as_timestamps(timestamps_ns, values.size)
    return drawdown_stats(values, ts)


def calmar_from(cagr_value: float, drawdown: float) -> float:
    """CAGR / |drawdown|; NaN without a drawdown or with a non-finite CAGR."""
    if drawdown >= 0.0 or not np.isfinite(cagr_value):
        return float("nan")
    return cagr_value / abs(drawdown)


def calmar(equity: npt.ArrayLike, *, periods_per_year: float) -> float:
    """CAGR / |max drawdown|; NaN without a drawdown (as empyrical.calmar_ratio)."""
    values = as_equity(equity)
    ppy = check_periods(periods_per_year)
    growth = cagr_from_growth(float(values[-1] / values[0]), values.size - 1, ppy)
    return calmar_from(growth, drawdown_stats(values, None).max_drawdown)
