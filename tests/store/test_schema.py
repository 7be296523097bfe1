"""The journal schema comes from the Alembic migrations, on every backend."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tradewind.store import Journal, JournalError
from tradewind.store.models import Base
from tradewind.store.schema import HEAD_REVISION, head_revision

from ._helpers import CONFIG, order
from .conftest import requires_postgres

TABLES = {
    "runs",
    "signals",
    "risk_decisions",
    "orders",
    "order_events",
    "fills",
    "positions",
    "equity",
    "risk_state",
    "sizing_decisions",
    "allocations",
    "capital_events",
    "capital_status",
    "run_writers",
    "reconciliation_findings",
    "control_commands",
    "control_acks",
    "heartbeats",
    "promotions",
    "drift_checks",
    "users",
    "api_tokens",
    "sweeps",
    "sweep_trials",
}


def test_migrations_create_every_table_at_head(journal: Journal) -> None:
    assert set(inspect(journal.engine).get_table_names()) == TABLES | {"alembic_version"}
    with journal.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


def test_the_declared_head_revision_is_the_newest_migration() -> None:
    assert head_revision() == HEAD_REVISION


def test_in_memory_journal_is_migrated_too() -> None:
    with Journal.open(":memory:") as journal:
        assert set(inspect(journal.engine).get_table_names()) >= TABLES
        run_id = journal.start_run("backtest", CONFIG)
        journal.record_order(run_id, order(1))
        assert [o.seq for o in journal.orders(run_id)] == [1]


def test_models_and_migrations_describe_the_same_schema(journal: Journal) -> None:
    with journal.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_sqlite_connection_uses_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    # two connections checked out at once: the pragmas are set on every connection
    with (
        Journal.open(path) as journal,
        journal.engine.connect() as first,
        journal.engine.connect() as second,
    ):
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # WAL is a property of the file: a plain sqlite3 connection sees it too
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_reopening_keeps_the_data_and_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "journal.db"
    with Journal.open(path) as journal:
        run_id = journal.start_run("paper", CONFIG, run_id="keep-me")
        journal.record_order(run_id, order(1))
    with Journal.open(f"sqlite:///{path}") as journal:
        assert [o.client_order_id for o in journal.orders("keep-me")] == ["keep-me-00000001"]


def test_opening_a_missing_journal_without_create_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.db"
    with pytest.raises(JournalError, match=r"absent\.db does not exist"):
        Journal.open(missing, create=False)
    assert not missing.exists()


def test_a_journal_written_by_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(JournalError, match=r"revision '9999_future'.*upgrade Tradewind"):
        Journal.open(path)


@pytest.mark.parametrize("url", ["mysql://user@localhost/db", "not a url://x"])
def test_unsupported_journal_urls_are_refused(url: str) -> None:
    with pytest.raises(JournalError, match="journal URL"):
        Journal.open(url)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough " * 40)
    with pytest.raises(JournalError, match=r"cannot open journal .*notes\.txt"):
        Journal.open(path)


@requires_postgres
def test_a_postgresql_url_without_driver_uses_psycopg(pg_url: str) -> None:
    url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with Journal.open(url) as journal:
        assert journal.backend == "postgresql"
        assert journal.engine.dialect.driver == "psycopg"


def test_a_directory_is_not_a_journal(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="is a directory"):
        Journal.open(tmp_path)
