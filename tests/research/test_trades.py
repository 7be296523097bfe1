"""Hand-computed trade statistics: win rate, profit factor, exposure, turnover."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.research import (
    OPEN_TS,
    MetricsError,
    TradeArrays,
    exposure,
    profit_factor,
    turnover,
    win_rate,
)
from tradewind.research.trades import bar_index


def test_win_rate_counts_break_evens_in_the_denominator() -> None:
    assert win_rate([10.0, -5.0, 0.0, 20.0]) == pytest.approx(0.5)


def test_profit_factor_is_gross_profit_over_gross_loss() -> None:
    assert profit_factor([10.0, -5.0, 0.0, 20.0, -10.0]) == pytest.approx(30.0 / 15.0)


def test_all_wins_give_an_infinite_profit_factor_and_full_win_rate() -> None:
    assert profit_factor([1.0, 2.0]) == np.inf
    assert win_rate([1.0, 2.0]) == 1.0


def test_all_losses_give_zero_profit_factor_and_zero_win_rate() -> None:
    assert profit_factor([-1.0, -2.0]) == 0.0
    assert win_rate([-1.0, -2.0]) == 0.0


def test_no_trades_or_only_break_evens_have_undefined_rates() -> None:
    assert np.isnan(profit_factor([]))
    assert np.isnan(profit_factor([0.0, 0.0]))
    assert np.isnan(win_rate([]))


def test_exposure_is_time_in_market_and_mean_gross_over_equity() -> None:
    gross = [0.0, 50.0, 100.0, 0.0]
    equity = [100.0, 100.0, 200.0, 100.0]

    result = exposure(gross, equity)

    assert result.time_in_market == pytest.approx(0.5)
    assert result.average_gross == pytest.approx((0 + 0.5 + 0.5 + 0) / 4)


def test_turnover_is_two_sided_notional_over_mean_equity() -> None:
    equity = np.array([100.0, 110.0, 90.0, 100.0, 100.0])
    traded = np.array([0.0, 100.0, 0.0, 100.0, 0.0])  # in and out of the whole book once

    result = turnover(traded, equity, periods_per_year=2)

    assert result.total == pytest.approx(2.0)
    assert result.annual == pytest.approx(2.0 / (4 / 2))
    assert turnover(200.0, equity, periods_per_year=2) == result


def test_turnover_of_a_single_point_has_no_annual_rate() -> None:
    result = turnover(0.0, [100.0], periods_per_year=252)

    assert result.total == 0.0
    assert np.isnan(result.annual)


@pytest.mark.parametrize(
    ("gross", "message"),
    [([1.0, 2.0], "3 values"), ([1.0, -1.0, 0.0], "-1.0 at row 1"), ([np.nan, 0, 0], "row 0")],
)
def test_exposure_arrays_are_validated(gross: list[float], message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        exposure(gross, [1.0, 1.0, 1.0])


def test_trade_arrays_coerce_dtypes_and_default_commission_to_zero() -> None:
    trades = TradeArrays.of(
        entry_ts=np.array(["2020-01-02"], dtype="datetime64[ns]"),
        exit_ts=[OPEN_TS],
        symbol=[0],
        market=[0],
        strategy=[1],
        qty=[1],
        entry_price=[10],
        exit_price=[np.nan],
        pnl=[0.5],
    )

    assert trades.entry_ts.tolist() == [np.datetime64("2020-01-02", "ns").astype(np.int64)]
    assert trades.qty.dtype == np.float64
    assert trades.commission.tolist() == [0.0]
    assert trades.is_open.tolist() == [True]


def test_trade_arrays_reject_ragged_fields() -> None:
    with pytest.raises(MetricsError, match=r"trades.qty: expected 1 values .* found 2"):
        TradeArrays.of(
            entry_ts=[1],
            exit_ts=[2],
            symbol=[0],
            market=[0],
            strategy=[1],
            qty=[1.0, 2.0],
            entry_price=[1.0],
            exit_price=[1.0],
            pnl=[0.0],
        )


def test_a_fill_counts_in_the_first_mark_at_or_after_it() -> None:
    marks = np.array([10, 20, 30], dtype=np.int64)
    fills = np.array([10, 11, 30, 31, OPEN_TS], dtype=np.int64)

    assert bar_index(marks, fills).tolist() == [0, 1, 2, 3, 3]


def test_traded_notional_counts_entry_and_exit_but_not_an_open_exit() -> None:
    trades = TradeArrays.of(
        entry_ts=[1, 2],
        exit_ts=[3, OPEN_TS],
        symbol=[0, 1],
        market=[0, 0],
        strategy=[1, 1],
        qty=[2.0, -3.0],
        entry_price=[10.0, 20.0],
        exit_price=[12.0, np.nan],
        pnl=[4.0, 0.0],
    )

    np.testing.assert_allclose(trades.traded_notional(), [2 * 22.0, 3 * 20.0])
    np.testing.assert_allclose(trades.traded_notional(np.array([1.0, 50.0])), [44.0, 3000.0])


def test_trade_arrays_reject_a_missing_pnl() -> None:
    with pytest.raises(
        MetricsError, match=r"trades\.pnl: expected finite values, found nan at row 1"
    ):
        TradeArrays.of(
            entry_ts=[1, 2],
            exit_ts=[2, 3],
            symbol=[0, 0],
            market=[0, 0],
            strategy=[1, 1],
            qty=[1.0, 1.0],
            entry_price=[1.0, 1.0],
            exit_price=[1.0, 1.0],
            pnl=[0.0, np.nan],
        )
