"""`tradewind capital status`: a journaled run's capital summary and tables, clean errors."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.engine.capital_scenarios import ROUTED, SCALING, capital_config

from tradewind.app.backtest import backtest_config
from tradewind.app.journaling import journal_run
from tradewind.data.catalog import Catalog


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


Invoke = Callable[..., Done]
Journals = dict[str, Path | str]


@pytest.fixture
def tradewind(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Invoke:
    """`tradewind ARGS` through the console-script entry point, in this process (the
    CLI takes seconds to import; one test runs it as a real process)."""
    from tradewind.cli.main import run

    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("TRADEWIND_JOURNAL", raising=False)

    def invoke(*args: str) -> Done:
        monkeypatch.setattr(sys, "argv", ["tradewind", *args])
        with pytest.raises(SystemExit) as exited:
            run()
        out = capsys.readouterr()
        return Done(int(exited.value.code or 0), out.out, out.err)

    return invoke


@pytest.fixture(scope="module")
def journals(tmp_path_factory: pytest.TempPathFactory) -> Journals:
    """A journal with a routed run then a scaling-only run, and one without capital."""
    base = tmp_path_factory.mktemp("journals")
    catalog = Catalog(base / "catalog")
    with_capital = base / "capital.sqlite"
    summaries: dict[str, Path | str] = {"capital": with_capital, "plain": base / "plain.sqlite"}
    for run_id, sections in (("routed", ROUTED), ("scaled", SCALING)):
        outcome = backtest_config(capital_config(sections), catalog)
        assert outcome.run.capital is not None
        journal_run(outcome.run, outcome.results, with_capital, config_json="{}", run_id=run_id)
        summaries[run_id] = outcome.run.capital.summary
    plain = backtest_config(capital_config(), catalog)
    journal_run(plain.run, plain.results, summaries["plain"], config_json="{}", run_id="plain")
    return summaries


@pytest.mark.slow
def test_status_prints_the_latest_runs_summary_line_and_tables(
    journals: Journals, tradewind: Invoke
) -> None:
    done = tradewind("capital", "status", "--journal", str(journals["capital"]))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("💰 $")
    assert lines[0] == journals["scaled"]
    assert "run scaled" in done.stdout
    assert "sizing decisions by binding factor" in done.stdout
    assert "current_capital" in done.stdout


def test_status_of_a_named_run_shows_its_allocation_and_events(
    journals: Journals, tradewind: Invoke
) -> None:
    done = tradewind("capital", "status", "--journal", str(journals["capital"]), "--run",
                      "routed")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == journals["routed"]
    assert "run routed" in done.stdout
    assert "allocation at 2015-12-15" in done.stdout
    assert "ADAPTIVE" in done.stdout
    assert "capital events" in done.stdout
    assert "halt" in done.stdout


def test_journal_without_capital_exits_2_with_a_clear_message(journals: Journals) -> None:
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("TRADEWIND_JOURNAL", None)
    done = subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", "capital", "status", "--journal",
         str(journals["plain"])],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: the journal holds no run with capital status")
    assert "autonomous_scaling.enabled" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("run", "message"),
    [("plain", "run plain has no capital status"), ("nope", "nope")],
)
def test_named_run_without_capital_or_unknown_exits_2(
    journals: Journals, tradewind: Invoke, run: str, message: str
) -> None:
    journal = journals["plain"] if run == "plain" else journals["capital"]
    done = tradewind("capital", "status", "--journal", str(journal), "--run", run)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_journal_exits_2_without_creating_it(tradewind: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    done = tradewind("capital", "status", "--journal", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert not path.exists()
