"""The journal's edge: a full disk, a read-only or unreachable journal, and passwords in
URLs are clear errors that name the journal, and no password is ever stored."""

from __future__ import annotations

import errno
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, make_url

from tradewind.store import Journal, JournalError, SignalRecord, schema
from tradewind.store import journal as journal_module

from ._helpers import CONFIG, order, populate, signal
from ._read_only import read_only
from .conftest import requires_postgres

SECRET = "s3cr3t-PW"


def _full_after(journal: Journal, extra_pages: int) -> None:
    """From now on the SQLite database may grow by `extra_pages` pages only: writes
    beyond fail with SQLite's real "database or disk is full" error."""
    with journal.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())

    def limit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    event.listen(journal.engine, "connect", limit)
    journal.engine.dispose()  # pooled connections reconnect with the limit


def _many_signals() -> list[SignalRecord]:
    """More signals than a few free pages hold."""
    return [signal(i % 20, strategy="x" * 100) for i in range(3000)]


def test_a_full_disk_is_a_journal_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        run_id = journal.start_run("paper", CONFIG, run_id="full")
        _full_after(journal, 2)
        with pytest.raises(JournalError) as raised:
            journal.record_signals(run_id, _many_signals())
    message = str(raised.value)
    assert str(path) in message
    assert "the disk is full" in message
    assert "database or disk is full" in message


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.db") as journal:
        run_id = journal.start_run("paper", CONFIG, run_id="full")
        journal.record_signals(run_id, [signal(1)])
        _full_after(journal, 2)
        with pytest.raises(JournalError):
            journal.record_signals(run_id, _many_signals())
        assert len(journal.signals(run_id)) == 1
        journal.record_order(run_id, order(1))  # small writes still fit
        assert len(journal.orders(run_id)) == 1


def test_an_os_error_no_space_is_a_journal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.db"

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with Journal.open(path) as journal:
        run_id = journal.start_run("paper", CONFIG, run_id="nospace")
        monkeypatch.setattr(journal_module, "insert_batch", no_space)
        with pytest.raises(JournalError, match="the disk is full") as raised:
            journal.record_signals(run_id, [signal(1)])
    assert str(path) in str(raised.value)


def test_check_writable_refuses_a_read_only_journal_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    with read_only(path), Journal.open(path) as journal:
        with pytest.raises(JournalError) as raised:
            journal.check_writable()
        assert journal.runs() == []  # reading still works
    assert str(path) in str(raised.value)
    assert "readonly database" in str(raised.value)


def test_check_writable_passes_and_changes_nothing(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG, run_id="kept")
    populate(journal, run_id)
    before = journal.digest(run_id)
    journal.check_writable()
    assert journal.digest(run_id) == before


def test_a_new_journal_in_a_read_only_directory_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder), pytest.raises(JournalError) as raised:
        Journal.open(folder / "journal.db")
    assert f"cannot create journal {folder / 'journal.db'}" in str(raised.value)
    assert f"directory {folder} is not writable" in str(raised.value)


def test_a_journal_under_a_file_is_refused_naming_the_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(JournalError, match=r"its directory .*notes\.txt/sub cannot be created"):
        Journal.open(blocker / "sub" / "journal.db")


def test_url_passwords_never_reach_the_stored_configuration_or_summary(
    journal: Journal,
) -> None:
    config = {"backtest": {"journal": f"postgresql://trader:{SECRET}@db.example/tw"},
              "notes": [f"mirror at https://u:{SECRET}@backup.example/x"]}  # fmt: skip
    run_id = journal.start_run("backtest", config, run_id="masked")
    journal.finish_run(run_id, "finished", {"paused": {"crypto": f"sqlite+x://a:{SECRET}@h"}})
    info = journal.run(run_id)
    assert SECRET not in info.config_json
    assert SECRET not in json.dumps(info.summary)
    stored = json.loads(info.config_json)
    assert stored["backtest"]["journal"] == "postgresql://trader:***@db.example/tw"
    assert stored["notes"] == ["mirror at https://u:***@backup.example/x"]


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("postgresql://trader@db.example/tw", SECRET, SECRET),
        ("postgresql://trader:***@db.example/tw", SECRET, SECRET),
        ("postgresql://trader:given@db.example/tw", SECRET, "given"),
        ("postgresql://db.example/tw", SECRET, None),  # no user: nothing to log in as
        ("postgresql://trader@db.example/tw", None, None),
    ],
)
def test_the_password_is_used_only_for_a_url_with_a_user_and_no_password(
    url: str, password: str | None, expected: str | None
) -> None:
    engine = schema.create_journal_engine(url, password=password)
    try:
        assert engine.url.password == expected
        assert SECRET not in str(engine.url)  # SQLAlchemy masks it when shown
    finally:
        engine.dispose()


def test_wants_password_recognizes_user_only_database_urls(tmp_path: Path) -> None:
    assert schema.wants_password("postgresql://trader@h/db")
    assert schema.wants_password("postgresql+psycopg://trader:***@h:5432/db")
    assert not schema.wants_password("postgresql://trader:pw@h/db")
    assert not schema.wants_password("postgresql://h/db")
    assert not schema.wants_password(tmp_path / "journal.db")
    assert not schema.wants_password(":memory:")


def test_an_invalid_url_is_named_without_its_password() -> None:
    with pytest.raises(JournalError) as raised:
        Journal.open(f"not a url://u:{SECRET}@h/db")
    assert SECRET not in str(raised.value)
    assert "u:***@h/db" in str(raised.value)


def test_an_unreachable_server_fails_at_once_naming_the_url_without_its_password() -> None:
    started = time.monotonic()
    with pytest.raises(JournalError) as raised:
        Journal.open(f"postgresql://trader:{SECRET}@127.0.0.1:1/tw")
    assert time.monotonic() - started < 5
    assert SECRET not in str(raised.value)
    assert "cannot open journal postgresql+psycopg://trader:***@127.0.0.1:1/tw" in str(raised.value)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a firewalled server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.mark.slow
def test_a_server_that_never_answers_times_out_after_the_connect_timeout(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "PG_CONNECT_TIMEOUT_S", 1)
    started = time.monotonic()
    with pytest.raises(JournalError, match=f"127.0.0.1:{silent_server}"):
        Journal.open(f"postgresql://trader@127.0.0.1:{silent_server}/tw?sslmode=disable")
    assert time.monotonic() - started < 4


@requires_postgres
def test_check_writable_refuses_a_database_user_who_may_only_read(pg_url: str) -> None:
    Journal.open(pg_url).close()
    url = make_url(pg_url)
    role = f"tw_reader_{uuid.uuid4().hex[:8]}"
    schema_name = url.query["options"].split("=", 1)[1]  # -csearch_path=<schema>
    admin = create_engine(url.set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
        connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema_name}" TO {role}')
        connection.exec_driver_sql(
            f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema_name}" TO {role}'
        )
    reader = URL.create(
        url.drivername, role, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    try:
        with Journal.open(reader, password=SECRET) as journal:
            with pytest.raises(JournalError) as raised:
                journal.check_writable()
            assert journal.runs() == []
        message = str(raised.value)
        assert f"cannot write to journal postgresql+psycopg://{role}:***@" in message
        assert "permission denied" in message
        assert SECRET not in message
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(
                f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema_name}" FROM {role}'
            )
            connection.exec_driver_sql(f'REVOKE ALL ON SCHEMA "{schema_name}" FROM {role}')
            connection.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()
