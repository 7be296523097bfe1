"""Fixtures for the data-layer tests: temporary catalogs and small bar frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewind.data.catalog import CATALOG_ENV, Catalog


@pytest.fixture(autouse=True)
def _catalog_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes a catalog into the working directory by accident."""
    monkeypatch.setenv(CATALOG_ENV, str(tmp_path / "env-catalog"))


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    return tmp_path / "catalog"


@pytest.fixture
def catalog(catalog_dir: Path) -> Catalog:
    """A user catalog in a temporary directory that also reads the bundled data."""
    return Catalog(catalog_dir)


@pytest.fixture
def user_catalog(catalog_dir: Path) -> Catalog:
    """A user catalog without the bundled data."""
    return Catalog(catalog_dir, include_bundled=False)


@pytest.fixture
def spx_bundled() -> pd.DataFrame:
    """The bundled S&P 500 daily bars (real data), read straight from the package."""
    return Catalog(include_bundled=True).load_bars("SPX", market="equities", timeframe="1d")
