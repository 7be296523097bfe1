"""Suite-wide test tiers: `slow` tests (more than a second or two) are marked where they
are defined; every test that needs PostgreSQL is marked `postgres` here, so that
`pytest -m "not slow and not postgres"` is the fast tier a developer runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TRADEWIND_* variable of the developer's and no `.env` from the working tree."""
    for name in list(os.environ):
        if name.upper().startswith("TRADEWIND_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and any(
            isinstance(value, str) and value == "postgresql" for value in callspec.params.values()
        )
        if "pg_url" in getattr(item, "fixturenames", ()) or on_postgres:
            item.add_marker(pytest.mark.postgres)
