"""Paper and advisory orders go through the venue port, and nothing is simulated silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.cli import run_cli

from tradewind.app.session import TradingSession
from tradewind.app.venue_choice import ADAPTER_PROVIDERS
from tradewind.app.venue_routes import ADAPTERS
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.domain.order_events import OrderFilled
from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("venue_path")
    config = load_config(EXAMPLE, apply_env=False)
    session = TradingSession(config, Catalog(tmp / "c"), tmp / "j.sqlite")
    report = session.run(until_row=250)
    journal = Journal.open(tmp / "j.sqlite")
    try:
        yield session, report, journal
    finally:
        journal.close()


def test_every_journaled_fill_is_a_fill_the_venue_reported(paper_run):
    session, report, journal = paper_run
    reported = [
        (venue, str(e.trade_id), str(e.client_order_id), float(e.last_price))
        for venue, e in session.event_log
        if isinstance(e, OrderFilled)
    ]
    stored = [
        (f.venue, f.trade_id, f.client_order_id, float(f.price))
        for f in journal.fills(report.run_id)
    ]
    assert reported, "the run filled nothing through the venues"
    assert [f[:3] for f in sorted(stored)] == [f[:3] for f in sorted(reported)]
    # the journal keeps prices to 12 decimals
    assert [f[3] for f in sorted(stored)] == pytest.approx(
        [f[3] for f in sorted(reported)], abs=1e-9
    )
    assert all(venue.startswith("SIM-") for venue, *_ in reported)


def test_every_order_sent_was_journaled_and_only_risk_denials_stayed_home(paper_run):
    session, report, journal = paper_run
    orders = {o.client_order_id: o for o in journal.orders(report.run_id)}
    seen_by_venue = {str(e.client_order_id) for _, e in session.event_log}
    never_sent = {coid for coid in orders if coid not in seen_by_venue}
    # The venues heard of every order except those risk denied before sending.
    assert {str(orders[c].status) for c in never_sent} <= {"rejected"}
    assert all(orders[c].reason != "APPROVED" for c in never_sent)
    # Nothing reached a venue that the journal does not hold.
    assert seen_by_venue <= set(orders)


def test_the_run_journals_and_reports_each_markets_venue_and_data_source(paper_run):
    _session, report, journal = paper_run
    stored = json.loads(journal.run(report.run_id).config_json)["venues"]
    assert set(stored) == {"crypto", "equities", "commodities", "bonds"}
    assert stored["crypto"]["venue"].startswith("sim (SIM-CRYPTO)")
    assert "replay" in stored["crypto"]["data"]
    assert len(report.venues) == 4


def test_the_composition_root_builds_exactly_the_providers_it_admits():
    assert frozenset(ADAPTERS) == ADAPTER_PROVIDERS


def _config_with(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    path = tmp_path / "venue.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def cli(monkeypatch, capsys):
    def invoke(args: list[str]):
        code, out, err = run_cli(args, monkeypatch, capsys)
        return code, out + err

    return invoke


@pytest.mark.parametrize("command", ["paper", "advisory"])
def test_a_market_at_a_broker_without_its_credentials_is_refused(
    tmp_path, command, cli, monkeypatch
):
    for name in ("TRADEWIND_ALPACA_API_KEY", "TRADEWIND_ALPACA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    path = _config_with(tmp_path, markets__crypto__provider="alpaca")
    code, output = cli([command, "--config", str(path), "--journal", str(tmp_path / "j.sqlite")])
    assert code == 2, output
    assert "markets.crypto.provider" in output
    assert "TRADEWIND_ALPACA_API_KEY, TRADEWIND_ALPACA_SECRET_KEY" in output
    assert not (tmp_path / "j.sqlite").exists()  # refused before anything was written


def test_a_market_on_an_exchange_that_cannot_be_reached_pauses_alone(tmp_path, cli):
    path = _config_with(tmp_path, markets__crypto__provider="binance")
    raw = yaml.safe_load(path.read_text())
    raw["markets"]["crypto"]["endpoint"] = "http://127.0.0.1:9"  # nothing listens there
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    journal = tmp_path / "j.sqlite"
    code, output = cli(["paper", "--config", str(path), "--journal", str(journal)])
    assert code == 0, output
    assert "not reachable at start" in output  # said before the run, with the address
    assert "http://127.0.0.1:9" in output
    assert "market crypto paused" in output
    assert "Traceback" not in output
    run = Journal.open(journal).latest_run(mode="paper")
    assert run is not None
    fills = Journal.open(journal).fills(run.run_id)
    assert fills  # the other markets traded on
    assert not [f for f in fills if f.market == "crypto"]


def test_live_mode_is_refused_outside_tradewind_live(tmp_path, cli):
    path = _config_with(tmp_path, mode="live")
    for command in (["paper", "--config", str(path)], ["advisory", "--config", str(path)]):
        code, output = cli(command)
        assert code == 2, output
        assert "mode" in output
        assert "tradewind live" in output
    code, output = cli(["config", "check", str(path)])  # what `tradewind live` runs
    assert code == 0, output


def test_a_backtest_config_may_name_a_provider_without_an_adapter(tmp_path, cli):
    path = _config_with(tmp_path, markets__crypto__provider="ccxt")
    raw = yaml.safe_load(path.read_text())
    raw["markets"]["crypto"]["exchange"] = "binance"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, output = cli(["config", "check", str(path)])
    assert code == 0, output


@pytest.mark.slow
def test_a_cash_account_cuts_gapped_buys_at_the_venue_as_the_backtest_does(tmp_path):
    from tradewind.app.backtest import backtest_config
    from tradewind.domain.order_events import OrderUpdated

    data = yaml.safe_load(EXAMPLE.read_text())
    equities = data["markets"]["equities"]
    equities.update(symbols=["SPY"], strategies=["sma_cross"], risk_allocation_pct=100,
                    strategy_params={"sma_cross": {"fast": 3, "slow": 8}})  # fmt: skip
    data["markets"] = {"equities": equities}
    data["signal_aggregation"] = {"method": "CONSENSUS", "consensus_threshold": 0.5}
    data["execution"]["sizing"] = {"mode": "fraction", "value": 1.0}  # all in: gaps bite
    data["execution"].pop("stop_loss_pct")
    data["risk"]["global"].update(max_position_size_pct=100, max_exposure_pct=100,
                                  max_drawdown_pct=90, daily_loss_limit_pct=50)  # fmt: skip
    path = tmp_path / "all_in.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    config = load_config(path, apply_env=False)
    backtest = backtest_config(config, Catalog(tmp_path / "c"))
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "j.sqlite")
    report = session.run()
    cut_at_open = [e for _, e in session.event_log if isinstance(e, OrderUpdated)]
    assert cut_at_open, "the scenario must gap above the cash at some open"
    assert report.orders == len(backtest.run.orders)
    assert report.fills == len(backtest.run.fills)
    assert report.final_equity == pytest.approx(backtest.run.final_equity, abs=1e-6)
    with Journal.open(tmp_path / "j.sqlite") as journal:
        fills = journal.fills(report.run_id)
        equity = journal.equity(report.run_id)
    assert sorted(float(f.qty) for f in fills) == pytest.approx(
        sorted(abs(backtest.run.fills["qty"].to_numpy())), rel=1e-12
    )
    assert min(float(e.cash) for e in equity) >= -1e-6
