"""The planted truth of a synthetic market, and its JSON form.

Definitions the detectors are measured against:

* Returns are log close-to-close returns, `r_t = ln(close_t / close_{t-1})`.
* Regimes live on the master clock (gap-free 24/7 grid of `n_bars` bars). A regime span
  covers master bars `start_bar..end_bar` inclusive and the instants
  `[start_time, end_time)`; any symbol's bar is in the regime whose span contains the
  bar's `timestamp`. Spans are contiguous and cover every master bar exactly once.
* A lead-lag pair's two symbols share one calendar and hence identical bar timestamps;
  `lag_bars` counts bars of that calendar's grid (session gaps such as nights and
  weekends are not bars): `r_follower[t] = beta * r_leader[t - lag_bars] + drift + noise`.
  `corr` is the design correlation of `r_follower[t]` with `r_leader[t - lag_bars]`.
  Leaders and followers carry no common-factor exposure, so the planted lag is their
  only lagged dependence.
* A correlation break switches the correlation of the symbol's return shock with its
  group factor, observable through `factor_symbol` (loading 1), from `corr_before`
  to `corr_after` at bar `bar` (index into the symbol's own bars; `time` is that
  bar's timestamp, the first bar with the new correlation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.schema import DataError
from tradewind.data.synthetic.spec import SyntheticSpec

__all__ = [
    "CalendarGroupTruth",
    "CorrelationBreak",
    "LeadLagPair",
    "RegimeSpan",
    "SymbolTruth",
    "SyntheticTruth",
    "VolatilityModel",
    "load_truth",
    "save_truth",
]

TRUTH_FORMAT = "tradewind.synthetic.truth/1"


@dataclass(frozen=True, slots=True)
class RegimeSpan:
    """Master bars `start_bar..end_bar` (inclusive), instants `[start_time, end_time)`."""

    label: str
    start_bar: int
    end_bar: int
    start_time: datetime
    end_time: datetime
    drift_annual: float
    vol_multiplier: float


@dataclass(frozen=True, slots=True)
class LeadLagPair:
    """`r_follower[t] = beta * r_leader[t - lag_bars] + noise`; both on `calendar`'s grid."""

    leader: str
    follower: str
    lag_bars: int
    beta: float
    corr: float
    snr: float
    calendar: str


@dataclass(frozen=True, slots=True)
class CorrelationBreak:
    """The symbol's correlation with `factor_symbol` moves from `corr_before` to `corr_after`.

    `kind` is `sign_flip` or `decouple` (to about zero); `bar` indexes the symbol's own
    bars and is the first bar with `corr_after`; `time` is its timestamp.
    """

    symbol: str
    factor_symbol: str
    bar: int
    time: datetime
    corr_before: float
    corr_after: float
    kind: str
    calendar: str


@dataclass(frozen=True, slots=True)
class SymbolTruth:
    """One generated symbol. `role`: factor, plain, leader, follower or break.

    `factor_loading` is the correlation of its shock with the group factor (before any
    break); `annual_vol` is before regime and GARCH scaling.
    """

    symbol: str
    market: str
    calendar: str
    quote_type: str
    role: str
    annual_vol: float
    factor_loading: float
    n_bars: int
    start_price: float


@dataclass(frozen=True, slots=True)
class CalendarGroupTruth:
    """Symbols sharing a calendar share a bar grid and one common factor."""

    calendar: str
    factor_symbol: str
    n_bars: int
    bars_per_year: float
    symbols: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VolatilityModel:
    """GARCH(1,1) on each symbol's standardised shock, unconditional variance 1:
    `h_t = (1 - alpha - beta) + alpha * eps_{t-1}^2 + beta * h_{t-1}`,
    `eps_t = sqrt(h_t) * z_t`; the bar return scale is
    `annual_vol / sqrt(bars_per_year) * regime vol_multiplier * sqrt(h_t)`."""

    kind: str
    alpha: float
    beta: float
    half_life_bars: float


@dataclass(frozen=True, slots=True)
class SyntheticTruth:
    """Everything planted in a synthetic market (see the module docstring for definitions)."""

    spec: SyntheticSpec
    master_calendar: str
    start_time: datetime
    end_time: datetime
    regimes: tuple[RegimeSpan, ...]
    lead_lag: tuple[LeadLagPair, ...]
    breaks: tuple[CorrelationBreak, ...]
    symbols: tuple[SymbolTruth, ...]
    groups: tuple[CalendarGroupTruth, ...]
    volatility: VolatilityModel

    @property
    def symbol_names(self) -> tuple[str, ...]:
        return tuple(s.symbol for s in self.symbols)

    def symbol(self, name: str) -> SymbolTruth:
        """The truth of one symbol.

        Raises:
            DataError: no such symbol in this market.
        """
        for item in self.symbols:
            if item.symbol == name:
                return item
        raise DataError(f"unknown synthetic symbol {name!r}: not in market {self.spec.name!r}")

    def regime_at(self, times: Any) -> np.ndarray:
        """Regime label of each instant (array of str); '' outside the generated span."""
        stamps = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).as_unit("ns").asi8
        starts = np.array([_ns(r.start_time) for r in self.regimes], dtype=np.int64)
        labels = np.array([r.label for r in self.regimes] + [""], dtype=object)
        idx = np.searchsorted(starts, stamps, side="right") - 1
        inside = (idx >= 0) & (stamps < _ns(self.end_time))
        return np.asarray(labels[np.where(inside, idx, len(self.regimes))], dtype=str)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; times are ISO 8601 UTC text."""
        return {
            "format": TRUTH_FORMAT,
            "spec": self.spec.to_dict(),
            "master_calendar": self.master_calendar,
            "start_time": self.start_time.isoformat(),
            "end_time": self.end_time.isoformat(),
            "regimes": [_row(r) for r in self.regimes],
            "lead_lag": [_row(p) for p in self.lead_lag],
            "breaks": [_row(b) for b in self.breaks],
            "symbols": [_row(s) for s in self.symbols],
            "groups": [_row(g) for g in self.groups],
            "volatility": _row(self.volatility),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SyntheticTruth:
        """Rebuild from `to_dict` output.

        Raises:
            DataError: wrong format marker or missing/invalid fields.
        """
        if data.get("format") != TRUTH_FORMAT:
            raise DataError(
                f"invalid synthetic truth: expected format {TRUTH_FORMAT!r}, "
                f"found {data.get('format')!r}"
            )
        try:
            return cls(
                spec=SyntheticSpec.from_dict(data["spec"]),
                master_calendar=data["master_calendar"],
                start_time=datetime.fromisoformat(data["start_time"]),
                end_time=datetime.fromisoformat(data["end_time"]),
                regimes=tuple(_build(RegimeSpan, r) for r in data["regimes"]),
                lead_lag=tuple(_build(LeadLagPair, p) for p in data["lead_lag"]),
                breaks=tuple(_build(CorrelationBreak, b) for b in data["breaks"]),
                symbols=tuple(_build(SymbolTruth, s) for s in data["symbols"]),
                groups=tuple(_build(CalendarGroupTruth, g) for g in data["groups"]),
                volatility=_build(VolatilityModel, data["volatility"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"invalid synthetic truth: {type(exc).__name__}: {exc}") from None


def _ns(stamp: datetime) -> int:
    return int(pd.Timestamp(stamp).as_unit("ns").value)


def _row(item: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in item.__dataclass_fields__:
        value = getattr(item, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def _build(kind: Any, row: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for name, spec in kind.__dataclass_fields__.items():
        value = row[name]
        if spec.type == "datetime":
            value = datetime.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return kind(**values)


def save_truth(truth: SyntheticTruth, path: str | Path) -> Path:
    """Write the truth as indented JSON (parent folders created); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(truth.to_dict(), indent=1) + "\n", encoding="utf-8")
    return target


def load_truth(path: str | Path) -> SyntheticTruth:
    """Read a truth file written by `save_truth`.

    Raises:
        DataError: the file is missing, not JSON, or not a synthetic truth.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"synthetic truth file {source} not found") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid synthetic truth file {source}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"invalid synthetic truth file {source}: expected a JSON object")
    try:
        return SyntheticTruth.from_dict(data)
    except DataError as exc:
        raise DataError(f"{source}: {exc}") from None
