"""One `harness` per registered adapter; every contract test runs against each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import HARNESSES, VenueHarness


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest) -> Iterator[VenueHarness]:
    built = HARNESSES[request.param]()
    yield built
    built.close()
