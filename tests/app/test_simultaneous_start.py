"""Two paper sessions started at the same moment on a fresh journal: one runs, the other
is refused (exit 2) and nothing is started beside the first run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"


@pytest.mark.slow
def test_two_sessions_started_at_once_make_one_run_and_one_refusal(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    command = [sys.executable, "-m", "tradewind.cli.main", "paper", "--config", str(EXAMPLE),
               "--journal", str(journal), "--catalog", str(tmp_path / "catalog")]  # fmt: skip
    both = [
        subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    results = sorted((p.wait(timeout=300), p.stdout.read() if p.stdout else "") for p in both)
    (ok, ok_out), (refused, refused_out) = results
    assert ok == 0, ok_out[-2000:]
    assert refused == 2, refused_out[-2000:]
    assert "is already being written by pid" in refused_out
    with Journal.open(journal) as stored:
        assert len(stored.runs()) == 1
