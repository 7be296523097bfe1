"""The fixtures the alpaca-py tests share: a started rig and a trading client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alpaca.trading.client import TradingClient

from .rig import AlpacaRig, alpaca_rig

__all__ = ["client", "rig"]


@pytest.fixture
def rig() -> Iterator[AlpacaRig]:
    """The rig of `alpaca_rig()` (default rate limit), stopped after the test."""
    with alpaca_rig() as started:
        yield started


@pytest.fixture
def client(rig: AlpacaRig) -> TradingClient:
    """alpaca-py's trading client on the rig, with the default credentials."""
    return rig.trading()
