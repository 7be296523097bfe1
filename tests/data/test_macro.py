"""Bundled FRED monthly series and NBER recession months."""

from __future__ import annotations

import pandas as pd
import pytest

from tradewind.data.macro import (
    fred_catalog,
    load_fred_monthly,
    load_nber_recessions,
    recession_months,
)
from tradewind.data.schema import DataError


def test_fred_monthly_is_wide_float64_with_month_start_dates() -> None:
    wide = load_fred_monthly(["UNRATE", "fedfunds"])
    assert list(wide.columns) == ["UNRATE", "FEDFUNDS"]
    assert (wide.dtypes == "float64").all()
    assert isinstance(wide.index.dtype, pd.DatetimeTZDtype)
    assert (wide.index.day == 1).all()
    assert wide.loc[pd.Timestamp("2022-09-01", tz="UTC"), "UNRATE"] == 3.5


def test_all_fred_series_match_the_catalog() -> None:
    catalog = fred_catalog()
    wide = load_fred_monthly()
    assert sorted(wide.columns) == sorted(catalog["series_id"])
    counts = wide.notna().sum()
    for row in catalog.itertuples():
        assert counts[row.series_id] == row.n_obs


def test_unknown_fred_series_suggests_close_matches() -> None:
    with pytest.raises(DataError, match="unknown FRED series 'UNRAT'; close matches: UNRATE"):
        load_fred_monthly(["UNRAT"])


def test_nber_table_has_peaks_before_troughs() -> None:
    table = load_nber_recessions()
    assert len(table) == 34
    assert (table["peak"] < table["trough"]).all()
    last = table.iloc[-1]
    assert (last["peak"], last["trough"]) == (
        pd.Timestamp("2020-02-01", tz="UTC"),
        pd.Timestamp("2020-04-01", tz="UTC"),
    )


def test_recession_runs_from_month_after_peak_through_trough() -> None:
    months = recession_months("2007-10", "2009-09")
    flagged = months[months].index
    assert flagged[0] == pd.Timestamp("2008-01-01", tz="UTC")  # peak 2007-12
    assert flagged[-1] == pd.Timestamp("2009-06-01", tz="UTC")  # trough 2009-06
    assert months.sum() == 18
    covid = recession_months("2020-01-15", "2020-06-30")
    assert covid.tolist() == [False, False, True, True, False, False]


def test_recession_months_rejects_reversed_range() -> None:
    with pytest.raises(DataError, match="before start"):
        recession_months("2010-01", "2009-01")
