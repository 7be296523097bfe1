"""Fixtures of the dashboard and API tests: one seeded server per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.web.server_harness import Served, serve_seed


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A running server over the seeded journal (module-scoped: tests that change
    state use their own markets or check only what they add)."""
    with serve_seed(tmp_path_factory.mktemp("served")) as running:
        yield running
