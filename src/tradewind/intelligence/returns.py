"""Return panels shared by the intelligence analyses (wide: rows = instants, columns = symbols)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tradewind.domain.errors import TradewindError

__all__ = [
    "YIELD_PROXY_DURATION_YEARS",
    "IntelligenceInputError",
    "log_returns",
    "price_like",
    "standardized_returns",
]


class IntelligenceInputError(TradewindError, ValueError):
    """Input to an intelligence analysis is unusable (the message names symbol and field)."""


def log_returns(closes: pd.DataFrame) -> pd.DataFrame:
    """Log close-to-close returns of a wide close frame; NaN where either close is missing.

    Yields (QuoteType.YIELD series may be zero or negative) should be passed as levels
    already differenced by the caller; non-positive prices here raise.

    Raises:
        IntelligenceInputError: if the frame is not numeric or holds non-positive prices.
    """
    values = _numeric(closes)
    with np.errstate(invalid="ignore"):
        bad = values <= 0
    if bad.any():
        column = closes.columns[np.nonzero(bad.any(axis=0))[0][0]]
        raise IntelligenceInputError(
            f"closes[{column!r}]: expected positive prices, found a value <= 0"
        )
    logs = np.log(values)
    out = np.full_like(logs, np.nan)
    out[1:] = logs[1:] - logs[:-1]
    return pd.DataFrame(out, index=closes.index, columns=closes.columns)


def standardized_returns(returns: pd.DataFrame, vol_window: int = 50) -> pd.DataFrame:
    """Returns divided by their trailing volatility (known before the bar: shifted by one).

    Standardizing makes a crypto pair and a bond ETF comparable and stops volatility
    clusters from dominating correlation and lead-lag statistics.
    """
    if vol_window < 2:
        raise IntelligenceInputError(f"vol_window {vol_window}: expected at least 2 bars")
    min_periods = max(2, vol_window // 2)
    vol = returns.rolling(vol_window, min_periods=min_periods).std().shift(1)
    return returns / vol.where(vol > 0)


def _numeric(frame: pd.DataFrame) -> np.ndarray:
    try:
        return frame.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"closes: expected numeric columns ({exc})") from exc


YIELD_PROXY_DURATION_YEARS = 10.0
"""Duration of the bond-price proxy that stands in for a yield series (see `price_like`)."""


def price_like(closes: pd.DataFrame, yield_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Closes with each yield column replaced by a bond-price proxy `exp(-D * yield)`.

    Yields (fractions, e.g. 0.0239) may be zero or negative, so they have no log return;
    the proxy's log return is `-D * change in yield`, which has the sign and, up to the
    scale that standardization removes anyway, the size of a bond's price move.
    """
    unknown = [c for c in yield_columns if c not in closes.columns]
    if unknown:
        raise IntelligenceInputError(f"yield columns {unknown}: not in the closes frame")
    if not yield_columns:
        return closes
    out = closes.copy()
    for column in yield_columns:
        out[column] = np.exp(-YIELD_PROXY_DURATION_YEARS * closes[column].astype("float64"))
    return out
