"""Round-trip trades as columnar arrays, and the trade-based statistics.

Rules (documented here once, used by `PerformanceStats`):

- A trade is closed when `exit_ts` is not `OPEN_TS`; only closed trades count as wins
  (pnl > 0), losses (pnl < 0) or break-evens (pnl == 0).
- `win_rate` = wins / closed trades (break-evens count in the denominator); NaN
  without closed trades.
- `profit_factor` = gross profit / |gross loss|; inf when there are profits and no
  losses; NaN when both are zero (no trades, or only break-evens); 0 with losses only.
- `exposure`: time in market = fraction of equity points with a non-zero gross
  exposure; average gross exposure = mean of gross exposure / equity over points with
  positive equity (1.0 = fully invested, 2.0 = 2x gross leverage).
- `turnover` is two-sided: buys and sells both count, so entering and leaving a
  position worth the whole equity once is 2.0. Total = traded notional / mean equity;
  annual = total / years, years = (points - 1) / periods_per_year (NaN for one point).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from tradewind.research.metrics import FloatArray, IntArray, MetricsError, as_equity

__all__ = [
    "OPEN_TS",
    "Exposure",
    "TradeArrays",
    "Turnover",
    "bar_index",
    "exposure",
    "profit_factor",
    "turnover",
    "win_rate",
]

OPEN_TS = int(np.iinfo(np.int64).min)
"""`exit_ts` of a trade still open at the end of the run (the int64 value of NaT)."""


@dataclass(frozen=True, slots=True)
class TradeArrays:
    """Round trips of one run, one row per trade, every field a 1-D array of equal length.

    entry_ts, exit_ts: int64 ns UTC fill times (`exit_ts` = OPEN_TS while open).
    symbol, market: int64 indices into the run's symbol and market lists.
    strategy: int64 bitmask of the strategies behind the entry (bit i = strategy i, up
        to 63 strategies; INDEPENDENT aggregation sets one bit).
    qty: float64 signed units (+ long, - short). entry_price, exit_price: float64 fill
        prices (exit NaN while open). pnl: float64 net P&L in account currency after
        commission (mark-to-market while open). commission: float64 paid, >= 0.
    Arrays are coerced to their dtype on construction; `TradeArrays.of` takes lists.

    Raises:
        MetricsError: a field is not 1-D, the lengths differ, or qty, entry_price, pnl or
            commission is not finite.
    """

    entry_ts: IntArray
    exit_ts: IntArray
    symbol: IntArray
    market: IntArray
    strategy: IntArray
    qty: FloatArray
    entry_price: FloatArray
    exit_price: FloatArray
    pnl: FloatArray
    commission: FloatArray

    _INT_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"entry_ts", "exit_ts", "symbol", "market", "strategy"}
    )

    def __post_init__(self) -> None:
        length = -1
        for field in fields(self):
            raw = getattr(self, field.name)
            array = _ints(raw) if field.name in self._INT_FIELDS else _floats(raw)
            if array.ndim != 1:
                raise MetricsError(
                    f"trades.{field.name}: expected a 1-D array, found shape {array.shape}"
                )
            if length < 0:
                length = array.size
            elif array.size != length:
                raise MetricsError(
                    f"trades.{field.name}: expected {length} values like trades.entry_ts, "
                    f"found {array.size}"
                )
            object.__setattr__(self, field.name, array)
        for name in ("qty", "entry_price", "pnl", "commission"):
            values = getattr(self, name)
            bad = ~np.isfinite(values)
            if bad.any():
                row = int(np.argmax(bad))
                raise MetricsError(
                    f"trades.{name}: expected finite values, found {values[row]} at row {row}"
                )

    def __len__(self) -> int:
        return int(self.entry_ts.size)

    @classmethod
    def of(
        cls,
        *,
        entry_ts: npt.ArrayLike,
        exit_ts: npt.ArrayLike,
        symbol: npt.ArrayLike,
        market: npt.ArrayLike,
        strategy: npt.ArrayLike,
        qty: npt.ArrayLike,
        entry_price: npt.ArrayLike,
        exit_price: npt.ArrayLike,
        pnl: npt.ArrayLike,
        commission: npt.ArrayLike | None = None,
    ) -> TradeArrays:
        """Build from any array-likes (lists, datetime64 arrays); commission None -> 0."""
        return cls(
            _ints(entry_ts),
            _ints(exit_ts),
            _ints(symbol),
            _ints(market),
            _ints(strategy),
            _floats(qty),
            _floats(entry_price),
            _floats(exit_price),
            _floats(pnl),
            np.zeros(np.shape(pnl)) if commission is None else _floats(commission),
        )

    @classmethod
    def empty(cls) -> TradeArrays:
        """No trades."""
        ints = np.empty(0, dtype=np.int64)
        floats = np.empty(0, dtype=np.float64)
        return cls(ints, ints, ints, ints, ints, floats, floats, floats, floats, floats)

    @property
    def is_open(self) -> npt.NDArray[np.bool_]:
        """True for trades still open at the end of the run."""
        return np.asarray(self.exit_ts == OPEN_TS)

    def select(self, rows: npt.NDArray[np.bool_] | IntArray) -> TradeArrays:
        """The trades at `rows` (a boolean mask or integer indices)."""
        return TradeArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def traded_notional(self, value_per_point: FloatArray | None = None) -> FloatArray:
        """Per trade |qty| x (entry price + exit price when closed) x value per point."""
        exit_price = np.where(self.is_open, 0.0, self.exit_price)
        notional = np.abs(self.qty) * (np.abs(self.entry_price) + np.abs(exit_price))
        if value_per_point is not None:
            notional = notional * value_per_point[self.symbol]
        return np.asarray(notional, dtype=np.float64)


def _ints(values: npt.ArrayLike) -> IntArray:
    raw = np.asarray(values)
    if raw.dtype.kind == "M":
        raw = raw.astype("datetime64[ns]").view(np.int64)
    return np.ascontiguousarray(raw, dtype=np.int64)


def _floats(values: npt.ArrayLike) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64)


def bar_index(timestamps_ns: IntArray, event_ts: IntArray) -> IntArray:
    """Row of the first equity point at or after each event time (len(timestamps) if none).

    The P&L of a fill shows in the first equity mark taken at or after it. OPEN_TS maps
    to len(timestamps), i.e. "not within the curve".
    """
    rows = np.searchsorted(timestamps_ns, event_ts, side="left").astype(np.int64)
    rows[event_ts == OPEN_TS] = timestamps_ns.size
    return rows


def win_rate(pnl: npt.ArrayLike) -> float:
    """Wins / trades over the given closed-trade P&Ls; NaN without trades."""
    values = np.asarray(pnl, dtype=np.float64)
    if values.size == 0:
        return float("nan")
    return float(np.count_nonzero(values > 0.0) / values.size)


def profit_factor(pnl: npt.ArrayLike) -> float:
    """Gross profit / |gross loss| over closed-trade P&Ls (inf/NaN rules: module doc)."""
    values = np.asarray(pnl, dtype=np.float64)
    gross_profit = float(values[values > 0.0].sum())
    gross_loss = float(-values[values < 0.0].sum())
    if gross_loss == 0.0:
        return float("inf") if gross_profit > 0.0 else float("nan")
    return gross_profit / gross_loss


@dataclass(frozen=True, slots=True)
class Exposure:
    """time_in_market: fraction of points in a position; average_gross: mean gross/equity."""

    time_in_market: float
    average_gross: float


def exposure(gross_exposure: npt.ArrayLike, equity: npt.ArrayLike) -> Exposure:
    """Time in market and average gross exposure / equity, per equity point.

    Args:
        gross_exposure: per point sum of |position value| in account currency (>= 0).
        equity: the equity curve, same length.

    Raises:
        MetricsError: lengths differ, or negative / non-finite exposure.
    """
    values = as_equity(equity)
    gross = _per_point(gross_exposure, values.size, "gross_exposure")
    solvent = values > 0.0
    average = float(np.mean(gross[solvent] / values[solvent]))
    return Exposure(float(np.count_nonzero(gross) / gross.size), average)


@dataclass(frozen=True, slots=True)
class Turnover:
    """Two-sided traded notional / mean equity: over the run and per year."""

    total: float
    annual: float


def turnover(
    traded_notional: npt.ArrayLike | float, equity: npt.ArrayLike, *, periods_per_year: float
) -> Turnover:
    """Turnover from per-point traded notional (or its total) and the equity curve.

    Raises:
        MetricsError: a per-point array of the wrong length, or negative notional.
    """
    values = as_equity(equity)
    if np.ndim(traded_notional) == 0:
        total_notional = float(np.asarray(traded_notional, dtype=np.float64))
        if not np.isfinite(total_notional) or total_notional < 0.0:
            raise MetricsError(
                f"traded_notional: expected a finite value >= 0, found {total_notional}"
            )
    else:
        total_notional = float(_per_point(traded_notional, values.size, "traded_notional").sum())
    return turnover_from_total(total_notional, values, periods_per_year)


def turnover_from_total(
    total_notional: float, equity: FloatArray, periods_per_year: float
) -> Turnover:
    """`turnover` for an already validated equity curve and a total notional."""
    total = total_notional / float(equity.mean())
    years = (equity.size - 1) / periods_per_year
    return Turnover(total, total / years if years > 0 else float("nan"))


def _per_point(values: npt.ArrayLike, length: int, name: str) -> FloatArray:
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size != length:
        raise MetricsError(
            f"{name}: expected a 1-D array of {length} values (one per equity point), "
            f"found shape {array.shape}"
        )
    bad = ~np.isfinite(array) | (array < 0.0)
    if bad.any():
        row = int(np.argmax(bad))
        raise MetricsError(f"{name}: expected finite values >= 0, found {array[row]} at row {row}")
    return array
