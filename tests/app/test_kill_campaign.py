"""The kill -9 campaign (`scripts/kill_campaign.py`), short: paper runs SIGKILLed at random
instants and resumed end with the uninterrupted run's journal, and a second writer of a
run is refused with exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "kill_campaign.py"
PG_URL = os.environ.get("TRADEWIND_TEST_PG_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="TRADEWIND_TEST_PG_URL is not set"),
    ),
]


def _campaign(backend: str, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    name = "postgres" if backend == "postgresql" else "sqlite"
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--backend", name, "--workdir", str(workdir), *args],
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_runs_killed_and_resumed_journal_what_an_uninterrupted_run_does(
    backend: str, tmp_path: Path
) -> None:
    done = _campaign(backend, tmp_path, "--kills", "10", "--seed", "1", "--days", "120")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "journals with a digest mismatch         0" in done.stdout
    kills = {
        line.split()[0]: int(line.split()[1])
        for line in done.stdout.splitlines()
        if line.split()[:1] in (["start-up"], ["replay"], ["steady"])
    }
    assert sum(kills.values()) == 10


@pytest.mark.slow
def test_a_second_paper_process_on_a_run_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    done = _campaign("sqlite", tmp_path, "--two-writers")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "second writer: exit 2: error: run pp-" in done.stdout
    assert "is already being written by pid" in done.stdout
