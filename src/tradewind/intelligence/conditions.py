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
from typing import Final

import numpy as np
import pandas as pd

from tradewind.domain.regimes import (
    VOLATILITY_STATE_UPPER_RATIOS,
    MarketConditions,
    MarketRegime,
    VolatilityState,
)
from tradewind.intelligence.condition_indicators import (
    NEUTRAL_LIQUIDITY,
    ConditionWindows,
    rolling_indicators,
)
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.rolling_stats import bar_volatility, column_median

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
    values = rolling_indicators(
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
    values = _positive_panel(closes)
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
    recent = rolling_indicators(log_packed[-tail:], volume_packed, periods_per_year, windows)
    latest = {name: column[-1:] for name, column in recent.items()}
    normal = _panel_normal(log_packed, periods_per_year, normal_volatility_pct, vol_window)
    finished = _finish(latest, normal, periods_per_year, windows)
    out = pd.DataFrame(_frame_columns(finished, 0), index=pd.Index(closes.columns, name="symbol"))
    stamps = closes.index[last_row]
    out.insert(0, "timestamp", pd.Series(stamps, index=out.index).where(present.any(axis=0)))
    return out


# -- internals -------------------------------------------------------------------------


def _positive_panel(closes: pd.DataFrame) -> np.ndarray:
    """The closes as a float array, refused when empty or holding a value <= 0."""
    values = _numeric(closes, "closes")
    if values.size == 0:
        raise IntelligenceInputError(
            f"closes: expected rows and symbols, found shape {values.shape}"
        )
    with np.errstate(invalid="ignore"):
        if (values <= 0).any():
            raise IntelligenceInputError("closes: expected positive prices, found a value <= 0")
    return values


def _panel_normal(
    log_packed: np.ndarray,
    periods_per_year: float,
    normal_volatility_pct: float | None,
    vol_window: int,
) -> np.ndarray:
    """1 x N normal volatility: the value given, else each column's median so far."""
    if normal_volatility_pct is not None:
        return np.full((1, log_packed.shape[1]), float(normal_volatility_pct))
    annualise = math.sqrt(periods_per_year) * 100.0
    history = bar_volatility(log_packed, vol_window) * annualise
    normal: np.ndarray = column_median(history, vol_window)[None, :]
    return normal


def _windows(periods_per_year: float, normal: float | None, *windows: int) -> ConditionWindows:
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
    return ConditionWindows(*windows)


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


def _finish(
    values: dict[str, np.ndarray],
    normal: np.ndarray,
    periods_per_year: float,
    windows: ConditionWindows,
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
