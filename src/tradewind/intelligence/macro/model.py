"""Walk-forward recession probability: a regularised logistic regression on macro drivers.

At decision month `t` the model is refitted on the months whose label is already known:
NBER announces peaks and troughs many months late, so only labels of months
`<= t - label_lag_months` are used (12 by default). The target of training month `s` is
"a recession month occurs in `s .. s + horizon_months - 1`", so a row enters training
only once its whole horizon is labelled. Drivers follow the publication lag of
`features` (row `t` holds macro values of month `t - 1`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tradewind.intelligence.macro.features import RECESSION_MODEL_FEATURES, monthly_index
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["RecessionFit", "RecessionLogit", "recession_labels", "recession_target"]


@dataclass(frozen=True, slots=True)
class RecessionFit:
    """One walk-forward decision: the probability and what the fit was allowed to see.

    `coefficients` are per standardized feature (log-odds per one standard deviation).
    """

    decision_month: pd.Timestamp
    probability: float
    features: tuple[str, ...]
    train_months: int
    positive_months: int
    last_label_month: pd.Timestamp
    coefficients: Mapping[str, float] = field(default_factory=dict)


def recession_labels(labels: pd.Series) -> pd.Series:
    """Validate 0/1 (or bool) recession labels by month; returns float 0/1 on UTC months.

    Raises:
        IntelligenceInputError: non-datetime index, duplicate months, values not 0/1.
    """
    months = monthly_index(labels.index, "recession_labels")
    if months.has_duplicates:
        raise IntelligenceInputError("recession_labels: expected one value per month")
    values = pd.to_numeric(pd.Series(labels.to_numpy(), index=months), errors="coerce")
    values = values.astype("float64")
    bad = values.notna() & ~values.isin([0.0, 1.0])
    if bad.any() or values.isna().any():
        where = values.index[(bad | values.isna()).to_numpy()][0]
        raise IntelligenceInputError(
            f"recession_labels[{where:%Y-%m}]: expected 0/1 or True/False, "
            f"found {labels.iloc[int(np.nonzero((bad | values.isna()).to_numpy())[0][0])]!r}"
        )
    full = pd.date_range(months.min(), months.max(), freq="MS", tz="UTC", unit="ns")
    return values.sort_index().reindex(full)


def recession_target(labels: pd.Series, horizon_months: int) -> pd.Series:
    """1.0 when a recession month falls in `s .. s + horizon_months - 1`, NaN if unknown."""
    if horizon_months < 1:
        raise IntelligenceInputError(f"horizon_months {horizon_months}: expected at least 1")
    return labels[::-1].rolling(horizon_months, min_periods=horizon_months).max()[::-1]


class RecessionLogit:
    """L2-regularised logistic regression refitted at every decision month.

    Args:
        horizon_months: the target window (see module doc); 1 = "in recession this month".
        label_lag_months: labels of months later than `t - label_lag_months` are unseen.
        regularization_c: inverse L2 strength on standardized features (sklearn `C`).
        min_train_months / min_positive_months: below these the model abstains (None).
        features: driver columns it may use; those missing or NaN at `t` are left out.
    """

    def __init__(
        self,
        *,
        horizon_months: int = 3,
        label_lag_months: int = 12,
        regularization_c: float = 1.0,
        min_train_months: int = 120,
        min_positive_months: int = 12,
        features: Sequence[str] = RECESSION_MODEL_FEATURES,
    ) -> None:
        if horizon_months < 1:
            raise IntelligenceInputError(f"horizon_months {horizon_months}: expected >= 1")
        if label_lag_months < 0:
            raise IntelligenceInputError(f"label_lag_months {label_lag_months}: expected >= 0")
        if not regularization_c > 0:
            raise IntelligenceInputError(f"regularization_c {regularization_c}: expected > 0")
        self.horizon_months = horizon_months
        self.label_lag_months = label_lag_months
        self.regularization_c = regularization_c
        self.min_train_months = min_train_months
        self.min_positive_months = min_positive_months
        self.features = tuple(features)

    def predict(
        self, drivers: pd.DataFrame, labels: pd.Series, month: pd.Timestamp
    ) -> RecessionFit | None:
        """Fit on what is known at `month` and return its probability (None: abstains).

        `drivers` is indexed by decision month (`features.macro_drivers`); `labels` is
        the output of `recession_labels`. Rows after `month` are never read.
        """
        fits = self.walk_forward(drivers, labels, [month])
        return fits[0] if fits else None

    def walk_forward(
        self, drivers: pd.DataFrame, labels: pd.Series, months: Iterable[pd.Timestamp]
    ) -> list[RecessionFit]:
        """One fit per decision month (months where the model abstains are left out)."""
        columns = [c for c in self.features if c in drivers.columns]
        if not columns:
            return []
        x_all = drivers[columns].to_numpy(dtype=np.float64, na_value=np.nan)
        index = pd.DatetimeIndex(drivers.index)
        target = recession_target(labels, self.horizon_months).reindex(index)
        y_all = target.to_numpy(dtype=np.float64, na_value=np.nan)
        fits: list[RecessionFit] = []
        for month in months:
            fit = self._fit_one(x_all, y_all, index, columns, labels, pd.Timestamp(month))
            if fit is not None:
                fits.append(fit)
        return fits

    def _fit_one(
        self,
        x_all: np.ndarray,
        y_all: np.ndarray,
        index: pd.DatetimeIndex,
        columns: list[str],
        labels: pd.Series,
        month: pd.Timestamp,
    ) -> RecessionFit | None:
        row = int(index.searchsorted(month))
        if row >= len(index) or index[row] != month:
            return None
        usable = ~np.isnan(x_all[row])
        if not usable.any():
            return None
        last_label = month - pd.DateOffset(months=self.label_lag_months)
        known_labels = labels[labels.index <= last_label].dropna()
        if known_labels.empty:
            return None
        last_label = known_labels.index[-1]
        # A training row's horizon must end on or before the last known label month.
        last_row_month = last_label - pd.DateOffset(months=self.horizon_months - 1)
        n_rows = int(index.searchsorted(last_row_month, side="right"))
        x_train = x_all[:n_rows][:, usable]
        y_train = y_all[:n_rows]
        keep = ~np.isnan(y_train) & ~np.isnan(x_train).any(axis=1)
        x_train, y_train = x_train[keep], y_train[keep]
        positives = int(y_train.sum())
        if (
            len(y_train) < self.min_train_months
            or positives < self.min_positive_months
            or positives == len(y_train)
        ):
            return None
        # newton-cholesky: exact for this small, well-conditioned problem and, unlike
        # lbfgs, not slowed by BLAS thread contention on a shared machine.
        logit = LogisticRegression(C=self.regularization_c, solver="newton-cholesky")
        pipeline = make_pipeline(StandardScaler(), logit)
        pipeline.fit(x_train, y_train.astype(np.int64))
        probability = float(pipeline.predict_proba(x_all[row : row + 1, usable])[0, 1])
        used = tuple(c for c, ok in zip(columns, usable, strict=True) if ok)
        coefficients = pipeline[-1].coef_[0]
        return RecessionFit(
            decision_month=month,
            probability=probability,
            features=used,
            train_months=len(y_train),
            positive_months=positives,
            last_label_month=pd.Timestamp(last_label),
            coefficients=dict(zip(used, (float(c) for c in coefficients), strict=True)),
        )
