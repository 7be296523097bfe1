"""PerformanceStats assembled from a cash-accounted multi-symbol run on real closes."""

from __future__ import annotations

import json

import empyrical as ep
import numpy as np
import pytest

from tradewind.research import OPEN_TS, PerformanceStats, TradeArrays, compute_stats

from .conftest import Scenario


@pytest.fixture(scope="module")
def stats(scenario: Scenario) -> PerformanceStats:
    return compute_stats(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        gross_exposure=scenario.gross_exposure,
        traded_notional=scenario.traded_notional,
    )


def test_return_statistics_agree_with_empyrical(
    scenario: Scenario, stats: PerformanceStats
) -> None:
    returns = scenario.equity[1:] / scenario.equity[:-1] - 1.0

    assert stats.periods_per_year == 252.0
    assert stats.sharpe == pytest.approx(ep.sharpe_ratio(returns, annualization=252), 1e-12)
    assert stats.sortino == pytest.approx(ep.sortino_ratio(returns, annualization=252), 1e-12)
    assert stats.cagr == pytest.approx(ep.annual_return(returns, annualization=252), 1e-12)
    assert stats.max_drawdown == pytest.approx(ep.max_drawdown(returns), 1e-12)
    assert stats.calmar == pytest.approx(ep.calmar_ratio(returns, annualization=252), 1e-12)


def test_trade_counts_and_rates_come_from_closed_trades(
    scenario: Scenario, stats: PerformanceStats
) -> None:
    trades = scenario.trades
    closed = trades.pnl[~trades.is_open]

    assert stats.trades == len(trades) - 1  # closed trades only
    assert stats.open_trades == 1
    assert stats.entries == len(trades)
    assert stats.exits == len(trades) - 1
    assert stats.wins == int((closed > 0).sum())
    assert stats.losses == int((closed < 0).sum())
    assert stats.win_rate == pytest.approx(stats.wins / closed.size)
    assert stats.profit_factor == pytest.approx(
        closed[closed > 0].sum() / -closed[closed < 0].sum()
    )
    assert stats.final_equity == pytest.approx(scenario.equity[-1])


def test_exposure_and_turnover_use_the_per_point_arrays(
    scenario: Scenario, stats: PerformanceStats
) -> None:
    held = scenario.gross_exposure > 0

    assert stats.time_in_market == pytest.approx(held.mean())
    assert stats.average_gross_exposure == pytest.approx(
        np.mean(scenario.gross_exposure / scenario.equity)
    )
    assert stats.turnover_total == pytest.approx(
        scenario.traded_notional.sum() / scenario.equity.mean()
    )
    years = (scenario.equity.size - 1) / 252
    assert stats.turnover_annual == pytest.approx(stats.turnover_total / years)


def test_trades_alone_give_time_in_market_and_turnover(
    scenario: Scenario, stats: PerformanceStats
) -> None:
    from_trades = compute_stats(scenario.timestamps, scenario.equity, scenario.trades)

    assert from_trades.time_in_market == pytest.approx(stats.time_in_market)
    assert from_trades.turnover_total == pytest.approx(stats.turnover_total)
    assert np.isnan(from_trades.average_gross_exposure)


def test_as_dict_is_strict_json_and_records_non_finite_values() -> None:
    ts = np.array([0, 86_400, 172_800], dtype=np.int64) * 1_000_000_000
    wins_only = TradeArrays.of(
        entry_ts=[0],
        exit_ts=[ts[1]],
        symbol=[0],
        market=[0],
        strategy=[1],
        qty=[1.0],
        entry_price=[100.0],
        exit_price=[110.0],
        pnl=[10.0],
        commission=[0.0],
    )

    stats = compute_stats(ts, [100.0, 110.0, 110.0], wins_only, periods_per_year=365)
    data = json.loads(json.dumps(stats.as_dict(), allow_nan=False))

    assert data["profit_factor"] is None
    assert data["non_finite"]["profit_factor"] == "inf"
    assert data["calmar"] is None
    assert data["non_finite"]["calmar"] == "nan"
    assert data["entries"] == 1
    assert data["final_equity"] == 110.0
    assert data["start_ts"] == "1970-01-01T00:00:00Z"
    assert data["max_drawdown_peak_ts"] is None


def test_explicit_fill_counts_override_the_trade_counts(scenario: Scenario) -> None:
    stats = compute_stats(
        scenario.timestamps, scenario.equity, scenario.trades, entries=99, exits=7
    )

    assert (stats.entries, stats.exits) == (99, 7)


def test_a_run_without_trades_has_zero_counts_and_undefined_rates() -> None:
    ts = np.arange(3, dtype=np.int64) * 86_400 * 1_000_000_000

    stats = compute_stats(ts, [100.0, 100.0, 100.0], periods_per_year=365)

    assert (stats.trades, stats.entries, stats.wins) == (0, 0, 0)
    assert np.isnan(stats.win_rate)
    assert np.isnan(stats.turnover_total)


def test_open_trade_is_not_a_win_or_loss() -> None:
    ts = np.arange(3, dtype=np.int64) * 86_400 * 1_000_000_000
    trades = TradeArrays.of(
        entry_ts=[0],
        exit_ts=[OPEN_TS],
        symbol=[0],
        market=[0],
        strategy=[1],
        qty=[1.0],
        entry_price=[100.0],
        exit_price=[np.nan],
        pnl=[5.0],
        commission=[0.0],
    )

    stats = compute_stats(ts, [100.0, 105.0, 105.0], trades, periods_per_year=365)

    assert (stats.wins, stats.losses, stats.exits, stats.open_trades) == (0, 0, 0, 1)
    assert stats.time_in_market == pytest.approx(1.0)
