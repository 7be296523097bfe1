"""Per-market conditions (volatility, trend, momentum, liquidity, regime) from bars.

Every value at bar t uses bars up to and including t only. Definitions (windows in bars):

* `volatility_pct`: standard deviation of log close-to-close returns over `vol_window`
  bars, annualised with `sqrt(periods_per_year)`, in percent.
* `normal_volatility_pct`: the value given, else the expanding median of the series' own
  `volatility_pct` (at least `vol_window` readings), so "normal" never looks ahead.
* `volatility_state`: `volatility_state_for(volatility_pct, normal_volatility_pct)`.
* `trend_strength` in [0, 1]: R^2 of a straight line fitted to log close against time over
  `trend_window` bars (how much of the window's movement a steady trend explains).
* `momentum_score` in [-1, 1]: `tanh(z / 2)` with `z` the log return over
  `momentum_window` bars divided by its expected size `bar_vol * sqrt(momentum_window)`;
  a two-sigma move scores +-0.76.
* `drawdown_pct`: percent below the highest close of the last `trend_window` bars.
* `liquidity_score` in [0, 1]: mean volume of the last 5 bars over the median volume of
  the `liquidity_window` bars before them, capped at 1 (1 = at least as active as usual).
  Where volume is absent, zero-median or not yet measurable the score is the neutral
  `NEUTRAL_LIQUIDITY` (1.0: no evidence of thin trading) and `liquidity_known` is False.
* `regime` (first rule that matches):
  CRISIS: volatility EXTREME and (momentum <= -0.5 or a drawdown deeper than 1.5 normal
  moves over the trend window, i.e. `normal_vol * sqrt(trend_window / periods_per_year)`);
  VOLATILE: volatility HIGH or EXTREME;
  BULL_TRENDING / BEAR_TRENDING: trend_strength >= 0.5 and momentum >= 0.25 / <= -0.25;
  RANGING: otherwise.
Rows without enough history hold NaN values and a missing regime/state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from tradewind.domain.regimes import (
    VOLATILITY_STATE_UPPER_RATIOS,
    MarketConditions,
    MarketRegime,
    VolatilityState,
)
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "CONDITION_COLUMNS",
    "CRISIS_DRAWDOWN_NORMAL_MOVES",
    "CRISIS_MOMENTUM",
    "NEUTRAL_LIQUIDITY",
    "TREND_MOMENTUM",
    "TREND_STRENGTH_THRESHOLD",
    "conditions_for_panel",
    "conditions_frame",
    "market_conditions",
    "periods_per_year_for",
]

TREND_STRENGTH_THRESHOLD: Final = 0.5
TREND_MOMENTUM: Final = 0.25
CRISIS_MOMENTUM: Final = -0.5
CRISIS_DRAWDOWN_NORMAL_MOVES: Final = 1.5
NEUTRAL_LIQUIDITY: Final = 1.0
_LIQUIDITY_SHORT_BARS: Final = 5

CONDITION_COLUMNS: Final = (
    "volatility_pct",
    "normal_volatility_pct",
    "trend_strength",
    "momentum_score",
    "liquidity_score",
    "liquidity_known",
    "drawdown_pct",
    "volatility_state",
    "regime",
)

_STATES: Final = tuple(state for state, _ in VOLATILITY_STATE_UPPER_RATIOS)
_STATE_BOUNDS: Final = np.array([upper for _, upper in VOLATILITY_STATE_UPPER_RATIOS[:-1]])
_REGIMES: Final = tuple(MarketRegime)
_ENUMS: Final[dict[str, tuple[str, ...]]] = {"volatility_state": _STATES, "regime": _REGIMES}
_SESSION_HOURS: Final = {"24/7": 24.0, "FX": 24.0, "CMES": 23.0}
_DEFAULT_SESSION_HOURS: Final = 6.5  # exchange calendars (XNYS and the like)
_TRADING_DAYS: Final = 252.0
_CALENDAR_DAYS: Final = 365.0
_DAY_SECONDS: Final = 86_400
_WEEK_SECONDS: Final = 7 * _DAY_SECONDS


def periods_per_year_for(timeframe_seconds: int, calendar: str) -> float:
    """Bars per year used to annualise volatility.

    24/7 markets: 365 days of bars. Other calendars: 252 sessions; intraday bars are
    scaled by the bars in a session (FX 24h, CMES 23h, exchange calendars 6.5h); bars of a
    week or longer count calendar time (52.1 weeks, 12.2 months).

    Raises:
        IntelligenceInputError: timeframe_seconds is not positive.
    """
    if timeframe_seconds <= 0:
        raise IntelligenceInputError(
            f"timeframe_seconds {timeframe_seconds}: expected a positive bar length"
        )
    if calendar == "24/7" or timeframe_seconds >= _WEEK_SECONDS:
        return _CALENDAR_DAYS * _DAY_SECONDS / timeframe_seconds
    if timeframe_seconds >= _DAY_SECONDS:
        return _TRADING_DAYS * _DAY_SECONDS / timeframe_seconds
    session_seconds = _SESSION_HOURS.get(calendar, _DEFAULT_SESSION_HOURS) * 3600.0
    return _TRADING_DAYS * max(1.0, session_seconds / timeframe_seconds)


def conditions_frame(
    bars: pd.DataFrame,
    periods_per_year: float,
    normal_volatility_pct: float | None = None,
    vol_window: int = 20,
    trend_window: int = 50,
    momentum_window: int = 20,
    liquidity_window: int = 50,
) -> pd.DataFrame:
    """Conditions at every bar of one series (see the module docstring for definitions).

    `bars` is a normalized bar frame (or any frame with `close`, optional `volume`, and
    `timestamp` used as index when present). Returns one row per bar with
    `CONDITION_COLUMNS`; `volatility_state` and `regime` are categoricals of the enum
    values (NaN where history is too short).

    Raises:
        IntelligenceInputError: missing/non-positive closes, bad windows or periods.
    """
    windows = _windows(
        periods_per_year,
        normal_volatility_pct,
        vol_window,
        trend_window,
        momentum_window,
        liquidity_window,
    )
    close = _column(bars, "close")
    if close is None:
        raise IntelligenceInputError("bars: expected a 'close' column")
    if np.isnan(close).any() or (close <= 0).any():
        raise IntelligenceInputError(
            "bars['close']: expected positive closes without gaps, "
            f"found {int(np.isnan(close).sum())} NaN and {int((close <= 0).sum())} <= 0"
        )
    volume = _column(bars, "volume")
    index = pd.DatetimeIndex(bars["timestamp"]) if "timestamp" in bars.columns else bars.index
    values = _indicators(
        np.log(close)[:, None],
        None if volume is None else volume[:, None],
        periods_per_year,
        windows,
    )
    vol_pct = values["volatility_pct"]
    if normal_volatility_pct is None:
        normal = pd.DataFrame(vol_pct).expanding(min_periods=vol_window).median().to_numpy()
    else:
        normal = np.full(vol_pct.shape, float(normal_volatility_pct))
    columns = _finish(values, normal, periods_per_year, windows)
    return pd.DataFrame(_frame_columns(columns, None), index=index)


def market_conditions(
    bars: pd.DataFrame,
    periods_per_year: float,
    normal_volatility_pct: float | None = None,
    vol_window: int = 20,
    trend_window: int = 50,
    momentum_window: int = 20,
    liquidity_window: int = 50,
    market: str = "",
) -> MarketConditions:
    """The conditions at the last bar as the domain object.

    Raises:
        IntelligenceInputError: too little history for the last bar to be measured
            (about `max(trend_window, 2 * vol_window)` bars are needed), or bad input.
    """
    frame = conditions_frame(
        bars,
        periods_per_year,
        normal_volatility_pct,
        vol_window,
        trend_window,
        momentum_window,
        liquidity_window,
    )
    if frame.empty:
        raise IntelligenceInputError(f"{market or 'bars'}: expected bars, found none")
    return _conditions_from_row(frame.iloc[-1], market, len(frame))


def conditions_for_panel(
    closes: pd.DataFrame,
    volumes: pd.DataFrame | None,
    periods_per_year: float,
    normal_volatility_pct: float | None = None,
    vol_window: int = 20,
    trend_window: int = 50,
    momentum_window: int = 20,
    liquidity_window: int = 50,
) -> pd.DataFrame:
    """Latest conditions of every symbol of a wide close frame (one row per symbol).

    Each column is measured on its own bars (rows where its close is NaN are skipped, so
    a session-calendar symbol in a 24/7 panel is not diluted by empty rows); the result
    equals the last row of `conditions_frame` on that symbol's bars. Adds `timestamp`,
    the index value of the symbol's last close. Symbols with too little history get NaN
    and a missing regime. `volumes` (same shape, optional) feeds liquidity.

    Raises:
        IntelligenceInputError: non-numeric or non-positive closes, bad parameters.
    """
    windows = _windows(
        periods_per_year,
        normal_volatility_pct,
        vol_window,
        trend_window,
        momentum_window,
        liquidity_window,
    )
    values = _numeric(closes, "closes")
    if values.size == 0:
        raise IntelligenceInputError(
            f"closes: expected rows and symbols, found shape {values.shape}"
        )
    with np.errstate(invalid="ignore"):
        if (values <= 0).any():
            raise IntelligenceInputError("closes: expected positive prices, found a value <= 0")
    present = ~np.isnan(values)
    # Stable sort puts each column's NaN rows first and keeps its bars in time order.
    order = np.argsort(present, axis=0, kind="stable")
    packed = np.take_along_axis(values, order, axis=0)
    last_row = np.where(present.any(axis=0), len(values) - 1 - np.argmax(present[::-1], axis=0), 0)
    tail = min(len(packed), windows.longest + 1)
    log_packed = np.log(packed)
    volume_packed = None
    if volumes is not None:
        volume_values = _numeric(
            volumes.reindex(index=closes.index, columns=closes.columns), "volumes"
        )
        volume_packed = np.take_along_axis(volume_values, order, axis=0)[-tail:]
    recent = _indicators(log_packed[-tail:], volume_packed, periods_per_year, windows)
    latest = {name: column[-1:] for name, column in recent.items()}
    if normal_volatility_pct is None:
        annualise = math.sqrt(periods_per_year) * 100.0
        history = _bar_volatility(log_packed, vol_window) * annualise
        normal = _column_median(history, vol_window)[None, :]
    else:
        normal = np.full((1, values.shape[1]), float(normal_volatility_pct))
    finished = _finish(latest, normal, periods_per_year, windows)
    out = pd.DataFrame(_frame_columns(finished, 0), index=pd.Index(closes.columns, name="symbol"))
    stamps = closes.index[last_row]
    out.insert(0, "timestamp", pd.Series(stamps, index=out.index).where(present.any(axis=0)))
    return out


# -- internals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Windows:
    vol: int
    trend: int
    momentum: int
    liquidity: int

    @property
    def longest(self) -> int:
        """Bars needed for every indicator at the last row (returns need one extra)."""
        return max(
            self.vol + 1, self.trend, self.momentum + 1, self.liquidity + _LIQUIDITY_SHORT_BARS
        )


def _windows(periods_per_year: float, normal: float | None, *windows: int) -> _Windows:
    """Validate the parameters shared by every entry point."""
    if not (math.isfinite(periods_per_year) and periods_per_year > 0):
        raise IntelligenceInputError(
            f"periods_per_year {periods_per_year!r}: expected a positive number of bars per year"
        )
    if normal is not None and not (math.isfinite(normal) and normal > 0):
        raise IntelligenceInputError(
            f"normal_volatility_pct {normal!r}: expected a positive percentage or None"
        )
    names = ("vol_window", "trend_window", "momentum_window", "liquidity_window")
    for name, window in zip(names, windows, strict=True):
        if window < 3:
            raise IntelligenceInputError(f"{name} {window}: expected at least 3 bars")
    return _Windows(*windows)


def _column(bars: pd.DataFrame, name: str) -> np.ndarray | None:
    if name not in bars.columns:
        return None
    try:
        return bars[name].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"bars[{name!r}]: expected numbers ({exc})") from None


def _numeric(frame: pd.DataFrame, name: str) -> np.ndarray:
    try:
        return frame.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"{name}: expected numeric columns ({exc})") from None


def _rolling_sum(values: np.ndarray, n: int) -> np.ndarray:
    """Sum over the last `n` rows of each column; NaN unless all `n` values are present."""
    present = ~np.isnan(values)
    sums = np.cumsum(np.where(present, values, 0.0), axis=0)
    counts = np.cumsum(present, axis=0)
    out = np.full(values.shape, np.nan)
    if len(values) >= n:
        window_sums = sums[n - 1 :].copy()
        window_sums[1:] -= sums[:-n]
        window_counts = counts[n - 1 :].copy()
        window_counts[1:] -= counts[:-n]
        out[n - 1 :] = np.where(window_counts == n, window_sums, np.nan)
    return out


def _column_centre(values: np.ndarray) -> np.ndarray:
    """Each column's first present value (0 for an empty column).

    The first value, not the mean, so that appending bars never changes earlier results.
    """
    present = ~np.isnan(values)
    if not len(values):
        return np.zeros(values.shape[1:])
    first = np.take_along_axis(values, np.argmax(present, axis=0)[None, :], axis=0)[0]
    centre: np.ndarray = np.where(present.any(axis=0), first, 0.0)
    return centre


def _rolling_var(values: np.ndarray, n: int) -> np.ndarray:
    """Sample variance (ddof 1) over the last `n` rows; NaN unless all are present."""
    # Shifting each column by a constant keeps the sums small (accurate) at any level.
    shifted = values - _column_centre(values)
    total = _rolling_sum(shifted, n)
    squares = _rolling_sum(shifted * shifted, n)
    variance: np.ndarray = np.maximum((squares - total * total / n) / (n - 1), 0.0)
    return variance


def _rolling_clock_cov(values: np.ndarray, n: int) -> np.ndarray:
    """Sample covariance of each column with the bar clock over the last `n` rows."""
    shifted = values - _column_centre(values)
    clock = np.arange(len(values), dtype=np.float64)[:, None]
    total = _rolling_sum(shifted, n)
    weighted = _rolling_sum(clock * shifted, n)
    centre = clock - (n - 1) / 2.0
    result: np.ndarray = (weighted - centre * total) / (n - 1)
    return result


def _column_median(values: np.ndarray, min_count: int) -> np.ndarray:
    """Median of each column's present values; NaN with fewer than `min_count`."""
    counts = np.count_nonzero(~np.isnan(values), axis=0)
    ordered = np.sort(values, axis=0)  # NaN sorts last
    low = np.take_along_axis(ordered, np.maximum(counts - 1, 0)[None, :] // 2, axis=0)[0]
    high = np.take_along_axis(ordered, (counts // 2)[None, :], axis=0)[0] if len(values) else low
    return np.where(counts >= max(min_count, 1), (low + high) / 2.0, np.nan)


def _rolling_reduce(values: np.ndarray, n: int, reduce: str) -> np.ndarray:
    """max or median over the last `n` rows (NaN if any is missing)."""
    out = np.full(values.shape, np.nan)
    if len(values) >= n:
        windows = np.lib.stride_tricks.sliding_window_view(values, n, axis=0)
        out[n - 1 :] = windows.max(axis=-1) if reduce == "max" else np.median(windows, axis=-1)
    return out


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    if lag < len(values):
        out[lag:] = values[: len(values) - lag]
    return out


def _bar_volatility(logs: np.ndarray, window: int) -> np.ndarray:
    """Rolling standard deviation of log returns (per bar, not annualised)."""
    returns = logs - _lagged(logs, 1)
    deviation: np.ndarray = np.sqrt(_rolling_var(returns, window))
    return deviation


def _indicators(
    logs: np.ndarray,
    volume: np.ndarray | None,
    periods_per_year: float,
    windows: _Windows,
) -> dict[str, np.ndarray]:
    """Rolling indicators of T x N log closes (rows = each column's consecutive bars)."""
    bar_vol = _bar_volatility(logs, windows.vol)
    n = windows.trend
    covariance = _rolling_clock_cov(logs, n)
    variance = _rolling_var(logs, n)
    clock_variance = n * (n + 1) / 12.0  # sample variance of n consecutive integers
    with np.errstate(divide="ignore", invalid="ignore"):
        r_squared = np.where(variance > 0, covariance**2 / (clock_variance * variance), 0.0)
    r_squared = np.where(np.isnan(covariance), np.nan, np.clip(r_squared, 0.0, 1.0))
    m = windows.momentum
    move = logs - _lagged(logs, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(bar_vol > 0, move / (bar_vol * math.sqrt(m)), 0.0)
    momentum = np.where(np.isnan(move) | np.isnan(bar_vol), np.nan, np.tanh(z / 2.0))
    drawdown = (1.0 - np.exp(logs - _rolling_reduce(logs, n, "max"))) * 100.0
    return {
        "volatility_pct": bar_vol * math.sqrt(periods_per_year) * 100.0,
        "trend_strength": r_squared,
        "momentum_score": momentum,
        "drawdown_pct": drawdown,
        **_liquidity(volume, logs.shape, windows.liquidity),
    }


def _liquidity(
    volume: np.ndarray | None, shape: tuple[int, ...], window: int
) -> dict[str, np.ndarray]:
    if volume is None:
        return {
            "liquidity_score": np.full(shape, NEUTRAL_LIQUIDITY),
            "liquidity_known": np.zeros(shape, dtype=bool),
        }
    recent = _rolling_sum(volume, _LIQUIDITY_SHORT_BARS) / _LIQUIDITY_SHORT_BARS
    usual = _lagged(_rolling_reduce(volume, window, "median"), _LIQUIDITY_SHORT_BARS)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = recent / usual
    known = np.isfinite(ratio) & (usual > 0)
    return {
        "liquidity_score": np.where(known, np.clip(ratio, 0.0, 1.0), NEUTRAL_LIQUIDITY),
        "liquidity_known": known,
    }


def _finish(
    values: dict[str, np.ndarray],
    normal: np.ndarray,
    periods_per_year: float,
    windows: _Windows,
) -> dict[str, np.ndarray]:
    """Add normal vol, volatility state and regime codes (-1 = missing) to T x N arrays."""
    vol_pct = values["volatility_pct"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = vol_pct / normal
    measured = np.isfinite(ratio) & (normal > 0)
    state_code = np.searchsorted(_STATE_BOUNDS, np.where(measured, ratio, 0.0), side="right")
    momentum = values["momentum_score"]
    trend = values["trend_strength"]
    move_pct = normal * math.sqrt(windows.trend / periods_per_year)
    deep = values["drawdown_pct"] >= CRISIS_DRAWDOWN_NORMAL_MOVES * move_pct
    extreme = state_code == _STATES.index(VolatilityState.EXTREME)
    high = state_code >= _STATES.index(VolatilityState.HIGH)
    trending = trend >= TREND_STRENGTH_THRESHOLD
    regime_code = np.select(
        [
            extreme & ((momentum <= CRISIS_MOMENTUM) | deep),
            high,
            trending & (momentum >= TREND_MOMENTUM),
            trending & (momentum <= -TREND_MOMENTUM),
        ],
        [
            _REGIMES.index(MarketRegime.CRISIS),
            _REGIMES.index(MarketRegime.VOLATILE),
            _REGIMES.index(MarketRegime.BULL_TRENDING),
            _REGIMES.index(MarketRegime.BEAR_TRENDING),
        ],
        default=_REGIMES.index(MarketRegime.RANGING),
    )
    complete = measured & ~np.isnan(trend) & ~np.isnan(momentum)
    return {
        "volatility_pct": vol_pct,
        "normal_volatility_pct": np.where(normal > 0, normal, np.nan),
        "trend_strength": trend,
        "momentum_score": momentum,
        "liquidity_score": values["liquidity_score"],
        "liquidity_known": values["liquidity_known"],
        "drawdown_pct": values["drawdown_pct"],
        "volatility_state": np.where(measured, state_code, -1),
        "regime": np.where(complete, regime_code, -1),
    }


def _frame_columns(columns: dict[str, np.ndarray], row: int | None) -> dict[str, object]:
    """Column `row` (or column 0 over all rows when None) as frame-ready 1-D columns."""
    out: dict[str, object] = {}
    for name, array in columns.items():
        flat = array[:, 0] if row is None else array[row]
        if name in _ENUMS:
            members = _ENUMS[name]
            out[name] = pd.Categorical.from_codes(
                np.asarray(flat, dtype=np.int64), categories=pd.Index([str(m) for m in members])
            )
        else:
            out[name] = flat
    return out


def _conditions_from_row(row: pd.Series, market: str, n_bars: int) -> MarketConditions:
    regime, state = row["regime"], row["volatility_state"]
    if pd.isna(regime) or pd.isna(state):
        raise IntelligenceInputError(
            f"{market or 'bars'}: {n_bars} bars are too few to measure the last bar's "
            "conditions (need vol, trend and a normal-volatility history)"
        )
    return MarketConditions(
        volatility_pct=float(row["volatility_pct"]),
        trend_strength=float(row["trend_strength"]),
        momentum_score=float(row["momentum_score"]),
        liquidity_score=float(row["liquidity_score"]),
        regime=MarketRegime(regime),
        volatility_state=VolatilityState(state),
        market=market,
        normal_volatility_pct=float(row["normal_volatility_pct"]),
    )
