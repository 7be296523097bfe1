"""Real sample market data shipped inside the package (read-only).

The bars sit in the catalog layout under `catalog/` (the `Catalog` reads them as its
fallback root); FRED monthly macro series and NBER recession dates sit under
`macro/`. `manifest.json` lists every file with its checksum and origin;
`SOURCES.md` gives the attribution, licences and transformations.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tradewind.data.schema import DataError

__all__ = [
    "MACRO_FILES",
    "bundled_catalog_root",
    "bundled_manifest",
    "bundled_root",
    "macro_file",
]

MACRO_FILES: tuple[str, ...] = ("fred_monthly.parquet", "fred_catalog.csv", "nber_recessions.csv")


def bundled_root() -> Path:
    """Directory of the bundled data inside the installed package."""
    return Path(__file__).resolve().parent


def bundled_catalog_root() -> Path:
    """Catalog root (hive layout) of the bundled bar series."""
    return bundled_root() / "catalog"


def macro_file(name: str) -> Path:
    """Path of a bundled macro file (one of `MACRO_FILES`).

    Raises:
        DataError: unknown name, or the file is missing from the installation.
    """
    if name not in MACRO_FILES:
        raise DataError(
            f"unknown bundled macro file {name!r}: expected one of {', '.join(MACRO_FILES)}"
        )
    path = bundled_root() / "macro" / name
    if not path.is_file():
        raise DataError(f"{path}: bundled macro file missing; reinstall tradewind")
    return path


@cache
def bundled_manifest() -> dict[str, Any]:
    """The parsed `manifest.json` (files, checksums, origins).

    Raises:
        DataError: the manifest is missing or invalid.
    """
    path = bundled_root() / "manifest.json"
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: bundled manifest unreadable ({exc})") from None
    if not isinstance(loaded, dict):
        raise DataError(f"{path}: expected a JSON object")
    return loaded
