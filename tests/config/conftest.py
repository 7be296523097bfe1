"""Config tests run without the developer's TRADEWIND_* variables or `.env`."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "multi_market.yaml"


@pytest.fixture(autouse=True)
def _clean_environment(clean_environment: None) -> None:
    """Every test here runs in `clean_environment` (tests/conftest.py)."""
