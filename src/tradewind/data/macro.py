"""Bundled macro data: FRED monthly series and NBER US recession dates.

FRED values are stored as float32 by the source (gretl's FRED database); they are
returned widened to float64 without rounding, so 296.761 reads as 296.760986...
Dates are the first day of the month at 00:00 UTC (FRED convention).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.bundled import macro_file
from tradewind.data.schema import DataError

__all__ = ["fred_catalog", "load_fred_monthly", "load_nber_recessions", "recession_months"]


@cache
def _fred_long() -> pd.DataFrame:
    return pd.read_parquet(macro_file("fred_monthly.parquet"))


def fred_catalog() -> pd.DataFrame:
    """One row per bundled FRED series: id, frequency, first, last, n_obs, description."""
    frame = pd.read_csv(macro_file("fred_catalog.csv"), dtype={"n_obs": "int64"})
    return frame[frame["file"] == "macro/fred_monthly.parquet"].reset_index(drop=True)


def load_fred_monthly(series_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """FRED monthly series, wide: index `date` (month start, UTC), one float64 column each.

    A month a series has no observation for is NaN in its column.

    Raises:
        DataError: an unknown series id (close matches listed).
    """
    long = _fred_long()
    available = sorted(long["series_id"].unique())
    if series_ids is not None:
        wanted = [str(s).strip().upper() for s in series_ids]
        unknown = [s for s in wanted if s not in set(available)]
        if unknown:
            raise DataError(_unknown(unknown[0], available))
        long = long[long["series_id"].isin(wanted)]
    else:
        wanted = available
    wide = long.pivot(index="date", columns="series_id", values="value").astype("float64")
    wide = wide.reindex(columns=wanted)
    wide.columns.name = None
    return wide.sort_index()


def _unknown(series_id: str, available: list[str]) -> str:
    close = difflib.get_close_matches(series_id, available, n=5, cutoff=0.5)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    return f"unknown FRED series {series_id!r}{hint}; available: {', '.join(available)}"


def load_nber_recessions() -> pd.DataFrame:
    """NBER peak/trough table: `peak`, `trough` (month start, UTC), quarters, months.

    A recession runs from the month after the peak through the trough month.
    """
    table = pd.read_csv(macro_file("nber_recessions.csv"), dtype=str)
    out = pd.DataFrame(
        {
            "peak": _month_start(table["peak_month"]),
            "trough": _month_start(table["trough_month"]),
            "peak_quarter": table["peak_quarter"],
            "trough_quarter": table["trough_quarter"],
            "contraction_months": table["contraction_months"].astype("int64"),
        }
    )
    return out.sort_values("peak").reset_index(drop=True)


def recession_months(start: Any, end: Any) -> pd.Series:
    """Boolean per month in [start, end] (month starts, UTC): True in an NBER recession.

    Raises:
        DataError: unreadable dates or end before start.
    """
    first, last = _month(start), _month(end)
    if last < first:
        raise DataError(f"recession_months: end {end!r} is before start {start!r}")
    months = pd.date_range(first, last, freq="MS", tz="UTC", name="date")
    table = load_nber_recessions()
    peaks, troughs = _month_number(table["peak"]), _month_number(table["trough"])
    number = _month_number(pd.Series(months))
    latest = np.searchsorted(peaks, number, side="left") - 1
    safe = np.clip(latest, 0, None)
    inside = (latest >= 0) & (number > peaks[safe]) & (number <= troughs[safe])
    return pd.Series(inside, index=months, name="recession")


def _month_start(text: pd.Series) -> pd.Series:
    return (
        pd.to_datetime(text, format="%Y-%m")
        .dt.tz_localize("UTC")
        .astype(pd.DatetimeTZDtype("ns", "UTC"))
    )


def _month_number(stamps: pd.Series) -> np.ndarray:
    values = pd.DatetimeIndex(stamps)
    return np.asarray(values.year * 12 + values.month - 1, dtype=np.int64)


def _month(value: Any) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(f"invalid month {value!r}: expected e.g. 2008-01 or 2008-01-31") from None
    if pd.isna(stamp):
        raise DataError(f"invalid month {value!r}: expected e.g. 2008-01")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize().replace(day=1)
