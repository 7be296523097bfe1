"""Per-market and per-strategy P&L rebuilt from trades and marks on real closes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tradewind.research import MetricsError, TradeArrays, compute_stats, stats_by_group

from .conftest import MARKETS, STRATEGIES, Scenario


def test_market_pnl_curves_add_up_to_the_cash_accounted_equity(scenario: Scenario) -> None:
    groups = stats_by_group(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        group="market",
        close=scenario.close,
        names=MARKETS,
    )

    total = sum(g.pnl for g in groups.values())
    assert list(groups) == list(MARKETS)
    np.testing.assert_allclose(total, scenario.equity - scenario.start_equity, atol=1e-6)


def test_market_statistics_are_those_of_capital_plus_group_pnl(scenario: Scenario) -> None:
    groups = stats_by_group(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        group="market",
        close=scenario.close,
        names=MARKETS,
    )
    bonds = groups["bonds"]
    own = scenario.trades.select(scenario.trades.market == 1)
    expected = compute_stats(scenario.timestamps, scenario.start_equity + bonds.pnl, own)

    assert bonds.capital == scenario.start_equity
    assert bonds.stats.sharpe == pytest.approx(expected.sharpe)
    assert bonds.stats.max_drawdown == pytest.approx(expected.max_drawdown)
    assert bonds.stats.trades == int((~own.is_open).sum())  # closed trades
    assert bonds.stats.open_trades == int(own.is_open.sum())
    assert bonds.stats.wins == expected.wins
    assert bonds.stats.final_equity == pytest.approx(scenario.start_equity + own.pnl.sum())


def test_market_exposure_adds_up_to_the_run_gross_exposure(scenario: Scenario) -> None:
    groups = stats_by_group(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        group="market",
        close=scenario.close,
        names=MARKETS,
    )
    run_time_in_market = (scenario.gross_exposure > 0).mean()

    assert max(g.stats.time_in_market for g in groups.values()) <= run_time_in_market
    assert groups["equities"].stats.time_in_market > 0.2


def test_shared_trades_are_split_equally_between_their_strategies(scenario: Scenario) -> None:
    by_strategy = stats_by_group(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        group="strategy",
        close=scenario.close,
        names=STRATEGIES,
    )
    trades = scenario.trades
    trend_share = np.where(trades.strategy == 3, 0.5, np.where(trades.strategy == 1, 1.0, 0.0))
    closed = ~trades.is_open

    total = sum(g.pnl for g in by_strategy.values())
    np.testing.assert_allclose(total, scenario.equity - scenario.start_equity, atol=1e-6)
    assert by_strategy["trend"].stats.trades == int(((trend_share > 0) & closed).sum())
    assert by_strategy["trend"].stats.gross_profit == pytest.approx(
        (trades.pnl * trend_share)[closed & (trades.pnl > 0)].sum()
    )


def test_unnamed_groups_are_reported_for_the_indices_that_traded(scenario: Scenario) -> None:
    only_bonds = scenario.trades.select(scenario.trades.market == 1)

    groups = stats_by_group(
        scenario.timestamps, scenario.equity, only_bonds, group="market", close=scenario.close
    )

    assert list(groups) == ["market 1"]


def test_named_group_without_trades_has_a_flat_curve(scenario: Scenario) -> None:
    only_bonds = scenario.trades.select(scenario.trades.market == 1)

    groups = stats_by_group(
        scenario.timestamps,
        scenario.equity,
        only_bonds,
        group="market",
        close=scenario.close,
        names=MARKETS,
        capital={"equities": 50_000.0, "bonds": 50_000.0},
    )

    assert not groups["equities"].pnl.any()
    assert groups["equities"].stats.total_return == 0.0
    assert groups["bonds"].capital == 50_000.0


def test_value_per_point_scales_the_marks() -> None:
    ts = np.arange(3, dtype=np.int64) * 86_400 * 1_000_000_000
    close = np.array([[100.0], [101.0], [103.0]])
    trades = TradeArrays.of(
        entry_ts=[ts[0]],
        exit_ts=[ts[2]],
        symbol=[0],
        market=[0],
        strategy=[1],
        qty=[2.0],
        entry_price=[100.0],
        exit_price=[103.0],
        pnl=[300.0],
        commission=[0.0],
    )

    groups = stats_by_group(
        ts,
        [10_000.0, 10_100.0, 10_300.0],
        trades,
        group="market",
        close=close,
        value_per_point=[50.0],
    )

    np.testing.assert_allclose(groups["market 0"].pnl, [0.0, 100.0, 300.0])


def test_a_missing_mark_holds_the_previous_one() -> None:
    ts = np.arange(4, dtype=np.int64) * 86_400 * 1_000_000_000
    close = np.array([[10.0], [12.0], [np.nan], [11.0]])
    trades = TradeArrays.of(
        entry_ts=[ts[0]],
        exit_ts=[ts[3]],
        symbol=[0],
        market=[0],
        strategy=[1],
        qty=[1.0],
        entry_price=[10.0],
        exit_price=[11.0],
        pnl=[0.5],
        commission=[0.5],
    )

    groups = stats_by_group(ts, [100.0] * 4, trades, group="market", close=close)

    np.testing.assert_allclose(groups["market 0"].pnl, [0.0, 2.0, 2.0, 0.5])


def test_grouping_by_strategy_needs_an_attributed_trade(scenario: Scenario) -> None:
    trades = scenario.trades
    unattributed = replace(trades, strategy=np.zeros(len(trades), dtype=np.int64))

    with pytest.raises(MetricsError, match="at least one strategy bit, found 0 at row 0"):
        stats_by_group(
            scenario.timestamps,
            scenario.equity,
            unattributed,
            group="strategy",
            close=scenario.close,
        )


def test_marks_must_cover_every_point_and_symbol(scenario: Scenario) -> None:
    with pytest.raises(MetricsError, match=r"close: expected shape \(1000, symbols\)"):
        stats_by_group(
            scenario.timestamps,
            scenario.equity,
            scenario.trades,
            group="market",
            close=scenario.close[:-1],
        )
    with pytest.raises(MetricsError, match=r"trades.symbol: expected indices in 0..1"):
        stats_by_group(
            scenario.timestamps,
            scenario.equity,
            scenario.trades,
            group="market",
            close=scenario.close[:, :2],
        )
    with pytest.raises(MetricsError, match="only 1 names"):
        stats_by_group(
            scenario.timestamps,
            scenario.equity,
            scenario.trades,
            group="market",
            close=scenario.close,
            names=["equities"],
        )
