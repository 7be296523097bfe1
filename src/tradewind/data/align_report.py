"""The record of how `align` built a panel: policy, rows kept, per-symbol fill counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["AlignmentReport", "SymbolCounts"]


@dataclass(frozen=True, slots=True)
class SymbolCounts:
    """Cells of one symbol over the kept rows.

    fresh: the bar closed within the row's interval; forward_filled: an older bar
    still within max_staleness; stale: a bar exists but is too old (shown as NaN);
    missing: no bar has closed yet.
    """

    fresh: int
    forward_filled: int
    stale: int
    missing: int


@dataclass(frozen=True, slots=True)
class AlignmentReport:
    """How a panel was aligned; keep it with results so the policy is reproducible.

    Rows: `rows_in_grid` = `rows_before_data` (no symbol had closed a bar yet) +
    `rows_not_common` (dropped by INTERSECTION) + `rows_kept`. The common rows are
    the first and last kept rows in which every symbol shows a bar (row labels, UTC).
    """

    policy: str
    timeframe: str
    max_staleness: pd.Timedelta | None
    rows_in_grid: int
    rows_kept: int
    rows_before_data: int
    rows_not_common: int
    symbol_counts: Mapping[str, SymbolCounts]
    first_common_row: pd.Timestamp | None
    last_common_row: pd.Timestamp | None

    def summary(self) -> str:
        """Human-readable, multi-line description of the alignment."""
        staleness = (
            "" if self.max_staleness is None else f", max staleness {_duration(self.max_staleness)}"
        )
        common = (
            "no row shows every symbol"
            if self.first_common_row is None or self.last_common_row is None
            else f"common rows {_day_or_instant(self.first_common_row)}"
            f"..{_day_or_instant(self.last_common_row)}"
        )
        lines = [
            f"aligned {len(self.symbol_counts)} symbol(s) on a {self.timeframe} timeline, "
            f"policy {self.policy}{staleness}",
            f"rows: {self.rows_kept} kept of {self.rows_in_grid} "
            f"({self.rows_before_data} before any data, {self.rows_not_common} not common); "
            f"{common}",
        ]
        for symbol, counts in self.symbol_counts.items():
            lines.append(
                f"  {symbol}: {counts.fresh} fresh, {counts.forward_filled} forward-filled, "
                f"{counts.stale} stale->NaN, {counts.missing} missing"
            )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (strings, ints, ISO timestamps, staleness in seconds)."""
        return {
            "policy": self.policy,
            "timeframe": self.timeframe,
            "max_staleness_s": (
                None if self.max_staleness is None else self.max_staleness.total_seconds()
            ),
            "rows_in_grid": self.rows_in_grid,
            "rows_kept": self.rows_kept,
            "rows_before_data": self.rows_before_data,
            "rows_not_common": self.rows_not_common,
            "first_common_row": _iso(self.first_common_row),
            "last_common_row": _iso(self.last_common_row),
            "symbols": {
                symbol: {
                    "fresh": counts.fresh,
                    "forward_filled": counts.forward_filled,
                    "stale": counts.stale,
                    "missing": counts.missing,
                }
                for symbol, counts in self.symbol_counts.items()
            },
        }


def _iso(stamp: pd.Timestamp | None) -> str | None:
    return None if stamp is None else stamp.isoformat()


def _day_or_instant(stamp: pd.Timestamp) -> str:
    return str(stamp.date()) if stamp == stamp.normalize() else stamp.isoformat()


def _duration(value: pd.Timedelta) -> str:
    """`4d`, `36h`, `90min`: the largest whole unit, else pandas' own text."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return str(value)
