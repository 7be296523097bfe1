from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.monitor_seed import Seed, seed_journal

from tradewind.config import TradewindConfig, load_config
from tradewind.store import Journal


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    return seed_journal(tmp_path_factory.mktemp("monitor") / "journal.sqlite")


@pytest.fixture
def journal(seed: Seed) -> Iterator[Journal]:
    with Journal.open(seed.journal, create=False) as opened:
        yield opened


@pytest.fixture(scope="module")
def config(seed: Seed) -> TradewindConfig:
    return load_config(seed.config_path, apply_env=False)


@pytest.fixture
def fresh_copy(seed: Seed, tmp_path: Path) -> Iterator[Journal]:
    """A writable copy of the seed journal for tests that write to it."""
    target = tmp_path / "copy.sqlite"
    target.write_bytes(seed.journal.read_bytes())
    with Journal.open(target, create=False) as opened:
        yield opened
