"""The recession logit sees only labels known at each decision month."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from tradewind.data.macro import load_fred_monthly, recession_months
from tradewind.intelligence.macro.features import macro_drivers
from tradewind.intelligence.macro.model import RecessionLogit, recession_labels
from tradewind.intelligence.returns import IntelligenceInputError

DECISION = pd.Timestamp("2000-06-01", tz="UTC")


@cache
def _drivers() -> pd.DataFrame:
    return macro_drivers(load_fred_monthly())


@cache
def _labels() -> pd.Series:
    return recession_labels(recession_months("1854-12", "2022-09"))


def test_labels_after_the_label_lag_cannot_change_the_probability() -> None:
    model = RecessionLogit(label_lag_months=12)
    base = model.predict(_drivers(), _labels(), DECISION)
    tampered = _labels().copy()
    tampered[tampered.index > DECISION - pd.DateOffset(months=12)] = 1.0

    again = model.predict(_drivers(), tampered, DECISION)

    assert base is not None
    assert again is not None
    assert again.probability == base.probability
    assert base.last_label_month == pd.Timestamp("1999-06-01", tz="UTC")


def test_labels_before_the_cutoff_do_change_it() -> None:
    model = RecessionLogit(label_lag_months=12)
    base = model.predict(_drivers(), _labels(), DECISION)
    tampered = _labels().copy()
    tampered[(tampered.index >= "1996-01-01") & (tampered.index <= "1997-12-01")] = 1.0

    again = model.predict(_drivers(), tampered, DECISION)

    assert base is not None
    assert again is not None
    assert again.probability != pytest.approx(base.probability, abs=1e-6)


def test_drivers_after_the_decision_month_are_never_read() -> None:
    model = RecessionLogit()
    base = model.predict(_drivers(), _labels(), DECISION)
    tampered = _drivers().copy()
    tampered.loc[tampered.index > DECISION] = 99.0

    again = model.predict(tampered, _labels(), DECISION)

    assert base is not None
    assert again is not None
    assert again.probability == base.probability


def test_model_abstains_without_enough_recessions_in_known_labels() -> None:
    only_recent = _labels()[_labels().index >= "1995-01-01"]

    assert RecessionLogit().predict(_drivers(), only_recent, DECISION) is None


def test_fit_reports_what_it_used() -> None:
    fit = RecessionLogit(horizon_months=3).predict(_drivers(), _labels(), DECISION)

    assert fit is not None
    assert 0.0 < fit.probability < 1.0
    assert "term_spread_min12_pp" in fit.features
    assert fit.train_months > 400
    assert set(fit.coefficients) == set(fit.features)


def test_labels_must_be_zero_or_one() -> None:
    index = pd.date_range("2000-01-01", periods=3, freq="MS", tz="UTC")
    with pytest.raises(IntelligenceInputError, match="2000-02"):
        recession_labels(pd.Series([0, 2, 1], index=index))
