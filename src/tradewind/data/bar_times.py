"""Checks of the normalized bar frame's time columns shared by resampling and alignment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.calendars._convert import NAT_NS, to_utc_ns
from tradewind.domain.errors import TradewindError

__all__ = ["checked_bar_times"]


def checked_bar_times(
    frame: Any,
    *,
    required: Sequence[str],
    context: str,
    error: type[TradewindError],
) -> tuple[np.ndarray, np.ndarray]:
    """`timestamp` and `close_time` as int64 ns UTC, after checking the frame's shape.

    Args:
        frame: a normalized bar frame.
        required: columns the caller needs.
        context: prefix for messages, e.g. "frame for BTC-USD".
        error: the exception type to raise.

    Raises:
        error: not a DataFrame, missing columns, time columns not tz-aware, or a row
            without `timestamp < close_time`.
    """
    if not isinstance(frame, pd.DataFrame):
        raise error(f"{context}: expected a pandas DataFrame, found {type(frame).__name__}")
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise error(
            f"{context}: missing column(s) {', '.join(missing)}; "
            f"expected normalized bar columns {', '.join(required)}"
        )
    for name in ("timestamp", "close_time"):
        if not isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            raise error(
                f"{context}: column {name} must be timezone-aware UTC datetimes, "
                f"found dtype {frame[name].dtype}"
            )
    stamps = to_utc_ns(frame["timestamp"])
    closes = to_utc_ns(frame["close_time"])
    bad = np.flatnonzero((stamps == NAT_NS) | (closes == NAT_NS) | (closes <= stamps))
    if bad.size:
        row = int(bad[0])
        raise error(
            f"{context}, row {row}: expected timestamp < close_time (both set), "
            f"found timestamp={frame['timestamp'].iloc[row]}, "
            f"close_time={frame['close_time'].iloc[row]}"
        )
    return stamps, closes
