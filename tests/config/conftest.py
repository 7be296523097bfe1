"""Config tests run without the developer's TRADEWIND_* variables or `.env`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "multi_market.yaml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("TRADEWIND_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env from the working tree
