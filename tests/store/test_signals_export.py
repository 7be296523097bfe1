"""`tradewind signals export`: CSV and JSON, advisory rows clearly marked."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradewind.cli.signals_cmd import app
from tradewind.store import Journal, JournalError, UnknownRunError

from ._helpers import CONFIG, signal

runner = CliRunner()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    """A journal with a backtest run and, started later, an advisory run."""
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        backtest = journal.start_run("backtest", CONFIG, run_id="bt-run")
        journal.record_signals(backtest, [signal(1, strategy="backtest_only")])
        advisory = journal.start_run("advisory", CONFIG, run_id="ad-run")
        journal.record_signals(
            advisory,
            [
                signal(1, advisory=True),
                signal(2, advisory=True, stop=None, target=Decimal("45000.25")),
                signal(
                    2,
                    strategy="aggregate",
                    advisory=True,
                    aggregated=True,
                    decision="CONSENSUS 2/3 -> SHORT",
                    direction=-1,
                ),
            ],
        )
    return path


def _export(*args: str) -> str:
    result = runner.invoke(app, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_export_of_the_latest_run_marks_advisory_rows(journal_path: Path) -> None:
    text = _export("--journal", str(journal_path))
    comment, body = text.split("\n", 1)
    assert comment.startswith("# tradewind signals: run ad-run, mode advisory, 3 rows;")
    assert "advisory=true rows are suggestions" in comment
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == [
        "ts",
        "market",
        "symbol",
        "strategy",
        "direction",
        "strength",
        "confidence",
        "stop",
        "target",
        "advisory",
        "decision",
    ]
    assert rows[0] == {
        "ts": "2024-01-02T22:00:00Z",
        "market": "crypto",
        "symbol": "BTC-USD",
        "strategy": "sma_cross",
        "direction": "long",
        "strength": "0.75",
        "confidence": "0.6",
        "stop": "41000.5",
        "target": "",
        "advisory": "true",
        "decision": "",
    }
    assert (rows[1]["stop"], rows[1]["target"]) == ("", "45000.25")
    assert (rows[2]["direction"], rows[2]["decision"]) == ("short", "CONSENSUS 2/3 -> SHORT")


def test_json_export_carries_the_mode_and_typed_values(journal_path: Path) -> None:
    document = json.loads(_export("--journal", str(journal_path), "--format", "json"))
    assert document["mode"] == "advisory"
    assert document["run_id"] == "ad-run"
    assert document["count"] == 3
    first = document["signals"][0]
    assert first["advisory"] is True
    assert first["stop"] == 41000.5
    assert first["target"] is None
    assert first["ts"] == "2024-01-02T22:00:00Z"


def test_a_named_run_and_advisory_only_filter(journal_path: Path) -> None:
    text = _export("--journal", str(journal_path), "--run", "bt-run")
    assert "mode backtest, 1 rows" in text
    assert ",backtest_only," in text
    assert ",false," in text
    empty = _export("--journal", str(journal_path), "--run", "bt-run", "--advisory-only")
    assert empty.count("\n") == 2  # the comment and the header only


def test_advisory_only_with_latest_picks_the_latest_advisory_run(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        run = journal.start_run("advisory", CONFIG, run_id="ad-1")
        journal.record_signals(run, [signal(1, advisory=True)])
        journal.start_run("backtest", CONFIG, run_id="bt-later")
    document = json.loads(_export("--journal", str(path), "--advisory-only", "--format", "json"))
    assert (document["run_id"], document["count"]) == ("ad-1", 1)


def test_export_to_a_file(journal_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "signals.json"
    result = runner.invoke(
        app,
        ["export", "--journal", str(journal_path), "--format", "json", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "wrote 3 signals of run ad-run (advisory)" in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["count"] == 3


def test_an_unknown_run_and_a_missing_journal_are_user_errors(
    journal_path: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["export", "--journal", str(journal_path), "--run", "nope"])
    assert isinstance(result.exception, UnknownRunError)
    missing = tmp_path / "absent.db"
    result = runner.invoke(app, ["export", "--journal", str(missing)])
    assert isinstance(result.exception, JournalError)
    assert "does not exist" in str(result.exception)
    assert not missing.exists()


def test_the_journal_can_come_from_the_environment(journal_path: Path) -> None:
    result = runner.invoke(
        app, ["export"], env={"TRADEWIND_JOURNAL": str(journal_path)}, catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "run ad-run" in result.stdout
