"""`tradewind stop`, `resume` and `controls` against a journal, with a fake session (a
thread with its own `Journal`, as a session process has) that beats and acknowledges."""

from __future__ import annotations

import getpass
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import update
from typer.testing import CliRunner

from tradewind.app.config_commands import write_default_config
from tradewind.cli.control_cmd import controls_command, resume_command, stop_command
from tradewind.domain.errors import TradewindError
from tradewind.store import ControlAction, Journal
from tradewind.store.control_records import HeartbeatRow

pytestmark = pytest.mark.usefixtures("clean_environment")

app = typer.Typer()
app.command("stop")(stop_command)
app.command("resume")(resume_command)
app.command("controls")(controls_command)


def _run(*args: str) -> tuple[int, str]:
    """`tradewind ARGS` as the console script runs it: a TradewindError is one line and
    exit 2 (what `cli.main.run` does)."""
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, TradewindError):
        return 2, str(result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


class _Session:
    """A running session: beats every 50 ms and, if `answers`, acknowledges every new
    command, until stopped."""

    def __init__(self, target: Path, run_id: str, *, answers: bool = True) -> None:
        self.journal = Journal.open(target)
        self.run_id = run_id
        self.answers = answers
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.journal.beat(run_id, "paper", {"row": 0})  # fresh before the command is sent

    def _loop(self) -> None:
        last_id = max((r.id for r in self.journal.control_commands()), default=0)
        while not self._stop.wait(0.05):
            self.journal.beat(self.run_id, "paper", {"row": 1})
            for record in self.journal.control_commands(after_id=last_id):
                last_id = record.id
                if self.answers:
                    self.journal.acknowledge_control(record.id, self.run_id, "applied")

    def __enter__(self) -> _Session:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.journal.close()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def config(tmp_path: Path, journal_path: Path) -> Path:
    """The starter config (markets crypto, equities, forex) with a HARD shutdown mode and
    its journal in the test's directory."""
    path = write_default_config(tmp_path / "tradewind.yaml")
    text = path.read_text(encoding="utf-8")
    text = text.replace("shutdown_mode: SOFT", "shutdown_mode: HARD")
    text = text.replace("journal: tradewind-data/journal.sqlite", f"journal: {journal_path}")
    path.write_text(text, encoding="utf-8")
    return path


def _commands(path: Path) -> list[tuple[ControlAction, str | None, str, str, str]]:
    with Journal.open(path, create=False) as journal:
        return [
            (r.command.action, r.command.market, r.command.user, r.command.source, r.command.reason)
            for r in journal.control_commands()
        ]


# -- stop --------------------------------------------------------------------------------


def test_a_stop_without_a_session_is_journaled_for_the_next_one(journal_path: Path) -> None:
    code, out = _run("stop", "--journal", str(journal_path), "--reason", "news")
    assert code == 0
    assert "control command 1: soft stop on every market by" in out
    assert "no session is running on journal" in out
    assert "applies when a session starts" in out
    assert _commands(journal_path) == [(ControlAction.SOFT, None, getpass.getuser(), "cli", "news")]


def test_the_default_stop_is_the_configs_shutdown_mode(config: Path, journal_path: Path) -> None:
    code, _ = _run("stop", "--config", str(config), "--market", "forex")
    assert code == 0
    assert _commands(journal_path)[0][:2] == (ControlAction.HARD, "forex")


def test_a_mode_flag_overrides_the_configs_shutdown_mode(config: Path, journal_path: Path) -> None:
    assert _run("stop", "--config", str(config), "--freeze")[0] == 0
    assert _commands(journal_path)[0][0] is ControlAction.FREEZE


def test_two_mode_flags_are_refused(journal_path: Path) -> None:
    code, message = _run("stop", "--soft", "--hard", "--journal", str(journal_path))
    assert code == 2
    assert message == "give at most one of --soft, --hard, --freeze (got --soft --hard)"
    assert not journal_path.exists()


def test_an_unknown_market_is_refused_naming_it(config: Path, journal_path: Path) -> None:
    code, message = _run("stop", "--config", str(config), "--market", "bonds")
    assert code == 2
    assert "unknown market 'bonds'" in message
    assert "crypto, equities, forex" in message
    assert not journal_path.exists()


def test_a_running_session_acknowledges_within_a_second(journal_path: Path) -> None:
    with _Session(journal_path, "pp-run-a"):
        code, out = _run("stop", "--hard", "--journal", str(journal_path))
    assert code == 0, out
    latency = re.search(r"run pp-run-a: applied after (\d+) ms", out)
    assert latency is not None, out
    assert int(latency.group(1)) < 1000
    assert "no session is running" not in out


def test_a_running_session_that_does_not_acknowledge_fails_the_stop(journal_path: Path) -> None:
    with _Session(journal_path, "pp-mute", answers=False):
        code, out = _run("stop", "--journal", str(journal_path), "--wait-s", "0.3")
    assert code == 1
    assert "run pp-mute (paper, pid" in out
    assert "did not acknowledge command 1 within 0.3 s" in out
    assert _commands(journal_path)[0][0] is ControlAction.SOFT  # journaled all the same


def test_a_session_without_a_recent_heartbeat_is_not_waited_for(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        journal.beat("pp-gone", "paper", {})
        (beat,) = journal.heartbeats()
        with journal.engine.begin() as connection:
            connection.execute(
                update(HeartbeatRow).values(beat_at=beat.beat_at - timedelta(seconds=6))
            )
    code, out = _run("stop", "--journal", str(journal_path), "--wait-s", "2")
    assert code == 0
    assert "no session is running" in out


def test_a_session_whose_last_beat_says_it_ended_is_not_waited_for(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        journal.beat("pp-done", "paper", {"row": 9, "ended": True})
    code, out = _run("stop", "--journal", str(journal_path), "--wait-s", "2")
    assert code == 0
    assert "no session is running" in out


def test_a_memory_journal_is_refused() -> None:
    code, message = _run("stop", "--journal", ":memory:")
    assert code == 2
    assert "journal ':memory:' keeps nothing" in message


def test_the_journal_option_overrides_the_configs(config: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    assert _run("stop", "--config", str(config), "--journal", str(other))[0] == 0
    assert _commands(other)[0][0] is ControlAction.HARD


def test_without_a_config_the_journal_comes_from_the_environment(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_JOURNAL", str(journal_path))
    assert _run("stop")[0] == 0
    assert len(_commands(journal_path)) == 1


# -- resume ------------------------------------------------------------------------------


def test_resume_of_a_market_is_journaled_and_acknowledged(journal_path: Path) -> None:
    _run("stop", "--journal", str(journal_path), "--market", "crypto")
    with _Session(journal_path, "pp-run-a"):
        code, out = _run("resume", "--journal", str(journal_path), "--market", "crypto")
    assert code == 0, out
    assert "control command 2: resume on market crypto by" in out
    assert re.search(r"run pp-run-a: applied after \d+ ms", out)
    assert _commands(journal_path)[1][:2] == (ControlAction.RESUME, "crypto")


def test_resume_of_a_missing_journal_names_it_and_creates_nothing(journal_path: Path) -> None:
    code, message = _run("resume", "--journal", str(journal_path))
    assert code == 2
    assert f"journal {journal_path} does not exist" in message
    assert not journal_path.exists()


def test_resume_refuses_an_unknown_market(config: Path) -> None:
    code, message = _run("resume", "--config", str(config), "--market", "bonds")
    assert (code, "unknown market 'bonds'" in message) == (2, True)


# -- controls ----------------------------------------------------------------------------


@pytest.fixture
def audited(journal_path: Path) -> Path:
    """A journal with a global soft stop, a hard stop of crypto acknowledged by a session,
    and a resume of crypto."""
    _run("stop", "--soft", "--journal", str(journal_path), "--reason", "maintenance")
    with _Session(journal_path, "pp-run-a"):
        _run("stop", "--hard", "--market", "crypto", "--journal", str(journal_path))
    _run("resume", "--market", "crypto", "--journal", str(journal_path), "--wait-s", "0")
    return journal_path


def test_controls_lists_who_asked_what_and_the_stops_in_force(audited: Path) -> None:
    code, out = _run("controls", "--journal", str(audited))
    assert code == 0
    user = getpass.getuser()
    assert re.search(rf"│\s+1 │ .* │ {user}\s+│ cli\s+│ soft\s+│ all\s+│ maintenance", out), out
    assert re.search(r"│\s+2 │ .* │ hard\s+│ crypto .* pp-run-a \d+ ms applied", out), out
    assert re.search(r"│\s+3 │ .* │ resume\s+│ crypto .* none", out), out
    assert "in force: soft stop on every market (through command 3)" in out


def test_controls_shows_the_latest_commands_but_folds_them_all(audited: Path) -> None:
    code, out = _run("controls", "--journal", str(audited), "--limit", "1")
    assert code == 0
    assert "maintenance" not in out
    assert "in force: soft stop on every market" in out


def test_controls_of_a_missing_journal_names_it_and_creates_nothing(journal_path: Path) -> None:
    code, message = _run("controls", "--journal", str(journal_path))
    assert code == 2
    assert f"journal {journal_path} does not exist" in message
    assert not journal_path.exists()


def test_controls_of_a_journal_without_commands_says_so(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    code, out = _run("controls", "--journal", str(journal_path))
    assert code == 0
    assert "no control command in" in out
    assert "in force: no stop in force (through command 0)" in out


def test_controls_lists_the_running_sessions(journal_path: Path) -> None:
    with _Session(journal_path, "pp-live-one", answers=False):
        code, out = _run("controls", "--journal", str(journal_path))
    assert code == 0
    assert re.search(r"session pp-live-one \(paper, pid \d+ on .+\) beat \d+\.\d s ago", out)
