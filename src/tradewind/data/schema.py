"""The normalized bar frame contract, series metadata and the data-layer error.

Every bar frame handed between data-layer functions has exactly `BAR_COLUMNS`:
`timestamp` and `close_time` (datetime64[ns, UTC]) then `open, high, low, close,
volume` (float64; a column the source lacks is all NaN and absent from `fields`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tradewind.domain.errors import TradewindError
from tradewind.domain.market import MarketClass, QuoteType

__all__ = [
    "BAR_COLUMNS",
    "PRICE_FIELDS",
    "VALUE_FIELDS",
    "BarArrays",
    "CatalogEntry",
    "DataError",
    "DataSource",
    "bar_time_label",
    "default_calendar",
    "empty_bar_frame",
    "fields_label",
]

PRICE_FIELDS: tuple[str, ...] = ("open", "high", "low", "close")
VALUE_FIELDS: tuple[str, ...] = (*PRICE_FIELDS, "volume")
BAR_COLUMNS: tuple[str, ...] = ("timestamp", "close_time", *VALUE_FIELDS)

DataSource = Literal["bundled", "user"]

_DEFAULT_CALENDARS: dict[MarketClass, str] = {
    MarketClass.CRYPTO: "24/7",
    MarketClass.FOREX: "FX",
    MarketClass.FUTURES: "CMES",
}


class DataError(TradewindError):
    """A data file, frame or catalog request is unusable; the message names what and where."""


def default_calendar(market: MarketClass) -> str:
    """The calendar code a market class trades on unless told otherwise."""
    return _DEFAULT_CALENDARS.get(market, "XNYS")


def empty_bar_frame() -> pd.DataFrame:
    """A zero-row frame with the normalized bar columns and dtypes."""
    utc = pd.DatetimeTZDtype("ns", "UTC")
    return pd.DataFrame(
        {
            "timestamp": pd.Series([], dtype=utc),
            "close_time": pd.Series([], dtype=utc),
            **{name: pd.Series([], dtype="float64") for name in VALUE_FIELDS},
        }
    )


@dataclass(frozen=True, slots=True)
class BarArrays:
    """One series as numpy arrays: times are int64 ns since the epoch (UTC), values float64."""

    symbol: str
    timestamp: np.ndarray
    close_time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])

    @classmethod
    def from_frame(cls, symbol: str, frame: pd.DataFrame) -> BarArrays:
        """Build read-only arrays from a normalized bar frame."""

        def times(name: str) -> np.ndarray:
            values = frame[name].to_numpy(dtype="datetime64[ns]").view("int64").copy()
            values.flags.writeable = False
            return values

        def floats(name: str) -> np.ndarray:
            values = frame[name].to_numpy(dtype="float64", copy=True)
            values.flags.writeable = False
            return values

        return cls(
            symbol,
            times("timestamp"),
            times("close_time"),
            *(floats(name) for name in VALUE_FIELDS),
        )


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One stored series: where it is, what it holds and where it came from."""

    market: MarketClass
    symbol: str
    timeframe: str
    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    fields: tuple[str, ...]
    calendar: str
    quote_type: QuoteType
    source: DataSource
    price_adjustment: str | None
    path: Path
    description: str = ""
    units: str = ""
    origin: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.market.value, self.symbol, self.timeframe)


def bar_time_label(stamp: pd.Timestamp | None) -> str:
    """A bar time for people: `2016-06-30` at midnight (daily labels), else
    `2016-06-30 14:00`; `-` for none."""
    if stamp is None:
        return "-"
    return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")


def fields_label(fields: Sequence[str]) -> str:
    """`OHLCV`, `C`, `OHLC`: a compact label for the fields a series has."""
    return "".join(name[0].upper() for name in VALUE_FIELDS if name in fields)
