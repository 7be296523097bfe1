"""Walk-forward evaluation of the recession probability against NBER recession months.

Runs `MacroRegimeForecaster.forecast_path` over the bundled FRED monthly data, NBER
dates and bundled daily closes, month by month, and scores it next to the two plain
baselines (yield-curve inversion and a Sahm-style rule) on the same months and timing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from tradewind.data.catalog import Catalog
from tradewind.data.macro import load_fred_monthly, load_nber_recessions, recession_months
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.intelligence.macro import (
    RECESSION_MODEL_FEATURES,
    SAHM_THRESHOLD_PP,
    MacroRegimeForecaster,
    sahm_rule,
    yield_curve_rule,
)

__all__ = [
    "DAILY_SYMBOLS",
    "MODEL_THRESHOLD",
    "MacroEvaluation",
    "SignalEvaluation",
    "evaluate_recession_forecasts",
]

MODEL_THRESHOLD = 0.5
"""The model "fires" (calls a recession) when its probability is at least this."""

DAILY_SYMBOLS: tuple[str, ...] = ("MSFT", "JPM", "XOM", "SPX", "UST10Y", "UST3M", "WTI", "VIX")
"""Bundled daily series fed to the forecaster's cross-asset regime scores."""

_FIRST_LABEL_MONTH = "1854-12"


@dataclass(frozen=True, slots=True)
class SignalEvaluation:
    """One signal's scores against NBER months.

    `auc`: ROC AUC of the continuous score; `detection_lag_months`: per recession (key
    "YYYY-MM" of the NBER peak) months from the first recession month (peak + 1) to the
    first month the signal fires, None if it never fires before the trough;
    `false_alarm_months`: months outside recessions in which it fires.
    """

    name: str
    auc: float
    detection_lag_months: Mapping[str, int | None]
    false_alarm_months: int
    fired_months: int
    rule: str


@dataclass(frozen=True, slots=True)
class MacroEvaluation:
    """Model and baselines side by side over `start .. end` (month starts, UTC).

    `monthly` has one row per month: `date`, `nber_recession`, `model_probability`,
    `model_fires`, `yield_curve_score`, `yield_curve_fires`, `sahm_gap_pp`, `sahm_fires`,
    `regime` and one `p_<REGIME>` column per macro regime (the report's timeline).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    label_lag_months: int
    horizon_months: int
    model: SignalEvaluation
    yield_curve: SignalEvaluation
    sahm: SignalEvaluation
    recession_months: int
    total_months: int
    monthly: pd.DataFrame
    method: str
    runtime_s: float

    @property
    def signals(self) -> tuple[SignalEvaluation, ...]:
        """Model first, then the yield-curve and Sahm baselines."""
        return (self.model, self.yield_curve, self.sahm)

    @property
    def beats_baselines(self) -> bool:
        """True when the model's AUC is above both baselines' AUCs."""
        return self.model.auc > max(self.yield_curve.auc, self.sahm.auc)


def evaluate_recession_forecasts(
    start: Any = "1990-01",
    end: Any = "2022-09",
    label_lag_months: int = 12,
    horizon_months: int = 3,
    catalog: Catalog | None = None,
) -> MacroEvaluation:
    """Walk forward month by month over `start .. end` and score model and baselines.

    Raises:
        DataError: unreadable months, end before start, or a range without both
            recession and non-recession months (AUC undefined).
    """
    began = time.perf_counter()
    first, last = _month(start), _month(end)
    if last < first:
        raise DataError(f"evaluate_recession_forecasts: end {end!r} is before start {start!r}")
    macro = load_fred_monthly()
    labels = recession_months(_FIRST_LABEL_MONTH, last)
    months = pd.date_range(first, last, freq="MS", tz="UTC", unit="ns")
    nber = labels.reindex(months).astype(bool)
    if nber.all() or not nber.any():
        raise DataError(
            f"{first:%Y-%m}..{last:%Y-%m}: expected both recession and expansion months "
            "(ROC AUC needs both)"
        )
    closes, classes, quote_types, yield_unit = _daily_closes(catalog or Catalog(), last)
    forecaster = MacroRegimeForecaster(
        macro,
        classes,
        horizon_months=horizon_months,
        label_lag_months=label_lag_months,
        recession_labels=labels,
        quote_types=quote_types,
        yield_unit=yield_unit,
    )
    path = forecaster.forecast_path(closes, first, last)
    monthly = _monthly_frame(months, nber, path, macro)
    _require_complete(monthly, ["model_probability", "yield_curve_score", "sahm_gap_pp"])
    model_eval, curve_eval, sahm_eval = _evaluations(
        monthly, _recessions_in(first, last), horizon_months
    )
    runtime_s = time.perf_counter() - began
    return MacroEvaluation(
        start=first,
        end=last,
        label_lag_months=label_lag_months,
        horizon_months=horizon_months,
        model=model_eval,
        yield_curve=curve_eval,
        sahm=sahm_eval,
        recession_months=int(nber.sum()),
        total_months=len(months),
        monthly=monthly,
        method=_method(first, last, label_lag_months, horizon_months, closes),
        runtime_s=runtime_s,
    )


def _monthly_frame(
    months: pd.DatetimeIndex, nber: pd.Series, path: pd.DataFrame, macro: pd.DataFrame
) -> pd.DataFrame:
    """One row per month: the NBER label, the model's forecast and both rules' scores."""
    curve = yield_curve_rule(macro).reindex(months)
    sahm = sahm_rule(macro).reindex(months)
    probability = path["p_RECESSION"].reindex(months)
    return pd.DataFrame(
        {
            "date": months,
            "nber_recession": nber.to_numpy(),
            "model_probability": probability.to_numpy(),
            "model_fires": (probability >= MODEL_THRESHOLD).to_numpy(),
            "yield_curve_score": curve["score"].to_numpy(),
            "yield_curve_fires": curve["fires"].fillna(False).to_numpy(dtype=bool),
            "sahm_gap_pp": sahm["score"].to_numpy(),
            "sahm_fires": sahm["fires"].fillna(False).to_numpy(dtype=bool),
            "regime": path["regime"].reindex(months).to_numpy(),
            **{c: path[c].reindex(months).to_numpy() for c in path.columns if c.startswith("p_")},
        }
    )


def _month(value: Any) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(f"invalid month {value!r}: expected e.g. 1990-01") from None
    if pd.isna(stamp):
        raise DataError(f"invalid month {value!r}: expected e.g. 1990-01")
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp.tz_localize("UTC")
    return pd.Timestamp(year=stamp.year, month=stamp.month, day=1, tz="UTC")


def _daily_closes(
    catalog: Catalog, last: pd.Timestamp
) -> tuple[pd.DataFrame, dict[str, MarketClass], dict[str, QuoteType], str]:
    entries = [catalog.entry(s, timeframe="1d") for s in DAILY_SYMBOLS]
    frames = catalog.load_many(DAILY_SYMBOLS, timeframe="1d", end=last + pd.offsets.MonthEnd(1))
    closes = pd.DataFrame(
        {s: f.set_index("timestamp")["close"] for s, f in frames.items()}
    ).sort_index()
    yields = [e for e in entries if e.quote_type is QuoteType.YIELD]
    fraction = bool(yields) and all("fraction" in e.units for e in yields)
    return (
        closes,
        {e.symbol: e.market for e in entries},
        {e.symbol: e.quote_type for e in entries},
        "fraction" if fraction else "percent",
    )


def _require_complete(monthly: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        missing = monthly.loc[monthly[column].isna(), "date"]
        if len(missing):
            raise DataError(
                f"{column}: no value for {len(missing)} month(s), first {missing.iloc[0]:%Y-%m}"
            )


def _recessions_in(
    first: pd.Timestamp, last: pd.Timestamp
) -> list[tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]]:
    table = load_nber_recessions()
    out = []
    for peak, trough in zip(table["peak"], table["trough"], strict=True):
        begins = pd.Timestamp(peak) + pd.offsets.MonthBegin(1)
        if first <= begins <= last:
            out.append((pd.Timestamp(peak), begins, min(pd.Timestamp(trough), last)))
    return out


def _evaluations(
    monthly: pd.DataFrame,
    recessions: list[tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]],
    horizon_months: int,
) -> tuple[SignalEvaluation, SignalEvaluation, SignalEvaluation]:
    """The model's, the yield-curve rule's and the Sahm rule's scores, in that order."""
    model_eval = _score(
        "model", monthly, "model_probability", "model_fires", recessions,
        f"P(recession within {horizon_months} months) >= {MODEL_THRESHOLD}",
    )  # fmt: skip
    curve_eval = _score(
        "yield_curve", monthly, "yield_curve_score", "yield_curve_fires", recessions,
        "GS10 - TB3MS below 0 in any of the last 12 published months",
    )  # fmt: skip
    sahm_eval = _score(
        "sahm", monthly, "sahm_gap_pp", "sahm_fires", recessions,
        f"3-month avg UNRATE minus prior 12-month min of it >= {SAHM_THRESHOLD_PP:.2f} pp",
    )  # fmt: skip
    return model_eval, curve_eval, sahm_eval


def _score(
    name: str,
    monthly: pd.DataFrame,
    score: str,
    fires: str,
    recessions: list[tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]],
    rule: str,
) -> SignalEvaluation:
    nber = monthly["nber_recession"].to_numpy(dtype=bool)
    firing = monthly[fires].to_numpy(dtype=bool)
    auc = float(roc_auc_score(nber, monthly[score].to_numpy(dtype=np.float64)))
    dates = pd.DatetimeIndex(monthly["date"])
    lags: dict[str, int | None] = {}
    for peak, begins, ends in recessions:
        inside = (dates >= begins) & (dates <= ends)
        hits = np.nonzero(firing & inside)[0]
        lags[f"{peak:%Y-%m}"] = int(hits[0] - np.argmax(inside)) if len(hits) else None
    return SignalEvaluation(
        name=name,
        auc=auc,
        detection_lag_months=lags,
        false_alarm_months=int((firing & ~nber).sum()),
        fired_months=int(firing.sum()),
        rule=rule,
    )


def _method(
    first: pd.Timestamp, last: pd.Timestamp, lag: int, horizon: int, closes: pd.DataFrame
) -> str:
    features = ", ".join(RECESSION_MODEL_FEATURES)
    symbols = ", ".join(str(c) for c in closes.columns)
    return (
        f"Walk-forward, one decision per month {first:%Y-%m}..{last:%Y-%m}, taken at the "
        "end of the month. Each month the recession model (L2-regularised logistic "
        "regression, sklearn C=1.0, standardized inputs) is refitted from scratch on all "
        "earlier months whose label is known: NBER labels only of months at least "
        f"{lag} months before the decision (NBER announces turning points 8-21 months "
        "late), and a training month enters only once its whole target window is "
        f"labelled. Target: a recession month within the next {horizon} months (the "
        "decision month included). Training starts where the inputs do (1950s), so the "
        "1990 fit has seven post-war recessions. Inputs (fixed before any evaluation run, "
        "from the literature, not tuned on 1990-2022): "
        f"{features}, all from bundled FRED monthly data; a macro value for month m is "
        "used from month m+1 on (publication lag). Both baselines use the same lag: the "
        "yield-curve rule fires when GS10-TB3MS was below 0 in any of the last 12 "
        "published months (AUC score: minus that 12-month minimum); the Sahm-style rule "
        f"fires when the 3-month average UNRATE exceeds its prior 12-month minimum by "
        f">= {SAHM_THRESHOLD_PP:.2f} pp (AUC score: that gap). The model fires at "
        f"probability >= {MODEL_THRESHOLD}. Scored against NBER recession months (peak+1 "
        "through trough): ROC AUC (sklearn roc_auc_score) over every month; detection "
        "lag = months from peak+1 to the first firing month inside the recession (None: "
        "never before the trough); false alarms = firing months outside recessions. The "
        f"other regimes come from cross-asset scores on bundled daily closes ({symbols}) "
        "and FRED drivers and do not enter these figures. Caveats: FRED values are the "
        "latest vintage, not real-time (payrolls and industrial production are revised; "
        "the baselines' GS10/TB3MS are not, UNRATE little), and a 12-month label lag is "
        "shorter than some NBER trough announcements (up to 21 months), so the figures "
        "are somewhat optimistic for the model; pass label_lag_months=24 for a "
        "conservative run."
    )
