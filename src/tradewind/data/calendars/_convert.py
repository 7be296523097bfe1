"""Conversions between pandas/numpy datetimes and UTC int64 nanoseconds.

pandas 3 infers microsecond resolution for many inputs, so everything is forced to
nanoseconds here before `asi8` is read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = [
    "NAT_NS",
    "NS_PER_DAY",
    "label_to_ns",
    "ns_to_labels",
    "ns_to_utc_index",
    "to_utc_ns",
]

NAT_NS: Final = np.iinfo(np.int64).min
"""The int64 value of NaT."""
NS_PER_DAY: Final = 86_400 * 1_000_000_000

_SCALARS = (str, date, datetime, np.datetime64, pd.Timestamp)


def to_utc_ns(instants: Any) -> np.ndarray:
    """Instants (scalar or array-like; tz-naive read as UTC) as int64 UTC nanoseconds.

    NaT becomes `NAT_NS`. Always returns a new 1-D array.
    """
    if isinstance(instants, _SCALARS):
        instants = [instants]
    index = pd.DatetimeIndex(instants)
    index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    return np.array(index.as_unit("ns").asi8, dtype=np.int64, copy=True)


def label_to_ns(value: Any) -> int:
    """A date-like value as the int64 ns of its date at midnight (aware values in UTC)."""
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError("expected a date, found NaT")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int(stamp.normalize().as_unit("ns").value)


def ns_to_utc_index(values: np.ndarray, name: str | None = None) -> pd.DatetimeIndex:
    """int64 ns (NaT as `NAT_NS`) as a datetime64[ns, UTC] DatetimeIndex."""
    return pd.DatetimeIndex(
        np.asarray(values, dtype=np.int64).view("M8[ns]"), name=name
    ).tz_localize("UTC")


def ns_to_labels(values: np.ndarray, name: str | None = None) -> pd.DatetimeIndex:
    """int64 ns of midnights as a tz-naive datetime64[ns] DatetimeIndex (session labels)."""
    return pd.DatetimeIndex(np.asarray(values, dtype=np.int64).view("M8[ns]"), name=name)
