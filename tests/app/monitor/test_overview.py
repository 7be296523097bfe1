"""`overview` reads the seed's hand-computed figures: positions folded from fills, P&L,
exposure against allocation, controls, stages, venue states and the risk monitor."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tests.monitor_seed import D2, Seed

from tradewind.app.monitor import Overview, overview
from tradewind.config import TradewindConfig
from tradewind.store import Journal


@pytest.fixture
def fresh(journal: Journal, config: TradewindConfig, seed: Seed) -> Overview:
    return overview(journal, config, now=seed.beat_at + timedelta(seconds=1))


def test_markets_and_classes_follow_config_order(fresh: Overview) -> None:
    assert [m.name for m in fresh.markets] == ["crypto", "forex", "stocks"]
    assert fresh.market_classes == ("crypto", "forex", "equities")
    assert [m.name for m in fresh.for_class("equities")] == ["stocks"]
    assert fresh.for_class(None) == fresh.markets


def test_without_config_markets_come_from_the_run(journal: Journal, seed: Seed) -> None:
    view = overview(journal, None, now=seed.beat_at + timedelta(seconds=1))
    assert [m.name for m in view.markets] == ["crypto", "forex", "stocks"]
    assert view.risk is not None
    assert view.risk.daily_loss_limit_pct == 3.0


def test_shown_run_is_the_running_paper_session(fresh: Overview, seed: Seed) -> None:
    assert fresh.run is not None
    assert (fresh.run.run_id, fresh.run.running) == (seed.paper_run, True)
    assert [s.run_id for s in fresh.sessions] == [seed.paper_run]
    assert fresh.sessions[0].running
    assert fresh.sessions[0].row == 1


def test_positions_are_folded_with_average_cost(fresh: Overview, seed: Seed) -> None:
    found = {(p.market, p.symbol): p for m in fresh.markets for p in m.positions}
    assert set(found) == set(seed.positions)
    for key, expected in seed.positions.items():
        got = found[key]
        assert got.side == expected.side
        assert got.qty == pytest.approx(expected.qty)
        assert got.entry_price == pytest.approx(expected.entry_price)
        assert got.current_price == pytest.approx(expected.current_price)
        assert got.pnl == pytest.approx(expected.pnl)
        assert got.pnl_pct == pytest.approx(expected.pnl_pct)
        assert got.notional_usd == pytest.approx(expected.notional_usd)


def test_pnl_exposure_and_allocation_per_market(fresh: Overview, seed: Seed) -> None:
    for market in fresh.markets:
        assert market.realized_pnl_today == pytest.approx(seed.realized_today[market.name])
        assert market.exposure_usd == pytest.approx(seed.exposure_usd[market.name])
        assert market.allocation_usd == pytest.approx(seed.allocation_usd[market.name])
        assert market.allocation_pct == pytest.approx(seed.allocation_pct[market.name])
    crypto = fresh.markets[0]
    assert crypto.unrealized_pnl == pytest.approx(500.0)


def test_signals_are_newest_first_per_market(fresh: Overview, seed: Seed) -> None:
    for market in fresh.markets:
        got = [(s.symbol, s.direction) for s in market.signals]
        assert got == seed.signals_newest_first[market.name]
    newest = fresh.markets[0].signals[0]
    assert (newest.ts, newest.strategy, newest.confidence) == (D2, "trend_following_v1", 0.55)


def test_controls_and_stages(fresh: Overview) -> None:
    crypto, forex, stocks = fresh.markets
    assert (crypto.stage, crypto.enabled, crypto.stop) == ("paper", True, None)
    assert [(s.name, s.stage) for s in crypto.strategies] == [
        ("momentum_v1", "paper"),
        ("trend_following_v1", "paper"),
    ]
    assert (forex.stage, forex.enabled) == ("advisory", False)
    assert (stocks.stop, stocks.enabled) == ("soft", True)


def test_venue_states_come_from_the_heartbeat(fresh: Overview, seed: Seed) -> None:
    for market in fresh.markets:
        assert market.venue.state == seed.venue_states[market.name]
        assert market.venue.latency_ms == seed.latency_ms[market.name]
        assert market.venue.venue == "sim"
        assert market.venue.run_id == seed.paper_run
    assert fresh.markets[1].venue.reason == "slow responses"
    assert fresh.markets[0].venue.last_bar == D2


def test_risk_view(fresh: Overview, seed: Seed) -> None:
    risk = fresh.risk
    assert risk is not None
    assert risk.as_of == D2
    assert risk.daily_pnl_usd == pytest.approx(seed.daily_pnl_usd)
    assert risk.daily_loss_pct == pytest.approx(seed.daily_loss_pct)
    assert risk.equity_usd == pytest.approx(seed.equity_usd)
    assert risk.ladder == pytest.approx(seed.ladder)
    assert (risk.trading_state, risk.drawdown_pct, risk.leverage) == ("ACTIVE", 1.0, 0.1326)
    assert [a.market for a in fresh.allocations] == ["crypto", "forex", "stocks"]
    assert fresh.allocations[1].bound == "min"


def test_stale_heartbeat_means_down(journal: Journal, seed: Seed) -> None:
    view = overview(journal, None, now=seed.beat_at + timedelta(seconds=60))
    assert view.run is not None
    assert not view.run.running
    assert {m.venue.state for m in view.markets} == {"down"}
    assert view.markets[0].venue.reason == "no heartbeat for 60 s"
    assert view.markets[0].positions[0].current_price == 21_000.0  # last known marks


def test_ended_heartbeat_means_stopped(fresh_copy: Journal, seed: Seed) -> None:
    fresh_copy.beat(seed.paper_run, "paper", {"ended": True, "markets": {}})
    (beat,) = fresh_copy.heartbeats()
    view = overview(fresh_copy, None, now=beat.beat_at + timedelta(seconds=1))
    assert view.run is not None
    assert view.run.run_id == seed.paper_run
    assert not view.run.running
    assert {m.venue.state for m in view.markets} == {"stopped"}


def test_old_heartbeat_without_markets_block_is_connected(fresh_copy: Journal, seed: Seed) -> None:
    fresh_copy.beat(seed.paper_run, "paper", {"row": 1})
    (beat,) = fresh_copy.heartbeats()
    view = overview(fresh_copy, None, now=beat.beat_at)
    assert {m.venue.state for m in view.markets} == {"connected"}
    assert all(p.current_price is None and p.pnl is None for m in view.markets for p in m.positions)
    assert view.markets[0].unrealized_pnl is None
    assert view.markets[0].exposure_usd == pytest.approx(0.5 * 20_000.0)  # at entry


def test_journal_with_only_a_cli_backtest(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "bt.sqlite") as journal:
        run_id = journal.start_run(
            "backtest", {"data": "x.csv", "strategy": "sma_cross"}, run_id="bt-1"
        )
        journal.record_fills(
            run_id,
            [{"trade_id": "1", "venue": "SIM", "client_order_id": None, "ts": D2,
              "market": "crypto", "symbol": "BTC-USD", "side": "buy", "qty": 2, "price": 100}],
        )  # fmt: skip
        journal.finish_run(run_id)
        view = overview(journal, None)
    assert view.run is not None
    assert (view.run.run_id, view.run.running) == ("bt-1", False)
    assert view.markets == ()
    assert view.sessions == ()


def test_backtest_with_config_has_unknown_venue(tmp_path: Path, config: TradewindConfig) -> None:
    with Journal.open(tmp_path / "bt.sqlite") as journal:
        journal.start_run("backtest", {"data": "x"}, run_id="bt-1")
        journal.record_fills(
            "bt-1",
            [{"trade_id": "1", "venue": "SIM", "client_order_id": None, "ts": D2,
              "market": "crypto", "symbol": "BTC-USD", "side": "buy", "qty": 2, "price": 100}],
        )  # fmt: skip
        view = overview(journal, config)
    crypto = view.markets[0]
    assert view.run is not None
    assert not view.run.running
    assert (crypto.venue.state, crypto.venue.venue) == ("unknown", "sim")
    assert crypto.positions[0].qty == 2.0
    assert crypto.positions[0].pnl is None
    assert crypto.realized_pnl_today == 0.0
    assert view.risk is None


def test_empty_journal(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "empty.sqlite") as journal:
        view = overview(journal, None)
    assert (view.run, view.markets, view.risk, view.allocations) == (None, (), None, ())
