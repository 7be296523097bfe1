"""`tradewind backtest` through the command line: what it reports is what happened, and
bad inputs end in a clear error with exit status 2 and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.risk.reasons import RiskReason
from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"


def tradewind(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", *args],
        capture_output=True, text=True, check=False, cwd=cwd,
    )  # fmt: skip


def example_with(tmp_path: Path, start: str, end: str) -> Path:
    text = EXAMPLE.read_text().replace("start: 2014-12-01", f"start: {start}")
    path = tmp_path / "window.yaml"
    path.write_text(text.replace("end: 2016-06-30", f"end: {end}"))
    return path


@pytest.fixture(scope="module")
def btc_daily_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bars = Catalog(include_bundled=True).load_bars("BTC-USD", timeframe="1d")
    path = tmp_path_factory.mktemp("btc") / "btc.csv"
    columns = ["timestamp", "open", "high", "low", "close", "volume"]
    bars[columns].assign(timestamp=bars["timestamp"].dt.strftime("%Y-%m-%d")).to_csv(
        path, index=False
    )
    return path


@pytest.mark.slow
def test_a_window_past_the_data_ends_at_the_last_bar_with_a_warning(tmp_path: Path) -> None:
    config = example_with(tmp_path, "2014-12-01", "2030-06-30")
    out = tmp_path / "result.json"
    report = str(tmp_path / "r.html")
    done = tradewind("backtest", "--config", str(config), "--journal", ":memory:",
                     "--json", str(out), "--report", report, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "data.end 2030-06-30 is after the last bar of every series" in done.stdout
    assert "2020-01-17 (BTC-USD)" in done.stdout
    assert "SPY ends 2016-07-01" in done.stdout
    result = json.loads(out.read_text())
    assert result["end_ts"].startswith("2020-01-1")  # not 2030


@pytest.mark.slow
def test_a_window_without_data_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    config = example_with(tmp_path, "2025-01-01", "2025-12-31")
    journal = tmp_path / "journal.sqlite"
    report = tmp_path / "report.html"
    done = tradewind("backtest", "--config", str(config), "--journal", str(journal),
                     "--report", str(report), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "no enabled series has a bar within data.start..data.end" in done.stderr
    assert "(2025-01-01 to 2025-12-31)" in done.stderr
    assert "SPY 2008-01-02 to 2016-07-01" in done.stderr
    assert "Traceback" not in done.stderr
    assert not journal.exists()
    assert not report.exists()


def _bars_with_bad_rows(tmp_path: Path) -> Path:
    days = pd.date_range("2020-01-01", periods=200, freq="D")
    close = 100 + (pd.Series(range(200)) % 40 - 20).abs().to_numpy()
    frame = pd.DataFrame({"timestamp": days.strftime("%Y-%m-%d"), "open": close,
                          "high": close + 2, "low": close - 2, "close": close + 1,
                          "volume": 1000})  # fmt: skip
    lines = frame.to_csv(index=False).splitlines()
    lines[11] = "2020-01-11,100,90,99,101,1000"  # high below low
    lines[31] = "2020-01-31,abc,102,98,101,1000"  # not a number
    path = tmp_path / "bars.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_data_file_rejects_are_reported_with_rules_and_line_numbers(tmp_path: Path) -> None:
    source = _bars_with_bad_rows(tmp_path)
    out = tmp_path / "result.json"
    done = tradewind("backtest", "--data", str(source), "--strategy", "sma_cross",
                     "-p", "fast=5", "-p", "slow=20", "--json", str(out), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 of 200 rows rejected" in done.stdout
    assert "high_below_low 1" in done.stdout
    assert "line 12: high is below low" in done.stdout
    assert "line 32: open 'abc' is not a number" in done.stdout
    assert json.loads(out.read_text())["bars"] == 198


@pytest.mark.slow
def test_data_file_with_rejects_is_refused_with_strict(tmp_path: Path) -> None:
    source = _bars_with_bad_rows(tmp_path)
    out = tmp_path / "result.json"
    done = tradewind("backtest", "--data", str(source), "--strategy", "sma_cross",
                     "--strict", "--json", str(out), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "2 of 200 rows rejected" in done.stderr
    assert "nothing was run (--strict)" in done.stderr
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--stop-loss-pct", "0.02", "0.02 looks like a fraction; write 2 for 2%"),
        ("--stop-loss-pct", "150", "--stop-loss-pct"),
        ("--take-profit-pct", "0.05", "0.05 looks like a fraction; write 5 for 5%"),
        ("--account", "credit", "--account 'credit': expected cash or margin"),
        ("--size-mode", "percent", "--size-mode 'percent': expected units or fraction"),
    ],
)
def test_options_in_the_wrong_unit_or_vocabulary_are_refused(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    source = _bars_with_bad_rows(tmp_path)
    done = tradewind("backtest", "--data", str(source), "--strategy", "sma_cross",
                     option, value, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_stop_loss_pct_is_a_percent_on_the_command_line(btc_daily_csv: Path, tmp_path: Path):
    stops = {}
    for pct in ("5", "50"):
        out = tmp_path / f"stop{pct}.json"
        done = tradewind("backtest", "--data", str(btc_daily_csv), "--strategy", "sma_cross",
                         "--size-mode", "fraction", "--size", "0.5", "--stop-loss-pct", pct,
                         "--json", str(out), cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
        stops[pct] = json.loads(out.read_text())["stops"]
    # BTC moves 5% against a position often and 50% rarely: a fraction read as a
    # percent (or the reverse) would make both the same.
    assert stops["5"] > 5 * max(stops["50"], 1)


@pytest.mark.slow
def test_all_in_sizing_on_real_btc_never_overdraws_a_cash_account(
    btc_daily_csv: Path, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    done = tradewind("backtest", "--data", str(btc_daily_csv), "--strategy", "sma_cross",
                     "--size-mode", "fraction", "--size", "1", "--journal", str(journal),
                     cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Journal.open(journal, create=False) as opened:
        run_id = opened.runs()[-1].run_id
        equity = opened.equity(run_id)
        decisions = opened.risk_decisions(run_id)
    assert min(row.cash for row in equity) >= 0.0
    assert max(row.gross_exposure / row.equity for row in equity) <= 1.0 + 1e-12
    assert any(d.reason_code == RiskReason.INSUFFICIENT_CASH for d in decisions)


@pytest.mark.slow
def test_open_positions_are_listed_with_their_unrealized_pnl(tmp_path: Path) -> None:
    days = pd.date_range("2020-01-01", periods=120, freq="D")
    steps = pd.Series(range(120)).to_numpy()
    close = 100 + abs(steps - 40) * 0.5  # down, then up: one cross to long, held to the end
    frame = pd.DataFrame({"timestamp": days.strftime("%Y-%m-%d"), "open": close,
                          "high": close + 1, "low": close - 1, "close": close,
                          "volume": 1})  # fmt: skip
    source = tmp_path / "rising.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "result.json"
    done = tradewind("backtest", "--data", str(source), "--strategy", "sma_cross",
                     "-p", "fast=5", "-p", "slow=20", "--size", "10", "--json", str(out),
                     cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert (result["trades"], result["open_trades"]) == (0, 1)
    (held,) = result["open_positions"]
    assert (held["symbol"], held["side"], held["qty"]) == ("RISING", "long", 10.0)
    assert held["mark_price"] == close[-1]
    assert held["unrealized_pnl"] == pytest.approx(10 * (close[-1] - held["entry_price"]))
    assert result["final_equity"] == pytest.approx(1_000_000 + held["pnl"])
    assert "1 position(s) open at the end" in done.stdout


@pytest.mark.slow
def test_trading_a_series_across_a_split_warns_about_it(tmp_path: Path) -> None:
    config = tmp_path / "aapl.yaml"
    config.write_text(
        "data: {start: 2004-06-01, end: 2005-12-30}\n"
        "markets:\n"
        "  equities: {provider: sim, symbols: [AAPL], strategies: [sma_cross],"
        " risk_allocation_pct: 50}\n"
    )
    done = tradewind("backtest", "--config", str(config), "--journal", ":memory:",
                     "--report", str(tmp_path / "r.html"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The 2:1 split of 2005-02-28 shows as a -50% bar in the unadjusted series.
    assert "AAPL has 1 outlier bar(s) in the window, the largest -49.6% on 2005-02-28" in (
        done.stdout
    )
    assert "not split-adjusted" in done.stdout


@pytest.mark.slow
def test_an_unreachable_journal_fails_before_the_run_and_hides_its_password(tmp_path):
    done = tradewind("backtest", "--config", str(EXAMPLE), "--journal",
                     "postgresql://u:SECRET@127.0.0.1:1/x", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "cannot open journal postgresql+psycopg://u:***@127.0.0.1:1/x" in done.stderr
    assert "SECRET" not in done.stderr + done.stdout
    assert "entries" not in done.stdout  # refused before backtesting


@pytest.mark.slow
def test_a_read_only_journal_directory_fails_before_the_run(tmp_path: Path) -> None:
    from tests.store._read_only import read_only

    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        done = tradewind("backtest", "--config", str(EXAMPLE), "--journal",
                         str(locked / "journal.sqlite"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert str(locked) in done.stderr
    assert "entries" not in done.stdout
