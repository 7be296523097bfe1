from __future__ import annotations

from collections.abc import Iterator

import pytest

from .rig import Rig, rig


@pytest.fixture
def emu() -> Iterator[Rig]:
    with rig() as started:
        yield started
