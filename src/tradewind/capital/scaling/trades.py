"""Recorded trades: one immutable record each, plus columnar arrays for fast statistics.

`vol_ratio` is `current_volatility / normal_volatility` when the trade was taken (> 1:
more volatile than normal), the same ratio `tradewind.domain.regimes` classifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Final

import numpy as np

from tradewind.domain.regimes import MarketConditions, MarketRegime

__all__ = ["REGIME_CODES", "TradeLog", "TradeRecord", "to_epoch_ns"]

REGIME_CODES: Final[Mapping[MarketRegime, int]] = MappingProxyType(
    {regime: code for code, regime in enumerate(MarketRegime)}
)
"""Integer code of each regime in the trade arrays (-1 = unknown)."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_INITIAL_CAPACITY: Final = 64


def to_epoch_ns(timestamp: datetime) -> int:
    """Nanoseconds since the Unix epoch of a timezone-aware datetime."""
    return (timestamp - _EPOCH) // timedelta(microseconds=1) * 1000


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One closed trade as the scaling engine saw it.

    `profit` is gross, `net_pnl = profit - fees`; `capital_after` the account capital
    after it; `conditions` the market conditions in force when it was recorded;
    `regime_allocation`, `sensitivity` and `vol_leverage` (the clamped leverage at its
    `vol_ratio`, None when unknown) the live values it is attributed to; `data` the
    caller's extra fields (market, symbol, ...).
    """

    index: int
    timestamp: datetime
    profit: float
    fees: float
    net_pnl: float
    is_win: bool
    capital_after: float
    conditions: MarketConditions | None
    regime: MarketRegime | None
    vol_ratio: float | None
    regime_allocation: float | None
    sensitivity: float
    vol_leverage: float | None
    data: Mapping[str, object]


class TradeLog:
    """Append-only trades with numpy columns (time, net P&L, win, regime, vol ratio, leverage)."""

    def __init__(self) -> None:
        self._records: list[TradeRecord] = []
        self._ts_ns = np.empty(_INITIAL_CAPACITY, dtype=np.int64)
        self._net = np.empty(_INITIAL_CAPACITY, dtype=np.float64)
        self._wins = np.empty(_INITIAL_CAPACITY, dtype=np.bool_)
        self._regime = np.empty(_INITIAL_CAPACITY, dtype=np.int8)
        self._vol_ratio = np.empty(_INITIAL_CAPACITY, dtype=np.float64)
        self._leverage = np.empty(_INITIAL_CAPACITY, dtype=np.float64)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def records(self) -> tuple[TradeRecord, ...]:
        """All trades in recording order."""
        return tuple(self._records)

    def append(self, record: TradeRecord) -> None:
        """Add a trade (its `index` must be the current length)."""
        n = len(self._records)
        if n == self._ts_ns.size:
            self._grow()
        self._ts_ns[n] = to_epoch_ns(record.timestamp)
        self._net[n] = record.net_pnl
        self._wins[n] = record.is_win
        self._regime[n] = -1 if record.regime is None else REGIME_CODES[record.regime]
        self._vol_ratio[n] = np.nan if record.vol_ratio is None else record.vol_ratio
        self._leverage[n] = np.nan if record.vol_leverage is None else record.vol_leverage
        self._records.append(record)

    def _grow(self) -> None:
        size = self._ts_ns.size * 2
        for name in ("_ts_ns", "_net", "_wins", "_regime", "_vol_ratio", "_leverage"):
            old = getattr(self, name)
            new = np.empty(size, dtype=old.dtype)
            new[: old.size] = old
            setattr(self, name, new)

    @property
    def net_pnl(self) -> np.ndarray:
        """Net P&L per trade (read-only view)."""
        return self._view(self._net)

    @property
    def is_win(self) -> np.ndarray:
        """Win flag per trade (read-only view)."""
        return self._view(self._wins)

    @property
    def regime_code(self) -> np.ndarray:
        """`REGIME_CODES` per trade, -1 when unknown (read-only view)."""
        return self._view(self._regime)

    @property
    def vol_ratio(self) -> np.ndarray:
        """Current / normal volatility per trade, NaN when unknown (read-only view)."""
        return self._view(self._vol_ratio)

    @property
    def vol_leverage(self) -> np.ndarray:
        """Volatility leverage attributed per trade, NaN when unknown (read-only view)."""
        return self._view(self._leverage)

    def window_indices(self, days: int) -> np.ndarray:
        """Indices of trades at most `days` before the latest trade timestamp."""
        n = len(self._records)
        if n == 0:
            return np.empty(0, dtype=np.intp)
        ts = self._ts_ns[:n]
        cutoff = ts.max() - days * 86_400 * 1_000_000_000
        return np.flatnonzero(ts >= cutoff)

    def _view(self, column: np.ndarray) -> np.ndarray:
        view = column[: len(self._records)]
        view.flags.writeable = False
        return view
