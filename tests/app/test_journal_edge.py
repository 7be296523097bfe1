"""The journal at the edge of paper and advisory runs: a full disk, a read-only or
unreachable journal and a journal password, through the `tradewind` command."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url
from tests.cli import run_cli
from tests.store import conftest as store_conftest
from tests.store._read_only import read_only

from tradewind.app import session as session_module
from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.store import Journal, JournalError, schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
SECRET = "s3cr3t-PW"
pg_url = store_conftest.pg_url  # the fixture of the journal tests: a fresh schema
requires_postgres = store_conftest.requires_postgres
ROWS = 300  # enough rows for every kind of write, few enough to be quick


@pytest.fixture(autouse=True)
def _clean_environment(clean_environment: None) -> None:
    """Every test here runs in `clean_environment` (tests/conftest.py)."""


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(EXAMPLE, apply_env=False)


@pytest.fixture(scope="module")
def uninterrupted(config, tmp_path_factory: pytest.TempPathFactory) -> str:  # type: ignore[no-untyped-def]
    """The digest of a paper run over the first ROWS rows, written without a fault."""
    base = tmp_path_factory.mktemp("uninterrupted")
    path = base / "journal.sqlite"
    report = TradingSession(config, Catalog(base / "catalog"), path).run(until_row=ROWS)
    with Journal.open(path) as journal:
        return journal.digest(report.run_id)


Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tradewind(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Invoke:
    """`tradewind ARGS` through the console-script entry point, in this process (so that
    a fault can be injected): (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> tuple[int, str, str]:
        return tuple(run_cli(list(args), monkeypatch, capsys))  # type: ignore[return-value]

    return invoke


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a session gets as far as being set up."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the session started before the journal was checked")

    monkeypatch.setattr(session_module, "TradingSession", refuse)


def _fail_once(monkeypatch: pytest.MonkeyPatch, name: str, call: int) -> None:
    """The `call`-th call of `Journal.<name>` fails as a full disk would, writing nothing."""
    original = getattr(Journal, name)
    calls = {"n": 0}

    def failing(self: Journal, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == call:
            raise JournalError(f"cannot write to journal {self.label}: the disk is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Journal, name, failing)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "call"),
    # Journal steps (one transaction each): at an open, at a close, late in the run.
    [("write_row", 30), ("write_row", 61), ("write_row", 200)],
)
def test_a_failed_write_then_a_rerun_gives_the_journal_of_an_uninterrupted_run(
    name: str,
    call: int,
    config,  # type: ignore[no-untyped-def]
    uninterrupted: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "journal.sqlite"
    catalog = Catalog(tmp_path / "catalog")
    with monkeypatch.context() as faulty:
        _fail_once(faulty, name, call)
        with pytest.raises(JournalError, match="the disk is full"):
            TradingSession(config, catalog, path).run(until_row=ROWS)
    report = TradingSession(config, catalog, path).run(until_row=ROWS)
    assert report.resumed_from_row is not None
    with Journal.open(path) as journal:
        assert journal.digest(report.run_id) == uninterrupted


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, int], None]:
    """`full_disk(path, pages)`: the SQLite journal at `path` may grow by `pages` pages
    only (SQLite's own "database or disk is full" error beyond); `full_disk(path, 0)`
    lifts the limit."""
    limits: dict[str, int] = {}
    original = schema._set_sqlite_pragmas

    def limited(dbapi_connection, record):  # type: ignore[no-untyped-def]
        original(dbapi_connection, record)
        name = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
        if limits.get(name):
            dbapi_connection.execute(f"PRAGMA max_page_count = {limits[name]}")

    def limit(path: Path, pages: int) -> None:
        Journal.open(path).close()
        with Journal.open(path) as journal, journal.engine.connect() as connection:
            used = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())
        limits[str(path)] = used + pages if pages else 0

    monkeypatch.setattr(schema, "_set_sqlite_pragmas", limited)
    return limit


@pytest.mark.slow
def test_a_full_disk_during_an_advisory_run_exits_2_naming_the_journal_and_a_rerun_finishes(
    tradewind: Invoke,
    full_disk: Callable[[Path, int], None],
    config,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = tmp_path / "advisory.sqlite"
    args = ("advisory", "--config", str(EXAMPLE), "--journal", str(path),
            "--catalog", str(tmp_path / "catalog"))  # fmt: skip
    full_disk(path, 40)
    code, out, err = tradewind(*args)
    assert code == 2, out + err
    assert f"cannot write to journal {path}: the disk is full" in err
    assert "database or disk is full" in err
    assert "internal error" not in err
    full_disk(path, 0)
    code, out, err = tradewind(*args)
    assert code == 0, err
    assert "resumed after row" in out
    reference = tmp_path / "reference.sqlite"
    done = TradingSession(config, Catalog(tmp_path / "catalog"), reference, mode="advisory").run()
    with Journal.open(path) as resumed, Journal.open(reference) as whole:
        assert resumed.digest(done.run_id) == whole.digest(done.run_id)


@pytest.mark.parametrize("mode", ["paper", "advisory"])
def test_a_journal_in_a_read_only_directory_fails_before_the_run(
    mode: str, tradewind: Invoke, no_run: None, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        code, out, err = tradewind(mode, "--config", str(EXAMPLE),
                                   "--journal", str(folder / "journal.sqlite"))  # fmt: skip
    assert code == 2, out + err
    assert f"cannot create journal {folder / 'journal.sqlite'}" in err
    assert f"directory {folder} is not writable" in err


def test_a_read_only_journal_file_fails_before_the_run(
    tradewind: Invoke, no_run: None, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite"
    Journal.open(path).close()
    with read_only(path):
        code, out, err = tradewind("advisory", "--config", str(EXAMPLE), "--journal", str(path))
    assert code == 2, out + err
    assert f"cannot write to journal {path}: attempt to write a readonly database" in err
    assert "check that the journal file and its directory are writable" in err


def test_an_unreachable_database_fails_at_once_without_showing_its_password(
    tradewind: Invoke, no_run: None
) -> None:
    url = f"postgresql://trader:{SECRET}@127.0.0.1:1/x"
    code, out, err = tradewind("paper", "--config", str(EXAMPLE), "--journal", url)
    assert code == 2, out + err
    assert SECRET not in out + err
    assert "cannot open journal postgresql+psycopg://trader:***@127.0.0.1:1/x" in err
    assert "Connection refused" in err


def test_a_database_asking_for_a_password_that_is_not_set_names_the_variable(
    tradewind: Invoke, no_run: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def asks_for_password(*_args: object, **_kwargs: object) -> None:
        raise JournalError("cannot open journal x: fe_sendauth: no password supplied")

    monkeypatch.setattr(Journal, "open", asks_for_password)
    code, _, err = tradewind("advisory", "--config", str(EXAMPLE),
                             "--journal", "postgresql://trader@db.example/tw")  # fmt: skip
    assert code == 2
    assert "no password supplied (set TRADEWIND_JOURNAL_PASSWORD" in err


def test_the_journal_password_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tradewind.app.journal_access import open_journal

    seen: dict[str, object] = {}

    def record(target: object, **kwargs: object) -> None:
        seen.update(kwargs, target=target)
        raise JournalError("stop here")

    monkeypatch.setattr(Journal, "open", record)
    monkeypatch.setenv("TRADEWIND_JOURNAL_PASSWORD", SECRET)
    with pytest.raises(JournalError):
        open_journal("postgresql://trader@db.example/tw")
    assert seen == {"target": "postgresql://trader@db.example/tw", "create": True,
                    "password": SECRET}  # fmt: skip
    with pytest.raises(JournalError):
        open_journal("postgresql://trader:given@db.example/tw")
    assert seen["password"] is None  # a password in the URL is used as given


@pytest.mark.parametrize("command", [["signals", "export"], ["capital", "status"]])
def test_reading_a_missing_journal_exits_2_naming_it(
    command: list[str], tradewind: Invoke, tmp_path: Path
) -> None:
    missing = tmp_path / "absent.sqlite"
    code, out, err = tradewind(*command, "--journal", str(missing))
    assert code == 2, out + err
    assert f"journal {missing} does not exist" in err
    assert not missing.exists()


def test_signals_export_to_a_file_that_cannot_be_written_exits_2_naming_it(
    tradewind: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as journal:
        journal.start_run("advisory", {}, run_id="ad-1")
    out_file = tmp_path / "no" / "such" / "dir" / "signals.csv"
    code, out, err = tradewind("signals", "export", "--journal", str(path), "--out", str(out_file))
    assert code == 2, out + err
    assert f"cannot write --out {out_file}: No such file or directory" in err


@requires_postgres
def test_runs_journaled_to_postgres_log_in_with_the_environment_password_and_store_none(
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tradewind.app.backtest import backtest_config
    from tradewind.app.journal_access import open_journal
    from tradewind.app.journaling import journal_run

    url = make_url(pg_url)
    user_only = URL.create(
        url.drivername, url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    monkeypatch.setenv("TRADEWIND_JOURNAL_PASSWORD", url.password or "the server trusts us")
    # The configuration names a journal with a password (accepted from the environment).
    monkeypatch.setenv("TRADEWIND_BACKTEST__JOURNAL", f"postgresql://trader:{SECRET}@db/tw")
    config = load_config(EXAMPLE)
    catalog = Catalog(tmp_path / "catalog")
    session = TradingSession(config, catalog, user_only, mode="advisory").run(until_row=50)
    outcome = backtest_config(config, catalog)
    backtest = journal_run(outcome.run, outcome.results, user_only,
                           config_json=config.model_dump_json())  # fmt: skip
    with open_journal(user_only) as journal:
        assert journal.engine.url.password == os.environ["TRADEWIND_JOURNAL_PASSWORD"]
        for run_id in (session.run_id, backtest.run_id):
            stored = journal.run(run_id).config_json
            assert SECRET not in stored
            assert "postgresql://trader:***@db/tw" in stored
