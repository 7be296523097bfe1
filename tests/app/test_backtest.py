"""`tradewind backtest`: the golden multi-market run and the one-file form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.engine.reference import bench_frame, run_symbol

from tradewind.app.backtest import backtest_config
from tradewind.config import load_config
from tradewind.data.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    config = load_config(EXAMPLE, apply_env=False)
    return backtest_config(config, Catalog(tmp_path_factory.mktemp("catalog")))


def test_golden_multi_market_backtest_reproduces_its_statistics(golden):
    summary = golden.results.as_dict()
    # Pinned from a reviewed run: any change to data, strategies, aggregation, risk or
    # accounting that moves these numbers must be deliberate.
    assert summary["entries"] == 77
    assert summary["fills"] == 151
    assert summary["stops"] == 24
    assert summary["orders"] == 222
    assert summary["final_equity"] == pytest.approx(1_066_537.0002001335, abs=1e-6)
    assert summary["trades"] == 74  # closed round trips
    assert summary["open_trades"] == 3
    assert {p["symbol"] for p in summary["open_positions"]} == {"BTC-USD", "TLT", "IEF"}
    assert set(summary["per_market"]) == {"crypto", "equities", "commodities", "bonds"}


def test_golden_run_trades_four_market_classes_with_several_strategies(golden):
    orders = golden.run.orders
    assert orders["market"].nunique() == 4
    strategies = {s for names in orders["strategies"] for s in names.split(",") if s}
    assert len(strategies) >= 4


def test_golden_run_stays_within_its_risk_limits(golden):
    run = golden.run
    # max_exposure_pct 100 and max_leverage 1.0: gross exposure never above equity
    # (checked at each row's marks, after every fill of the row).
    assert (run.gross_exposure <= run.equity * (1 + 1e-9)).all()


@pytest.mark.slow
def test_data_file_form_writes_json_with_entries_equity_and_stats(tmp_path):
    frame = bench_frame(seed=5, n=8_000)
    source = tmp_path / "bars.csv"
    frame.drop(columns="close_time").to_csv(source, index=False)
    out = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", "backtest", "--data", str(source),
         "--strategy", "sma_cross", "-p", "fast=10", "-p", "slow=50", "--size", "10",
         "--timeframe", "1m", "--json", str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    ref = run_symbol(*(frame[c].to_numpy() for c in ("open", "high", "low", "close")))
    assert result["entries"] == ref["entries"]
    assert result["final_equity"] == pytest.approx(1_000_000 + ref["pnl"], abs=1e-6)
    for key in ("total_return", "cagr", "sharpe", "sortino", "calmar", "max_drawdown",
                "win_rate", "profit_factor", "time_in_market", "turnover_annual"):  # fmt: skip
        assert key in result


def test_backtest_without_a_source_is_a_clean_usage_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", "backtest"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "give exactly one of --config FILE or --data FILE" in done.stderr
    assert "Traceback" not in done.stderr


def test_same_inputs_give_a_byte_identical_journal_digest(golden, tmp_path):
    from tradewind.app.journaling import journal_run

    first = journal_run(golden.run, golden.results, ":memory:", config_json="{}")
    config = load_config(EXAMPLE, apply_env=False)
    again = backtest_config(config, Catalog(tmp_path / "catalog"))
    second = journal_run(again.run, again.results, ":memory:", config_json="{}")
    assert first.run_id == second.run_id
    assert first.digest == second.digest


def test_journal_holds_orders_fills_and_risk_decisions_of_the_run(golden, tmp_path):
    from tradewind.app.journaling import journal_run
    from tradewind.store import Journal

    path = tmp_path / "journal.sqlite"
    stored = journal_run(golden.run, golden.results, path, config_json="{}")
    journal = Journal.open(path)
    try:
        orders = journal.orders(stored.run_id)
        fills = journal.fills(stored.run_id)
        assert len(orders) == len(golden.run.orders)
        assert len(fills) == len(golden.run.fills)
        # Every fill points at an order that was recorded, with a deterministic id.
        ids = {o.client_order_id for o in orders}
        assert all(f.client_order_id in ids for f in fills)
        assert all(o.client_order_id == f"{stored.run_id}-{o.seq:08d}" for o in orders)
    finally:
        journal.close()


def test_open_positions_reported_are_the_ones_the_journal_holds(golden, tmp_path):
    from tradewind.app.journaling import journal_run
    from tradewind.store import Journal

    path = tmp_path / "journal.sqlite"
    stored = journal_run(golden.run, golden.results, path, config_json="{}")
    with Journal.open(path) as journal:
        held = {p.symbol: float(p.qty) for p in journal.positions(stored.run_id) if p.qty}
    reported = {p["symbol"]: p["qty"] for p in golden.results.open_positions()}
    assert reported == pytest.approx(held)


def test_closed_and_open_trades_add_up_to_the_run_pnl(golden):
    run, trades = golden.run, golden.results.trades
    assert trades.is_open.sum() == 3
    assert trades.pnl.sum() == pytest.approx(run.final_equity - run.spec.initial_cash, abs=1e-6)
    # Per-market P&L includes the open positions marked to market (their commissions show
    # when they close), so the markets add up to the whole but for those commissions.
    by_market = sum(g.stats.final_equity - g.stats.start_equity
                    for g in golden.results.by_market.values())  # fmt: skip
    open_commissions = run.open_trades["realized_pnl"].sum()
    assert by_market + open_commissions == pytest.approx(
        run.final_equity - run.spec.initial_cash, rel=1e-9
    )


def test_the_report_lists_the_open_positions_and_labels_closed_trade_statistics(golden, tmp_path):
    html = golden.results.write_report(tmp_path / "report.html", title="golden").read_text()
    table = html[html.index('<table id="open-positions">') :]
    table = table[: table.index("</table>")]
    for symbol in ("BTC-USD", "TLT", "IEF"):
        assert f"<td>{symbol}</td>" in table
    assert "23,102.18" in table  # BTC-USD's unrealized P&L at the last close
    assert "Positions open at the end</th><td>3" in html
    assert "Win rate (closed trades)" in html
