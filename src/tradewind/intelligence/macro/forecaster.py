"""`MacroRegimeForecaster`: a walk-forward probability over the six macro regimes.

P(RECESSION) comes from a logistic regression on FRED drivers refitted at each decision
month on the NBER labels known by then (`model`); the other five regimes share the rest
by a softmax of standardized cross-asset scores (`scores`). Timing (`features`): macro
values of month `m` are used from month `m + 1` on, daily closes through the decision
instant, labels only of months `<= t - label_lag_months`. Inputs after the decision
instant are dropped before anything is computed, so they cannot change a forecast.

The scores describe the state at the decision instant; regimes persist, so that state is
the forecast for the next `horizon_months`. The recession model's target is explicitly
forward: "a recession month within the next `horizon_months` (this month included)".
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.regimes import MacroRegime
from tradewind.intelligence.macro.features import (
    MACRO_DRIVER_INPUTS,
    YIELD_UNIT_TO_PP,
    decision_month,
    macro_drivers,
    market_drivers,
    monthly_index,
)
from tradewind.intelligence.macro.implications import implications_for
from tradewind.intelligence.macro.model import RecessionFit, RecessionLogit
from tradewind.intelligence.macro.model import recession_labels as _validated_labels
from tradewind.intelligence.macro.scores import (
    REGIME_ORDER,
    compose_probabilities,
    regime_scores,
    standardize,
)
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["MacroRegimeForecaster"]

_ONE_MONTH = pd.offsets.MonthBegin(1)


@dataclass(frozen=True, slots=True)
class _Walk:
    table: pd.DataFrame  # one row per usable decision month
    drivers: pd.DataFrame
    scores: pd.DataFrame
    fits: Mapping[pd.Timestamp, RecessionFit]


class MacroRegimeForecaster:
    """Forecast the macro regime from FRED monthly data and daily cross-asset closes.

    Args:
        macro: wide monthly FRED frame (index month starts, columns FRED ids such as
            GS10, TB3MS, UNRATE, BAA, AAA, CPIAUCSL, INDPRO, PAYEMS, MCOILWTICO,
            TWEXBMTH, KCFSI); any may be missing, drivers needing it are left out.
        classes: symbol -> MarketClass for the columns of `market_data`; symbols not
            listed are ignored.
        horizon_months: forecast horizon (the recession target window), >= 1.
        label_lag_months: how late NBER labels become known, >= 0 (12 by default).
        recession_labels: 0/1 (or bool) NBER recession flag by month; without it (or
            without macro) the recession model abstains and RECESSION is scored like
            the other regimes (uncalibrated; the output says so).
        quote_types: symbol -> QuoteType; YIELD series are used as level changes.
        yield_unit: "percent" (2.39 = 2.39 %) or "fraction" (0.0239, the bundled UST).
        term_spread_symbols: (long, short) yield symbols for a daily term spread.
        regularization_c: inverse L2 strength of the recession logit (sklearn `C`).
        max_macro_staleness_months: how many months the last macro values are carried
            forward when the macro frame ends before the decision month.

    Raises:
        IntelligenceInputError: invalid arguments or unreadable frames.
    """

    def __init__(
        self,
        macro: pd.DataFrame | None = None,
        classes: Mapping[str, MarketClass] | None = None,
        horizon_months: int = 3,
        label_lag_months: int = 12,
        *,
        recession_labels: pd.Series | None = None,
        quote_types: Mapping[str, QuoteType] | None = None,
        yield_unit: str = "percent",
        term_spread_symbols: Sequence[str] = ("UST10Y", "UST3M"),
        regularization_c: float = 1.0,
        max_macro_staleness_months: int = 3,
    ) -> None:
        self._model = RecessionLogit(
            horizon_months=horizon_months,
            label_lag_months=label_lag_months,
            regularization_c=regularization_c,
        )
        if yield_unit not in YIELD_UNIT_TO_PP:
            raise IntelligenceInputError(
                f"yield_unit {yield_unit!r}: expected one of {', '.join(YIELD_UNIT_TO_PP)}"
            )
        if max_macro_staleness_months < 0:
            raise IntelligenceInputError(
                f"max_macro_staleness_months {max_macro_staleness_months}: expected >= 0"
            )
        if macro is not None and not macro.empty:
            months = monthly_index(macro.index, "macro")
            self._macro: pd.DataFrame | None = macro.set_axis(months, axis=0).sort_index()
        else:
            self._macro = None
        self._labels = None if recession_labels is None else _validated_labels(recession_labels)
        self._classes = dict(classes or {})
        self._quote_types = dict(quote_types or {})
        self._yield_unit = yield_unit
        self._term_spread_symbols = tuple(term_spread_symbols)
        self._staleness = max_macro_staleness_months
        self.horizon_months = horizon_months
        self.label_lag_months = label_lag_months
        self._history: dict[pd.Timestamp, tuple[MacroRegime, float]] = {}

    # -- public API --------------------------------------------------------------------

    def forecast_regime(
        self, market_data: pd.DataFrame | None, *, as_of: Any = None
    ) -> dict[str, Any]:
        """Forecast at the last bar of `market_data` (or at `as_of`, dropping later bars).

        Returns a dict: `regime` (the most probable MacroRegime), `probabilities`
        (MacroRegime -> float, summing to 1), `confidence` (the top probability),
        `margin` (top minus second), `horizon` ("3M"), `horizon_months`, `as_of` (last
        information used), `decision_month`, `implications` (see `implications`),
        `drivers` (driver values that month), `scores` (regime scores), and
        `recession_model` (fit details or why it abstained).

        Raises:
            IntelligenceInputError: no bars and no `as_of`, unreadable data, or nothing
                usable at that date (the message names what is missing).
        """
        closes, stamp = self._closes_until(market_data, as_of)
        month = decision_month(stamp)
        walk = self._walk(closes, [month], month)
        if walk.table.empty:
            raise IntelligenceInputError(self._nothing_usable(closes, month))
        result = self._result(walk, month, stamp)
        self._history[stamp] = (result["regime"], result["confidence"])
        return result

    def forecast_path(
        self, market_data: pd.DataFrame | None = None, start: Any = None, end: Any = None
    ) -> pd.DataFrame:
        """Walk-forward forecasts, one per month (decision at each month's last bar).

        Row `t` is exactly what `forecast_regime` returns at the end of month `t`.
        Columns: `as_of`, `regime`, `confidence`, one `p_<REGIME>` per regime,
        `recession_fitted`. Months with nothing usable are left out. Each row is
        recorded in the history used by `get_regime_transitions`.
        """
        closes = _closes(market_data)
        last = _last_month(closes, self._macro)
        first_month = _month_or(start, None)
        last_month = _month_or(end, last)
        if last_month is None:
            raise IntelligenceInputError("forecast_path: no market data and no macro frame")
        closes = closes[closes.index < last_month + _ONE_MONTH]
        first = first_month if first_month is not None else _first_month(closes, self._macro)
        months = list(pd.date_range(first, last_month, freq="MS", tz="UTC", unit="ns"))
        table = self._walk(closes, months, last_month).table
        month_of = monthly_index(closes.index, "market_data")
        stamps = []
        for month, regime, confidence in zip(
            table.index, table["regime"], table["confidence"], strict=True
        ):
            inside = closes.index[month_of == month]
            stamp = inside[-1] if len(inside) else month + _ONE_MONTH - pd.Timedelta(days=1)
            stamps.append(stamp)
            self._history[stamp] = (MacroRegime(regime), float(confidence))
        table.insert(0, "as_of", pd.DatetimeIndex(stamps))
        return table

    def get_regime_transitions(self, lookback: int | None = None) -> list[dict[str, Any]]:
        """Regime changes in the forecast history, oldest first.

        Each: `from`, `to` (MacroRegime), `at` (as_of of the first forecast in the new
        regime), `probability` (that forecast's probability of the new regime).
        `lookback` keeps changes within that many months of the latest forecast.
        """
        if lookback is not None and lookback < 0:
            raise IntelligenceInputError(f"lookback {lookback}: expected months >= 0")
        ordered = sorted(self._history.items())
        out: list[dict[str, Any]] = []
        for (_, (before, _)), (at, (after, p)) in itertools.pairwise(ordered):
            if after != before:
                out.append({"from": before, "to": after, "at": at, "probability": p})
        if lookback is not None and ordered:
            cutoff = ordered[-1][0] - pd.DateOffset(months=lookback)
            out = [t for t in out if t["at"] >= cutoff]
        return out

    # -- internals ---------------------------------------------------------------------

    def _closes_until(
        self, market_data: pd.DataFrame | None, as_of: Any
    ) -> tuple[pd.DataFrame, pd.Timestamp]:
        closes = _closes(market_data)
        if as_of is not None:
            stamp = _utc(as_of, "as_of")
            closes = closes[closes.index <= stamp]
            return closes, stamp
        if closes.empty:
            raise IntelligenceInputError(
                "forecast_regime: market_data has no rows; pass bars or as_of"
            )
        return closes, pd.Timestamp(closes.index[-1])

    def _drivers(self, closes: pd.DataFrame, last_month: pd.Timestamp) -> pd.DataFrame:
        macro = None
        if self._macro is not None:
            macro = self._macro[self._macro.index < last_month]
        macro_part = macro_drivers(macro)
        market_part = market_drivers(
            closes,
            self._classes,
            self._quote_types,
            self._term_spread_symbols,
            self._yield_unit,
        )
        starts = [f.index[0] for f in (macro_part, market_part) if len(f)]
        first = min(starts) if starts else last_month
        months = pd.date_range(min(first, last_month), last_month, freq="MS", tz="UTC")
        every_month = months.union(pd.DatetimeIndex(macro_part.index))
        macro_part = macro_part.reindex(every_month).ffill(limit=self._staleness)
        combined = macro_part.reindex(months).join(market_part.reindex(months))
        return combined.astype("float64")

    def _walk(
        self, closes: pd.DataFrame, months: list[pd.Timestamp], last_month: pd.Timestamp
    ) -> _Walk:
        drivers = self._drivers(closes, last_month)
        z = standardize(drivers)
        wanted = [m for m in months if m in drivers.index]
        fits: dict[pd.Timestamp, RecessionFit] = {}
        if self._labels is not None:
            found = self._model.walk_forward(drivers, self._labels, wanted)
            fits = {f.decision_month: f for f in found}
        index = pd.DatetimeIndex(wanted)
        usable = z.reindex(index).notna().any(axis=1).to_numpy() | index.isin(list(fits))
        index = index[usable]
        scores = regime_scores(z.reindex(index))
        p_rec = pd.Series({m: f.probability for m, f in fits.items()}, dtype="float64")
        probabilities = compose_probabilities(scores, p_rec)
        values = probabilities.to_numpy(dtype=np.float64)
        top = values.argmax(axis=1) if len(values) else np.zeros(0, dtype=np.int64)
        table = pd.DataFrame(
            {
                "regime": [REGIME_ORDER[i].value for i in top],
                "confidence": values.max(axis=1) if len(values) else np.zeros(0),
            },
            index=index,
        )
        for regime in REGIME_ORDER:
            table[f"p_{regime.value}"] = probabilities[regime.value]
        table["recession_fitted"] = index.isin(list(fits))
        return _Walk(table=table, drivers=drivers, scores=scores, fits=fits)

    def _result(self, walk: _Walk, month: pd.Timestamp, stamp: pd.Timestamp) -> dict[str, Any]:
        columns = [f"p_{r.value}" for r in REGIME_ORDER]
        values = walk.table[columns].loc[[month]].to_numpy(dtype=np.float64)[0]
        probabilities = dict(zip(REGIME_ORDER, (float(v) for v in values), strict=True))
        ranked = sorted(probabilities.values(), reverse=True)
        regime = REGIME_ORDER[int(values.argmax())]
        scores = walk.scores.loc[[month]].to_numpy(dtype=np.float64)[0]
        drivers = walk.drivers.loc[[month]].to_numpy(dtype=np.float64)[0]
        return {
            "regime": regime,
            "probabilities": probabilities,
            "confidence": ranked[0],
            "margin": ranked[0] - ranked[1],
            "horizon": f"{self.horizon_months}M",
            "horizon_months": self.horizon_months,
            "as_of": stamp,
            "decision_month": month,
            "implications": implications_for(regime).as_dict(),
            "drivers": {
                str(name): float(value)
                for name, value in zip(walk.drivers.columns, drivers, strict=True)
                if not np.isnan(value)
            },
            "scores": dict(zip(REGIME_ORDER, (float(v) for v in scores), strict=True)),
            "recession_model": self._fit_summary(walk.fits.get(month)),
        }

    def _fit_summary(self, fit: RecessionFit | None) -> dict[str, Any]:
        if fit is None:
            if self._labels is None:
                reason = "no recession labels given"
            elif self._macro is None:
                reason = "no macro frame given"
            else:
                reason = "too little labelled history, or the model's FRED drivers are missing"
            return {"fitted": False, "reason": f"{reason}; RECESSION is scored like the others"}
        return {
            "fitted": True,
            "probability": fit.probability,
            "features": list(fit.features),
            "train_months": fit.train_months,
            "positive_months": fit.positive_months,
            "last_label_month": fit.last_label_month,
            "coefficients": dict(fit.coefficients),
        }

    def _nothing_usable(self, closes: pd.DataFrame, month: pd.Timestamp) -> str:
        present = set() if self._macro is None else {str(c).upper() for c in self._macro}
        wanted = sorted({s for inputs in MACRO_DRIVER_INPUTS.values() for s in inputs})
        missing = [s for s in wanted if s not in present]
        classed = [str(c) for c in closes.columns if str(c) in self._classes]
        return (
            f"macro regime forecast for {month:%Y-%m}: nothing usable; "
            f"FRED series missing: {', '.join(missing) or 'none'}; "
            f"market symbols with a class: {', '.join(classed) or 'none'}; "
            f"drivers need 12 months of history and recession labels for the model"
        )


def _closes(market_data: pd.DataFrame | None) -> pd.DataFrame:
    if market_data is None:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"), dtype="float64")
    if not isinstance(market_data, pd.DataFrame):
        raise IntelligenceInputError(
            f"market_data: expected a wide DataFrame of closes, found {type(market_data).__name__}"
        )
    index = market_data.index
    if not isinstance(index, pd.DatetimeIndex):
        raise IntelligenceInputError(
            f"market_data: expected a DatetimeIndex, found {type(index).__name__}"
        )
    utc = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    if utc.has_duplicates:
        raise IntelligenceInputError(f"market_data: duplicate timestamp {utc[utc.duplicated()][0]}")
    return market_data.set_axis(utc, axis=0).sort_index()


def _utc(value: Any, what: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise IntelligenceInputError(f"{what} {value!r}: expected a date or timestamp") from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _month_or(value: Any, default: pd.Timestamp | None) -> pd.Timestamp | None:
    return default if value is None else decision_month(_utc(value, "month"))


def _last_month(closes: pd.DataFrame, macro: pd.DataFrame | None) -> pd.Timestamp | None:
    if len(closes):
        return decision_month(pd.Timestamp(closes.index[-1]))
    if macro is not None:
        return pd.Timestamp(macro.index[-1]) + _ONE_MONTH
    return None


def _first_month(closes: pd.DataFrame, macro: pd.DataFrame | None) -> pd.Timestamp:
    firsts = []
    if len(closes):
        firsts.append(decision_month(pd.Timestamp(closes.index[0])))
    if macro is not None:
        firsts.append(pd.Timestamp(macro.index[0]) + _ONE_MONTH)
    return min(firsts)
