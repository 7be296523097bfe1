"""The engine's view of the market: T x N arrays on one timeline, with fresh-bar masks.

A cell is *fresh* when the symbol's bar first becomes visible at that row; only fresh
cells trade (fills, stops, signals), while `mark` carries the last closed price forward
for valuation. Single-symbol runs use the symbol's own bars as the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tradewind.data.align import AlignedPanel

__all__ = ["MarketPanel", "panel_from_aligned", "panel_from_frames_single"]


@dataclass(frozen=True, slots=True)
class MarketPanel:
    """Prices per row (T) and symbol (N) plus where each symbol's own bars landed.

    `open/high/low/close` are NaN except in fresh cells; `mark` is the last close known
    at each row (NaN before the first bar). `bar_rows[symbol]` maps each of the
    symbol's bars (in its own order) to the row where it became visible.
    """

    timestamps: np.ndarray  # int64 ns, row decision instants
    symbols: tuple[str, ...]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    mark: np.ndarray
    fresh: np.ndarray
    bar_rows: Mapping[str, np.ndarray]
    bar_times: Mapping[str, np.ndarray]
    """int64 ns timestamp of each of the symbol's bars that appears, in row order."""
    volume: np.ndarray | None = None
    """Volume per row and symbol, NaN except in fresh cells and where the source has
    none (streaming strategies read it); None when the panel was built without it."""

    def window_frame(self, symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of `frame` whose bars appear on the panel, in order: what the
        strategies see, one bar per entry of `bar_rows[symbol]`."""
        stamps = pd.DatetimeIndex(frame["timestamp"]).as_unit("ns").asi8
        shown = self.bar_times[symbol]
        if len(shown) == len(stamps) and np.array_equal(shown, stamps):
            return frame
        # Both are sorted: membership by binary search, not hashing.
        at = np.clip(np.searchsorted(shown, stamps), 0, max(len(shown) - 1, 0))
        keep = (shown[at] == stamps) if len(shown) else np.zeros(len(stamps), dtype=bool)
        return frame.loc[keep].reset_index(drop=True)

    @property
    def shape(self) -> tuple[int, int]:
        rows, symbols = self.close.shape
        return int(rows), int(symbols)


def panel_from_frames_single(symbol: str, frame: pd.DataFrame) -> MarketPanel:
    """A one-symbol panel whose rows are the symbol's own bars (all fresh)."""
    n = len(frame)
    column = {
        name: frame[name].to_numpy(dtype=np.float64).reshape(n, 1)
        for name in ("open", "high", "low", "close", "volume")
        if name in frame.columns
    }
    stamps = pd.DatetimeIndex(frame["close_time"]).as_unit("ns").asi8.copy()
    return MarketPanel(
        timestamps=stamps,
        symbols=(symbol,),
        open=_fill_missing_open(column["open"], column["close"]),
        high=_or_close(column["high"], column["close"]),
        low=_or_close(column["low"], column["close"]),
        close=column["close"],
        mark=column["close"].copy(),
        fresh=np.ones((n, 1), dtype=bool),
        bar_rows={symbol: np.arange(n, dtype=np.int64)},
        bar_times={symbol: pd.DatetimeIndex(frame["timestamp"]).as_unit("ns").asi8.copy()},
        volume=column.get("volume"),
    )


def panel_from_aligned(panel: AlignedPanel) -> MarketPanel:
    """An engine panel from an aligned panel: fresh where a new bar appears."""
    # Imported here: the calendars package loads exchange_calendars (about 0.15 s),
    # which a single-symbol run never needs.
    from tradewind.data.calendars._convert import NAT_NS

    bar_time = panel.bar_time
    previous = np.vstack([np.full((1, bar_time.shape[1]), NAT_NS), bar_time[:-1]])
    fresh = (bar_time != NAT_NS) & (bar_time != previous)
    close = np.where(fresh, panel.close, np.nan)
    mark = _ffill(np.where(fresh, panel.close, np.nan))
    bar_rows = {
        symbol: np.flatnonzero(fresh[:, i]).astype(np.int64)
        for i, symbol in enumerate(panel.symbols)
    }
    bar_times = {
        symbol: bar_time[bar_rows[symbol], i].copy() for i, symbol in enumerate(panel.symbols)
    }
    return MarketPanel(
        timestamps=panel.decision_times.asi8.copy(),
        symbols=panel.symbols,
        open=_fill_missing_open(np.where(fresh, panel.open, np.nan), close),
        high=_or_close(np.where(fresh, panel.high, np.nan), close),
        low=_or_close(np.where(fresh, panel.low, np.nan), close),
        close=close,
        mark=mark,
        fresh=fresh,
        bar_rows=bar_rows,
        bar_times=bar_times,
        volume=np.where(fresh, panel.volume, np.nan),
    )


def _or_close(values: np.ndarray, close: np.ndarray) -> np.ndarray:
    # Close-only series (no high/low in the source) trade and stop on their close.
    return np.where(np.isnan(values) & ~np.isnan(close), close, values)


def _fill_missing_open(open_: np.ndarray, close: np.ndarray) -> np.ndarray:
    # A close-only series has no open: an order placed on one close fills at the next
    # close, which is the first price at which it could really have traded.
    return _or_close(open_, close)


def _ffill(values: np.ndarray) -> np.ndarray:
    rows = np.where(~np.isnan(values), np.arange(values.shape[0])[:, None], -1)
    np.maximum.accumulate(rows, axis=0, out=rows)
    cols = np.arange(values.shape[1])[None, :]
    filled = values[np.clip(rows, 0, None), cols]
    return np.where(rows >= 0, filled, np.nan)
