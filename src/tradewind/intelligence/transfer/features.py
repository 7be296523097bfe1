"""Scale-free per-bar features, comparable across markets (a bond ETF next to a crypto pair).

Every feature is a ratio or a volatility-normalised quantity, so multiplying prices (or
volumes) by a constant leaves it unchanged, and uses trailing windows only, so the value
at bar t depends on bars <= t. With `bar_vol` the standard deviation of log returns over
the last 20 bars:

* `ret_z_1`, `ret_z_5`, `ret_z_20`: log return over 1 / 5 / 20 bars over
  `bar_vol * sqrt(h)`;
* `range_position_20`: where the close sits in the last 20 bars' close range (0 low, 1 high);
* `vol_ratio_5_60`: log of 5-bar over 60-bar return volatility (> 0: volatility rising);
* `trend_tstat_20`: t-statistic of the slope of log close on time over 20 bars, clipped
  to +-10;
* `drawdown_z_60`: log distance below the 60-bar closing high over `bar_vol * sqrt(60)`
  (<= 0);
* `volume_ratio_20`: log of volume over its 20-bar median (NaN where volume is absent;
  not part of `MATCH_FEATURES` because many index and adjusted series carry no volume).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["FEATURE_NAMES", "MATCH_FEATURES", "WARMUP_BARS", "extract_features"]

MATCH_FEATURES: Final = (
    "ret_z_1",
    "ret_z_5",
    "ret_z_20",
    "range_position_20",
    "vol_ratio_5_60",
    "trend_tstat_20",
    "drawdown_z_60",
)
"""The features patterns are compared on (present for every market)."""

FEATURE_NAMES: Final = (*MATCH_FEATURES, "volume_ratio_20")

WARMUP_BARS: Final = 61
"""Bars before the first row with every match feature defined."""

_VOL_WINDOW: Final = 20
_HORIZONS: Final = (1, 5, 20)
_RANGE_WINDOW: Final = 20
_SHORT_VOL: Final = 5
_LONG_VOL: Final = 60
_TREND_WINDOW: Final = 20
_DRAWDOWN_WINDOW: Final = 60
_VOLUME_WINDOW: Final = 20
_TSTAT_CLIP: Final = 10.0


def extract_features(data: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Features (`FEATURE_NAMES` columns) at every bar of one series.

    `data` is a normalized bar frame (index = its `timestamp` column) or a Series of
    closes (its own index). Warm-up rows hold NaN.

    Raises:
        IntelligenceInputError: no close column, non-numeric or non-positive closes.
    """
    close, volume, index = _inputs(data)
    logs = pd.Series(np.log(close), index=index)
    returns = logs.diff()
    bar_vol = returns.rolling(_VOL_WINDOW, min_periods=_VOL_WINDOW).std()
    bar_vol = bar_vol.where(bar_vol > 0)
    out: dict[str, pd.Series] = {}
    for h in _HORIZONS:
        out[f"ret_z_{h}"] = logs.diff(h) / (bar_vol * math.sqrt(h))
    low = logs.rolling(_RANGE_WINDOW, min_periods=_RANGE_WINDOW).min()
    high = logs.rolling(_RANGE_WINDOW, min_periods=_RANGE_WINDOW).max()
    span = high - low
    out["range_position_20"] = ((logs - low) / span.where(span > 0)).where(span > 0, 0.5)
    out["range_position_20"] = out["range_position_20"].where(span.notna())
    short = returns.rolling(_SHORT_VOL, min_periods=_SHORT_VOL).std()
    long = returns.rolling(_LONG_VOL, min_periods=_LONG_VOL).std()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["vol_ratio_5_60"] = (short.where(short > 0) / long.where(long > 0)).transform(np.log)
    out["trend_tstat_20"] = _trend_tstat(logs, _TREND_WINDOW)
    peak = logs.rolling(_DRAWDOWN_WINDOW, min_periods=_DRAWDOWN_WINDOW).max()
    out["drawdown_z_60"] = (logs - peak) / (bar_vol * math.sqrt(_DRAWDOWN_WINDOW))
    out["volume_ratio_20"] = _volume_ratio(volume, index)
    frame = pd.DataFrame(out, index=index)
    return frame.replace([np.inf, -np.inf], np.nan)


def _inputs(data: pd.DataFrame | pd.Series) -> tuple[np.ndarray, np.ndarray | None, pd.Index]:
    if isinstance(data, pd.Series):
        close, volume, index = _floats(data, "close"), None, data.index
    elif isinstance(data, pd.DataFrame):
        if "close" not in data.columns:
            raise IntelligenceInputError(
                f"bars: expected a 'close' column, found {list(data.columns)}"
            )
        close = _floats(data["close"], "close")
        volume = _floats(data["volume"], "volume") if "volume" in data.columns else None
        index = pd.DatetimeIndex(data["timestamp"]) if "timestamp" in data.columns else data.index
    else:
        raise IntelligenceInputError(
            f"data: expected a bar DataFrame or a close Series, found {type(data).__name__}"
        )
    bad = ~(close > 0)
    if bad.any():
        row = int(np.argmax(bad))
        raise IntelligenceInputError(
            f"close: expected positive prices, found {close[row]!r} at row {row}"
        )
    return close, volume, index


def _floats(series: pd.Series, name: str) -> np.ndarray:
    try:
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"{name}: expected numbers ({exc})") from None


def _trend_tstat(logs: pd.Series, window: int) -> pd.Series:
    clock = pd.Series(np.arange(len(logs), dtype=np.float64), index=logs.index)
    corr = logs.rolling(window, min_periods=window).corr(clock)
    with np.errstate(divide="ignore", invalid="ignore"):
        tstat: pd.Series = corr * ((window - 2) / (1.0 - corr**2)).transform(np.sqrt)
    flat = logs.rolling(window, min_periods=window).std() == 0
    return tstat.clip(-_TSTAT_CLIP, _TSTAT_CLIP).where(~flat, 0.0)


def _volume_ratio(volume: np.ndarray | None, index: pd.Index) -> pd.Series:
    if volume is None:
        return pd.Series(np.nan, index=index)
    series = pd.Series(volume, index=index)
    usual = series.rolling(_VOLUME_WINDOW, min_periods=_VOLUME_WINDOW).median()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio: pd.Series = (series.where(series > 0) / usual.where(usual > 0)).transform(np.log)
    return ratio
