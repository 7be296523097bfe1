"""Return and drawdown statistics, cross-checked against empyrical on real bundled data."""

from __future__ import annotations

import empyrical as ep
import numpy as np
import pandas as pd
import pytest
from empyrical.stats import drawdown_series as ep_drawdown_series

from tradewind.data.schema import BarArrays
from tradewind.research import (
    MetricsError,
    annual_volatility,
    cagr,
    calmar,
    drawdown_series,
    infer_periods_per_year,
    max_drawdown,
    sharpe,
    simple_returns,
    sortino,
    total_return,
)
from tradewind.research.metrics import NS_PER_DAY

from .conftest import load_daily


def _ts(stamps: pd.DatetimeIndex) -> np.ndarray:
    return stamps.as_unit("ns").asi8


def _day(ts_ns: int | None) -> str | None:
    return None if ts_ns is None else str(np.datetime64(ts_ns, "ns").astype("datetime64[D]"))


@pytest.fixture(
    scope="module", params=[("SPX", "equities", 252.0), ("BTC-USD", "crypto", 365.0)], ids=str
)
def real_curve(request: pytest.FixtureRequest) -> tuple[BarArrays, float]:
    symbol, market, periods = request.param
    return load_daily(symbol, market), periods


@pytest.mark.parametrize("risk_free_rate", [0.0, 0.03])
def test_ratios_match_empyrical_on_real_closes(
    real_curve: tuple[BarArrays, float], risk_free_rate: float
) -> None:
    bars, periods = real_curve
    equity = bars.close
    returns = equity[1:] / equity[:-1] - 1.0
    rf_period = (1 + risk_free_rate) ** (1 / periods) - 1

    assert sharpe(equity, periods_per_year=periods, risk_free_rate=risk_free_rate) == (
        pytest.approx(ep.sharpe_ratio(returns, risk_free=rf_period, annualization=periods), 1e-12)
    )
    assert sortino(equity, periods_per_year=periods, risk_free_rate=risk_free_rate) == (
        pytest.approx(
            ep.sortino_ratio(returns, required_return=rf_period, annualization=periods), 1e-12
        )
    )


def test_growth_and_drawdown_match_empyrical_on_real_closes(
    real_curve: tuple[BarArrays, float],
) -> None:
    bars, periods = real_curve
    equity = bars.close
    returns = equity[1:] / equity[:-1] - 1.0

    assert cagr(equity, periods_per_year=periods) == pytest.approx(
        ep.annual_return(returns, annualization=periods), 1e-12
    )
    assert max_drawdown(equity).max_drawdown == pytest.approx(ep.max_drawdown(returns), 1e-12)
    assert calmar(equity, periods_per_year=periods) == pytest.approx(
        ep.calmar_ratio(returns, annualization=periods), 1e-12
    )
    assert annual_volatility(equity, periods_per_year=periods) == pytest.approx(
        ep.annual_volatility(returns, annualization=periods), 1e-12
    )
    assert total_return(equity) == pytest.approx(ep.cum_returns_final(returns), 1e-12)
    np.testing.assert_allclose(drawdown_series(equity)[1:], ep_drawdown_series(returns), atol=1e-12)


def test_intraday_sharpe_matches_empyrical_with_inferred_annualization() -> None:
    from tradewind.data.catalog import Catalog

    bars = Catalog("/nonexistent-user-catalog").load_arrays(
        "BTC-USD", market="crypto", timeframe="1h"
    )
    periods = infer_periods_per_year(bars.timestamp)
    returns = bars.close[1:] / bars.close[:-1] - 1.0

    assert periods == 24 * 365
    assert sharpe(bars.close, periods_per_year=periods) == pytest.approx(
        ep.sharpe_ratio(returns, annualization=periods), 1e-12
    )


def test_spx_max_drawdown_is_the_2007_to_2009_bear_market(spx: BarArrays) -> None:
    result = max_drawdown(spx.close, spx.timestamp)

    assert result.max_drawdown == pytest.approx(676.53 / 1565.15 - 1, abs=1e-4)
    assert _day(result.peak_ts) == "2007-10-09"
    assert _day(result.trough_ts) == "2009-03-09"
    assert _day(result.recovery_ts) == "2013-03-28"
    assert result.duration_bars == result.recovery_index - result.peak_index
    assert result.longest_underwater_bars >= result.duration_bars


def test_unrecovered_drawdown_runs_to_the_last_point() -> None:
    ts = np.arange(6, dtype=np.int64) * NS_PER_DAY
    result = max_drawdown([100.0, 120.0, 90.0, 60.0, 80.0, 110.0], ts)

    assert result.max_drawdown == pytest.approx(-0.5)
    assert (result.peak_index, result.trough_index, result.recovery_index) == (1, 3, -1)
    assert result.recovery_ts is None
    assert result.duration_bars == 4
    assert result.longest_underwater_bars == 4
    assert result.longest_underwater_ns == 4 * NS_PER_DAY


def test_drawdown_peak_is_the_last_touch_of_the_high_before_the_trough() -> None:
    result = max_drawdown([100.0, 110.0, 105.0, 110.0, 88.0, 111.0])

    assert (result.peak_index, result.trough_index, result.recovery_index) == (3, 4, 5)
    assert result.max_drawdown == pytest.approx(-0.2)
    assert result.longest_underwater_bars == 1


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        (pd.bdate_range("2020-01-01", periods=300, tz="UTC"), 252.0),
        (pd.date_range("2020-01-01", periods=300, freq="D", tz="UTC"), 365.0),
        (pd.date_range("2020-01-03", periods=100, freq="W-FRI", tz="UTC"), 52.0),
        (pd.date_range("2020-01-31", periods=40, freq="ME", tz="UTC"), 12.0),
        (pd.date_range("2000-03-31", periods=40, freq="QE", tz="UTC"), 4.0),
        (pd.date_range("2000-12-31", periods=10, freq="YE", tz="UTC"), 1.0),
        (pd.date_range("2020-01-01", periods=2000, freq="15min", tz="UTC"), 96 * 365.0),
    ],
    ids=["business-days", "calendar-days", "weekly", "monthly", "quarterly", "yearly", "15min"],
)
def test_periods_per_year_is_inferred_from_the_spacing(
    stamps: pd.DatetimeIndex, expected: float
) -> None:
    assert infer_periods_per_year(_ts(stamps)) == expected


def test_exchange_hourly_bars_count_session_hours_only() -> None:
    days = pd.bdate_range("2021-03-01", periods=60, tz="UTC")
    hours = [
        day + pd.Timedelta(hours=14, minutes=30) + pd.Timedelta(hours=h)
        for day in days
        for h in range(7)
    ]

    assert infer_periods_per_year(_ts(pd.DatetimeIndex(hours))) == 7 * 252


def test_real_daily_series_infer_their_calendar(spx: BarArrays, btc: BarArrays) -> None:
    assert infer_periods_per_year(spx.timestamp) == 252.0
    assert infer_periods_per_year(btc.timestamp) == 365.0


def test_flat_equity_has_no_ratio_and_no_drawdown() -> None:
    flat = np.full(50, 1_000.0)

    assert total_return(flat) == 0.0
    assert cagr(flat, periods_per_year=252) == 0.0
    assert np.isnan(sharpe(flat, periods_per_year=252))
    assert np.isnan(sortino(flat, periods_per_year=252))
    assert np.isnan(calmar(flat, periods_per_year=252))
    assert max_drawdown(flat).max_drawdown == 0.0
    assert max_drawdown(flat).peak_ts is None


def test_single_point_has_no_annualized_statistics() -> None:
    one = np.array([1_000.0])

    assert total_return(one) == 0.0
    assert np.isnan(cagr(one, periods_per_year=252))
    assert np.isnan(sharpe(one, periods_per_year=252))
    assert max_drawdown(one).max_drawdown == 0.0


def test_steady_growth_without_losing_periods_has_infinite_sortino() -> None:
    equity = 100.0 * 1.001 ** np.arange(30)

    assert sortino(equity, periods_per_year=252) == np.inf
    assert sharpe(equity, periods_per_year=252) == np.inf
    assert cagr(equity, periods_per_year=252) == pytest.approx(1.001**252 - 1)


def test_returns_stop_at_ruin() -> None:
    equity = [100.0, 50.0, 0.0, 10.0]

    np.testing.assert_allclose(simple_returns(equity), [-0.5, -1.0])
    assert cagr(equity, periods_per_year=252) == -1.0
    assert max_drawdown(equity).max_drawdown == -1.0


@pytest.mark.parametrize(
    ("equity", "message"),
    [
        ([], "non-empty 1-D"),
        ([100.0, np.nan], "finite values, found nan at row 1"),
        ([0.0, 1.0], "positive starting value"),
        ([[1.0, 2.0]], "1-D"),
    ],
)
def test_malformed_equity_is_rejected(equity: list[float], message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        total_return(equity)


def test_timestamps_must_increase_and_match_the_curve() -> None:
    with pytest.raises(MetricsError, match=r"row 2 \(5\) is not after row 1 \(5\)"):
        max_drawdown([1.0, 2.0, 3.0], np.array([1, 5, 5], dtype=np.int64))
    with pytest.raises(MetricsError, match="3 values"):
        max_drawdown([1.0, 2.0, 3.0], np.array([1, 2], dtype=np.int64))
    with pytest.raises(MetricsError, match="at least 2 timestamps"):
        infer_periods_per_year(np.array([1], dtype=np.int64))


def test_periods_per_year_must_be_positive() -> None:
    with pytest.raises(MetricsError, match="positive number, found 0"):
        sharpe([1.0, 2.0, 3.0], periods_per_year=0)
