"""Macro and cross-asset drivers: publication lag, units, USD direction, stale series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.macro import load_fred_monthly
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.intelligence.macro.features import macro_drivers, market_drivers
from tradewind.intelligence.returns import IntelligenceInputError


def test_macro_row_holds_the_previous_months_values() -> None:
    fred = load_fred_monthly(["GS10", "TB3MS", "UNRATE"])
    drivers = macro_drivers(fred)

    jan = pd.Timestamp("2000-01-01", tz="UTC")
    feb = pd.Timestamp("2000-02-01", tz="UTC")
    expected = float(fred["GS10"].loc[jan]) - float(fred["TB3MS"].loc[jan])
    assert drivers.at[feb, "term_spread_pp"] == pytest.approx(expected)
    # The month after the last FRED month is a decision month with the last values.
    last = fred.index[-1]
    after = last + pd.offsets.MonthBegin(1)
    assert drivers.index[-1] == after
    assert drivers.at[after, "term_spread_pp"] == pytest.approx(
        float(fred["GS10"].loc[last]) - float(fred["TB3MS"].loc[last])
    )


def test_only_drivers_whose_series_are_present_are_built() -> None:
    drivers = macro_drivers(load_fred_monthly(["UNRATE", "BAA"]))

    assert list(drivers.columns) == ["sahm_gap_pp"]


def test_duplicate_macro_month_is_rejected() -> None:
    index = pd.DatetimeIndex(["2000-01-01", "2000-01-15"], tz="UTC")
    with pytest.raises(IntelligenceInputError, match="2000-01"):
        macro_drivers(pd.DataFrame({"GS10": [1.0, 2.0]}, index=index))


def _daily(values: dict[str, np.ndarray], start: str = "2015-01-01") -> pd.DataFrame:
    n = len(next(iter(values.values())))
    index = pd.bdate_range(start, periods=n, tz="UTC")
    return pd.DataFrame(values, index=index)


def test_fractional_yields_become_percentage_points() -> None:
    n = 400
    ten = np.linspace(0.02, 0.03, n)  # +1 pp over the sample
    closes = _daily({"UST10Y": ten, "UST3M": np.full(n, 0.01)})
    classes = {"UST10Y": MarketClass.BONDS, "UST3M": MarketClass.BONDS}
    types = {"UST10Y": QuoteType.YIELD, "UST3M": QuoteType.YIELD}

    drivers = market_drivers(closes, classes, types, yield_unit="fraction")

    last = drivers.index[-1]
    assert drivers.at[last, "market_term_spread_pp"] == pytest.approx(2.0, abs=1e-9)
    # Month-end 10y now minus six month-ends ago; 3M is flat, so the mean is half of it.
    earlier_month = (last.tz_localize(None) - pd.DateOffset(months=6)).to_period("M")
    in_earlier = pd.DatetimeIndex(closes.index).tz_localize(None).to_period("M") == earlier_month
    then = ten[np.nonzero(in_earlier)[0][-1]]
    expected_pp = 100 * (ten[-1] - then) / 2
    assert drivers.at[last, "yields_chg6_pp"] == pytest.approx(expected_pp, rel=1e-9)


def test_usd_index_rises_when_usd_strengthens_whichever_side_it_quotes() -> None:
    n = 300
    rising = np.exp(np.linspace(0.0, 0.2, n))
    closes = _daily({"EUR-USD": 1.2 / rising, "USD-JPY": 110.0 * rising})
    classes = {"EUR-USD": MarketClass.FOREX, "USD-JPY": MarketClass.FOREX}

    drivers = market_drivers(closes, classes)

    assert drivers["market_usd_6m_pct"].dropna().gt(0).all()


def test_a_series_that_stopped_reads_missing_not_flat() -> None:
    n = 500
    prices = np.exp(np.linspace(0.0, 0.5, n))
    prices[300:] = np.nan  # the source ends after 300 sessions
    closes = _daily({"WTI": prices})

    drivers = market_drivers(closes, {"WTI": MarketClass.COMMODITIES})

    tail = drivers["commodities_6m_pct"].iloc[-3:]
    assert tail.isna().all()
    assert drivers["commodities_6m_pct"].dropna().gt(0).all()


def test_unknown_yield_unit_is_rejected() -> None:
    closes = _daily({"X": np.ones(10)})
    with pytest.raises(IntelligenceInputError, match="basis_points"):
        market_drivers(closes, {}, yield_unit="basis_points")
