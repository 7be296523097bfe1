"""Run `tradewind data import` as a user would: in-process (to inject faults) or as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from tests.cli import run_cli

TRADEWIND = Path(sys.executable).with_name("tradewind")


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def import_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    file: Path,
    catalog: Path,
    *args: str,
    symbol: str = "TEST",
    market: str = "equities",
) -> Outcome:
    """`tradewind data import FILE ...` through the console entry point (`run`)."""
    argv = ["data", "import", str(file), "--symbol", symbol, "--market", market,
            "--no-quality", "--catalog", str(catalog), *args]  # fmt: skip
    return Outcome(*run_cli(argv, monkeypatch, capsys))


def import_process(
    file: Path,
    catalog: Path,
    *args: str,
    symbol: str = "TEST",
    market: str = "equities",
    env: dict[str, str] | None = None,
) -> Outcome:
    """`tradewind data import FILE ...` in a child process (the real exit code and output)."""
    environment = {k: v for k, v in os.environ.items() if k != "TRADEWIND_DEBUG"}
    environment.update(env or {})
    done = subprocess.run(
        [str(TRADEWIND), "data", "import", str(file), "--symbol", symbol, "--market", market,
         "--no-quality", "--catalog", str(catalog), *args],
        capture_output=True, text=True, env=environment, timeout=120, check=False,
    )  # fmt: skip
    return Outcome(done.returncode, done.stdout, done.stderr)


def quarantine_of(catalog: Path) -> pd.DataFrame:
    """The one quarantine file written into `catalog`."""
    files = sorted((catalog / "_quarantine").rglob("*.parquet"))
    assert len(files) == 1, files
    return pd.read_parquet(files[0])


def leftovers(root: Path) -> list[Path]:
    """Temporary files a write left behind under `root`."""
    return sorted(p for p in root.rglob("*") if p.name.endswith(".tmp"))
