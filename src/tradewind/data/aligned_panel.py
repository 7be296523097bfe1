"""What `tradewind.data.align.align` returns: the aligned panel, its policy and its error."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import pandas as pd

from tradewind.data.align_report import AlignmentReport
from tradewind.data.calendars._convert import NAT_NS, ns_to_utc_index
from tradewind.domain.errors import TradewindError

__all__ = ["PRICE_FIELDS", "AlignPolicy", "AlignedPanel", "AlignmentError"]

PRICE_FIELDS: Final = ("open", "high", "low", "close", "volume")


class AlignmentError(TradewindError, ValueError):
    """Inputs to `align` are malformed or the policy is incompletely specified."""


class AlignPolicy(StrEnum):
    """How rows are kept and gaps filled when aligning symbols; see module docstring."""

    INTERSECTION = "intersection"
    FFILL = "ffill"


@dataclass(frozen=True, slots=True, eq=False)
class AlignedPanel:
    """Symbols aligned on one timeline: T x N read-only arrays plus the policy record.

    `timeline` holds the row labels and `decision_times` the instants at which each
    row is known (label + timeframe). `bar_time` is the source bar's timestamp as
    int64 ns (`NAT_NS` where the cell is empty); `age` is timedelta64[ns] since that
    bar closed (NaT where empty). Empty cells are NaN in the price fields.
    """

    timeline: pd.DatetimeIndex
    decision_times: pd.DatetimeIndex
    symbols: tuple[str, ...]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    bar_time: np.ndarray
    age: np.ndarray
    report: AlignmentReport

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, symbols)."""
        return (len(self.timeline), len(self.symbols))

    @property
    def has_bar(self) -> np.ndarray:
        """T x N booleans: the cell shows a bar."""
        mask: np.ndarray = self.bar_time != NAT_NS
        return mask

    def field(self, name: str) -> pd.DataFrame:
        """One field as a DataFrame (timeline x symbols), sharing the panel's memory.

        Names: open, high, low, close, volume, bar_time (datetime64[ns, UTC]) and
        age (timedelta64[ns]).

        Raises:
            AlignmentError: unknown field name.
        """
        columns = pd.Index(self.symbols, name="symbol")
        if name in PRICE_FIELDS:
            values = getattr(self, name)
            return pd.DataFrame(values, index=self.timeline, columns=columns, copy=False)
        if name == "age":
            return pd.DataFrame(self.age, index=self.timeline, columns=columns, copy=False)
        if name == "bar_time":
            data = {s: ns_to_utc_index(self.bar_time[:, j]) for j, s in enumerate(self.symbols)}
            return pd.DataFrame(data, index=self.timeline).set_axis(columns, axis=1)
        known = ", ".join((*PRICE_FIELDS, "bar_time", "age"))
        raise AlignmentError(f"unknown panel field {name!r}: expected one of {known}")

    def to_long(self) -> pd.DataFrame:
        """Non-empty cells as a long frame sorted by row then symbol.

        Columns: timestamp (row label), decision_time, symbol, open, high, low, close,
        volume, bar_time, age.
        """
        rows, cols = np.nonzero(self.has_bar)
        symbols = np.asarray(self.symbols, dtype=object)
        data: dict[str, Any] = {
            "timestamp": self.timeline[rows],
            "decision_time": self.decision_times[rows],
            "symbol": symbols[cols],
        }
        for name in PRICE_FIELDS:
            data[name] = getattr(self, name)[rows, cols]
        data["bar_time"] = ns_to_utc_index(self.bar_time[rows, cols])
        data["age"] = self.age[rows, cols]
        return pd.DataFrame(data)
