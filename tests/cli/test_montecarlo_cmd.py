"""`tradewind montecarlo`: a journaled run or a config backtested now; tables, JSON and
the HTML report; bad input exits 2 with one line naming the option or run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tradewind.cli.main import app
from tradewind.store import EquityRecord, FillRecord, Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def tradewind(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    """A run of 60 daily equity points and three round trips of BTC-USD (+100, -50, +30)."""
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as journal:
        run_id = journal.start_run("paper", {"markets": {}})
        journal.record_equity(run_id, [
            EquityRecord(ts=T0 + timedelta(days=d), equity=1000 + 2 * d + (d % 7), cash=1000,
                         gross_exposure=0, net_exposure=0, leverage=0.0, drawdown=0.0)
            for d in range(60)
        ])  # fmt: skip
        prices = [(100, 200), (200, 150), (150, 180)]
        journal.record_fills(run_id, [
            FillRecord(trade_id=f"t{i}{side}", venue="SIM", client_order_id=None,
                       ts=T0 + timedelta(days=10 * i + (side == "sell")), market="crypto",
                       symbol="BTC-USD", side=side, qty=1, price=price)
            for i, pair in enumerate(prices)
            for side, price in zip(("buy", "sell"), pair, strict=True)
        ])  # fmt: skip
    return path


def test_a_journaled_run_prints_a_table_per_method_and_writes_json_and_report(
    journal_path: Path, tmp_path: Path
) -> None:
    out, report = tmp_path / "mc.json", tmp_path / "mc.html"
    result = tradewind("montecarlo", "--run", "latest", "--journal", str(journal_path),
                       "--paths", "500", "--json", str(out), "--report", str(report))  # fmt: skip
    assert result.exit_code == 0, result.output
    for title in ("shuffle (3 trades)", "trades (3 trades)", "blocks (60 bars)"):
        assert title in result.output
    assert "95% interval" in result.output
    assert "P(loss)" in result.output
    data = json.loads(out.read_text())
    assert data["paths"] == 500
    assert data["initial_equity"] == 1000.0
    shuffle = data["methods"]["shuffle"]["metrics"]["final_equity"]
    assert shuffle["observed"] == pytest.approx(1080.0)  # 1000 + 100 - 50 + 30
    assert shuffle["median"] == pytest.approx(1080.0)
    assert set(data["methods"]["blocks"]["fan"]) == {"steps", "p5", "p25", "p50", "p75", "p95"}
    page = report.read_text()
    assert page.count("<svg") == 3 * 5
    assert page.count("aria-label='fan chart'") == 3
    assert f"json: {out}" in one_line(result.output)
    assert f"report: {report}" in one_line(result.output)


def test_a_config_is_backtested_now_and_resampled(tmp_path: Path) -> None:
    report = tmp_path / "mc.html"
    result = tradewind("montecarlo", "--config", str(EXAMPLE), "--paths", "200", "--method",
                       "trades", "--confidence", "90", "--report", str(report))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Monte-Carlo of backtest.yaml" in result.output
    assert "90% interval" in result.output
    assert "trades (" in result.output
    assert "shuffle (" not in result.output
    assert report.read_text().count("<svg") == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give exactly one of --run ID or --config FILE"),
        (("--run", "latest", "--config", str(EXAMPLE)), "give exactly one of --run"),
        (("--run", "nope"), "unknown run 'nope'"),
        (("--run", "latest", "--paths", "50"), "paths 50: expected 100..1,000,000"),
        (("--run", "latest", "--confidence", "40"), "confidence 0.4: expected"),
        (("--run", "latest", "--method", "dice"), "--method dice: expected"),
        (("--run", "latest", "--block-bars", "0"), "block_bars 0: expected at least 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    journal_path: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    report = tmp_path / "mc.html"
    journal = () if "--config" in args else ("--journal", str(journal_path))
    result = tradewind("montecarlo", *args, *journal, "--report", str(report))
    assert result.exit_code == 2, result.output
    assert message in one_line(result.stderr)
    assert not report.exists()


def test_a_run_without_equity_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    with Journal.open(path) as journal:
        run_id = journal.start_run("paper", {"markets": {}})
    result = tradewind("montecarlo", "--run", run_id, "--journal", str(path),
                       "--report", str(tmp_path / "r.html"))  # fmt: skip
    assert result.exit_code == 2
    assert f"run {run_id} has no equity records" in one_line(result.stderr)
