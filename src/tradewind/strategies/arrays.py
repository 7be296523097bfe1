"""The two array shapes a strategy sees and produces: `BarWindow` in, `SignalArrays` out.

Both are frozen dataclasses of 1-D numpy arrays of one symbol, oldest bar first, so the
engine and the numba kernels consume them without per-bar Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Final

import numpy as np

from tradewind.strategies.errors import StrategyError

__all__ = ["FLAT", "LONG", "SHORT", "BarWindow", "SignalArrays"]

LONG: Final = 1
"""`SignalArrays.direction` of a long entry."""
SHORT: Final = -1
"""`SignalArrays.direction` of a short entry."""
FLAT: Final = 0
"""`SignalArrays.direction` of an exit (hold no position)."""

_PRICE_FIELDS = ("open", "high", "low", "close", "volume")


def _float_array(name: str, raw: object) -> np.ndarray:
    array = np.asarray(raw)
    if array.ndim != 1:
        raise StrategyError(f"invalid BarWindow.{name}: expected a 1-D array, got {array.ndim}-D")
    if array.dtype.kind not in "fiu":
        raise StrategyError(
            f"invalid BarWindow.{name}: expected float64 values, got dtype {array.dtype}"
        )
    return _read_only(np.ascontiguousarray(array, dtype=np.float64))


def _read_only(array: np.ndarray) -> np.ndarray:
    # A view, so the caller's array stays writeable while strategies cannot modify it.
    view = array.view()
    view.flags.writeable = False
    return view


def _time_array(raw: object) -> np.ndarray:
    array = np.asarray(raw)
    if array.ndim != 1:
        raise StrategyError(
            f"invalid BarWindow.timestamp: expected a 1-D array, got {array.ndim}-D"
        )
    if array.dtype.kind == "M":
        array = array.astype("datetime64[ns]").view(np.int64)
    elif array.dtype.kind not in "iu":
        raise StrategyError(
            "invalid BarWindow.timestamp: expected int64 ns since the epoch (UTC), "
            f"got dtype {array.dtype}"
        )
    return _read_only(np.ascontiguousarray(array, dtype=np.int64))


@dataclass(frozen=True, slots=True)
class BarWindow:
    """The bars of one symbol a strategy may see, oldest first.

    Attributes:
        timestamp: int64 ns since the epoch (UTC): the bar open instant (intraday) or
            its session date at 00:00 UTC (daily and longer).
        Arrays are stored as read-only views (no copy when already float64/int64).
        open, high, low, close, volume: float64; all NaN where the source lacks the
            field (close-only series have NaN open/high/low/volume).

    Raises:
        StrategyError: arrays are not 1-D, have different lengths, are not numeric, or
            timestamps are not strictly ascending.
    """

    timestamp: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "timestamp", _time_array(self.timestamp))
        n = self.timestamp.shape[0]
        for name in _PRICE_FIELDS:
            values = _float_array(name, getattr(self, name))
            if values.shape[0] != n:
                raise StrategyError(
                    f"invalid BarWindow.{name}: expected {n} values (one per timestamp), "
                    f"got {values.shape[0]}"
                )
            set_(self, name, values)
        steps = np.diff(self.timestamp)
        bad = np.flatnonzero(steps <= 0)
        if bad.size:
            i = int(bad[0]) + 1
            raise StrategyError(
                f"invalid BarWindow.timestamp: expected strictly ascending times, bar {i} "
                f"({self.timestamp[i]}) is not after bar {i - 1} ({self.timestamp[i - 1]})"
            )

    @classmethod
    def from_arrays(cls, source: Any) -> BarWindow:
        """A window over any object with `timestamp, open, high, low, close, volume` arrays.

        Accepts `tradewind.data.schema.BarArrays` (what `Catalog.load_arrays` returns)
        without importing the data layer.
        """
        missing = [n for n in ("timestamp", *_PRICE_FIELDS) if not hasattr(source, n)]
        if missing:
            raise StrategyError(
                f"cannot build a BarWindow from {type(source).__name__}: missing "
                + ", ".join(missing)
            )
        return cls(*(getattr(source, n) for n in ("timestamp", *_PRICE_FIELDS)))

    @classmethod
    def from_frame(cls, frame: Any) -> BarWindow:
        """A window over a normalized bar frame (columns `timestamp, ..., volume`)."""
        columns = ("timestamp", *_PRICE_FIELDS)
        missing = [n for n in columns if n not in frame.columns]
        if missing:
            raise StrategyError("cannot build a BarWindow: frame lacks " + ", ".join(missing))
        stamps = frame["timestamp"].to_numpy(dtype="datetime64[ns]")
        return cls(stamps, *(frame[n].to_numpy(dtype=np.float64) for n in _PRICE_FIELDS))

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])

    def head(self, n: int) -> BarWindow:
        """The first `n` bars as views (no copy, no re-validation)."""
        window = object.__new__(BarWindow)
        for name in ("timestamp", *_PRICE_FIELDS):
            object.__setattr__(window, name, getattr(self, name)[:n])
        return window

    def has(self, name: str) -> bool:
        """True when field `name` (`open`, `high`, `low`, `volume`) holds any value."""
        return bool(len(self)) and not bool(np.isnan(getattr(self, name)).all())

    def field_or_close(self, name: str) -> np.ndarray:
        """Field `name`, or `close` when the series lacks it (close-only data)."""
        return getattr(self, name) if self.has(name) else self.close


@dataclass(frozen=True, slots=True)
class SignalArrays:
    """Signals of one strategy on one symbol, evaluated at each bar's close.

    Attributes:
        active: bool, a signal is emitted at bar t.
        direction: int8, +1 LONG entry, -1 SHORT entry, 0 FLAT (exit).
        strength: float64 in [0, 1] on active bars (how much of the allowed size).
        confidence: float64 in [0, 1] on active bars (reliability, for WEIGHTED votes).
        stop_price, target_price: float64 protective stop and take-profit in quote
            currency, NaN = none; only entries may carry them.

    Inactive bars hold the blank row (direction 0, strength 0, confidence 0, NaN
    prices), so two results compare equal exactly when they mean the same.
    `SignalArrays.build` produces that form from looser inputs.

    Raises:
        StrategyError: wrong dtype, shape or length, a value out of range (naming the
            field and the first bad bar), or a stop on the wrong side of its target.
    """

    active: np.ndarray
    direction: np.ndarray
    strength: np.ndarray
    confidence: np.ndarray
    stop_price: np.ndarray
    target_price: np.ndarray

    FIELDS: ClassVar[tuple[str, ...]] = (
        "active",
        "direction",
        "strength",
        "confidence",
        "stop_price",
        "target_price",
    )

    def __post_init__(self) -> None:
        dtypes = (np.bool_, np.int8, np.float64, np.float64, np.float64, np.float64)
        n = None
        for name, dtype in zip(self.FIELDS, dtypes, strict=True):
            array = getattr(self, name)
            if not isinstance(array, np.ndarray) or array.ndim != 1:
                raise StrategyError(f"invalid SignalArrays.{name}: expected a 1-D numpy array")
            if array.dtype != dtype:
                raise StrategyError(
                    f"invalid SignalArrays.{name}: expected dtype {np.dtype(dtype)}, "
                    f"got {array.dtype}"
                )
            if n is None:
                n = array.shape[0]
            elif array.shape[0] != n:
                raise StrategyError(
                    f"invalid SignalArrays.{name}: expected {n} values (like active), "
                    f"got {array.shape[0]}"
                )
        self._check_values()

    def _check_values(self) -> None:
        # Cheap whole-array aggregates first; only when one fails is the first bad bar
        # located (the slower per-rule pass below), so valid 1M-bar results cost ~ms.
        if not self._looks_valid():
            self._locate_bad_value()

    def _looks_valid(self) -> bool:
        idx = np.flatnonzero(self.active)
        sides = self.direction[idx]
        if np.count_nonzero(self.direction) != np.count_nonzero(sides):
            return False
        if sides.size and not (sides.min() >= -1 and sides.max() <= 1):
            return False
        for name in ("strength", "confidence"):
            values = getattr(self, name)
            mine = values[idx]
            if np.count_nonzero(values) != np.count_nonzero(mine):
                return False
            if not ((mine >= 0.0) & (mine <= 1.0)).all():
                return False
        entry = sides != 0
        for name in ("stop_price", "target_price"):
            values = getattr(self, name)
            mine = values[idx]
            present = ~np.isnan(mine)
            if np.count_nonzero(~np.isnan(values)) != np.count_nonzero(present):
                return False
            if np.isinf(mine).any() or (present & ~entry).any():
                return False
        stop, target = self.stop_price[idx], self.target_price[idx]
        both = ~np.isnan(stop) & ~np.isnan(target)
        wrong_long = both & (sides == 1) & ~(stop < target)
        wrong_short = both & (sides == -1) & ~(stop > target)
        return not (wrong_long.any() or wrong_short.any())

    def _locate_bad_value(self) -> None:
        active, direction = self.active, self.direction
        idle = ~active
        _first_bad("direction", direction, (direction < -1) | (direction > 1), "-1, 0 or +1")
        _first_bad("direction", direction, idle & (direction != 0), "0 on inactive bars")
        for name in ("strength", "confidence"):
            values = getattr(self, name)
            inside = (values >= 0.0) & (values <= 1.0)
            _first_bad(name, values, active & ~inside, "a value in [0, 1] on active bars")
            _first_bad(name, values, idle & (values != 0.0), "0 on inactive bars")
        exits = active & (direction == 0)
        for name in ("stop_price", "target_price"):
            values = getattr(self, name)
            present = ~np.isnan(values)
            _first_bad(name, values, np.isinf(values), "a finite price or NaN")
            _first_bad(name, values, idle & present, "NaN on inactive bars")
            _first_bad(name, values, exits & present, "NaN on exits (direction 0)")
        stop, target = self.stop_price, self.target_price
        both = ~np.isnan(stop) & ~np.isnan(target)
        wrong_long = both & (direction == 1) & ~(stop < target)
        wrong_short = both & (direction == -1) & ~(stop > target)
        _first_bad("stop_price", stop, wrong_long, "below target_price on LONG entries")
        _first_bad("stop_price", stop, wrong_short, "above target_price on SHORT entries")

    @classmethod
    def empty(cls, n: int) -> SignalArrays:
        """`n` bars without any signal."""
        return cls(
            np.zeros(n, np.bool_),
            np.zeros(n, np.int8),
            np.zeros(n),
            np.zeros(n),
            np.full(n, np.nan),
            np.full(n, np.nan),
        )

    @classmethod
    def build(
        cls,
        active: np.ndarray,
        direction: np.ndarray | int,
        *,
        strength: np.ndarray | float = 1.0,
        confidence: np.ndarray | float = 1.0,
        stop_price: np.ndarray | float = np.nan,
        target_price: np.ndarray | float = np.nan,
    ) -> SignalArrays:
        """Signal arrays from a bool mask plus per-bar arrays or scalars.

        Values on inactive bars are ignored (blanked), and so are stops and targets on
        exits; the result is validated like any `SignalArrays`.
        """
        mask = np.asarray(active, dtype=np.bool_)
        n = mask.shape[0]
        idx = np.flatnonzero(mask)

        def pick(value: np.ndarray | float, dtype: type, rows: np.ndarray) -> np.ndarray:
            picked: np.ndarray = np.broadcast_to(np.asarray(value, dtype=dtype), (n,))[rows]
            return picked

        sides = pick(direction, np.int8, idx)
        entries = idx[sides != 0]
        out_direction = np.zeros(n, np.int8)
        out_direction[idx] = sides
        strengths, confidences = np.zeros(n), np.zeros(n)
        strengths[idx] = pick(strength, np.float64, idx)
        confidences[idx] = pick(confidence, np.float64, idx)
        stops, targets = np.full(n, np.nan), np.full(n, np.nan)
        stops[entries] = pick(stop_price, np.float64, entries)
        targets[entries] = pick(target_price, np.float64, entries)
        return cls(mask.copy(), out_direction, strengths, confidences, stops, targets)

    def __len__(self) -> int:
        return int(self.active.shape[0])

    @property
    def count(self) -> int:
        """Number of bars with a signal."""
        return int(np.count_nonzero(self.active))

    def indices(self) -> np.ndarray:
        """Bar indices with a signal, ascending."""
        return np.flatnonzero(self.active)

    def head(self, n: int) -> SignalArrays:
        """The first `n` bars as views (no copy, no re-validation)."""
        arrays = object.__new__(SignalArrays)
        for name in self.FIELDS:
            object.__setattr__(arrays, name, getattr(self, name)[:n])
        return arrays

    def first_difference(self, other: SignalArrays, upto: int) -> tuple[int, str] | None:
        """The first bar `< upto` where any field differs (NaN equals NaN), with the field.

        Returns None when the first `upto` bars are identical.
        """
        best: tuple[int, str] | None = None
        for name in self.FIELDS:
            mine, theirs = getattr(self, name)[:upto], getattr(other, name)[:upto]
            if mine.dtype.kind == "f":
                differs = (mine != theirs) & ~(np.isnan(mine) & np.isnan(theirs))
            else:
                differs = mine != theirs
            hits = np.flatnonzero(differs)
            if hits.size and (best is None or int(hits[0]) < best[0]):
                best = (int(hits[0]), name)
        return best

    def describe(self, i: int, name: str) -> str:
        """Bar `i`'s value of field `name` in words (`LONG`, `none`, `0.5`)."""
        if name in ("active", "direction"):
            if not self.active[i]:
                return "no signal"
            return {1: "LONG", -1: "SHORT"}.get(int(self.direction[i]), "FLAT")
        return f"{name} {float(getattr(self, name)[i])!r}"


def _first_bad(name: str, values: np.ndarray, bad: np.ndarray, expected: str) -> None:
    hits = np.flatnonzero(bad)
    if hits.size:
        i = int(hits[0])
        raise StrategyError(
            f"invalid SignalArrays.{name} at bar {i}: expected {expected}, "
            f"got {values[i].item()!r} ({hits.size} bad bars)"
        )
