"""Journal fixtures: every backend test runs on SQLite and, when TRADEWIND_TEST_PG_URL is
set (CI sets it: .ci/run starts a throwaway PostgreSQL), on PostgreSQL in a fresh schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tradewind.store import Journal

PG_URL = os.environ.get("TRADEWIND_TEST_PG_URL", "")
requires_postgres = pytest.mark.skipif(
    not PG_URL,
    reason="TRADEWIND_TEST_PG_URL is not set (CI sets it; .ci/run starts a throwaway PostgreSQL)",
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=requires_postgres)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not PG_URL:
        pytest.skip("TRADEWIND_TEST_PG_URL is not set")
    schema = f"tw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def journal_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test journal lives: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def journal(journal_target: str) -> Iterator[Journal]:
    with Journal.open(journal_target) as opened:
        yield opened
