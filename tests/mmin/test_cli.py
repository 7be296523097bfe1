"""`tradewind analyze` and `tradewind evaluate intelligence` through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _cli(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_analyze_prints_a_summary_and_writes_report_and_json(tmp_path):
    done = _cli(
        "analyze", "--limit", "250", "--report", "out/a.html", "--json", "out/a.json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "MMIN analysis as of 2016-07-01 over 250 rows" in done.stdout
    assert "macro regime" in done.stdout
    assert (tmp_path / "out" / "a.html").read_text().count('id="heatmap"') == 1
    payload = json.loads((tmp_path / "out" / "a.json").read_text())
    assert payload["rows"] == 250
    assert payload["correlations"]["matrices"]["50"]["SPY"]["DIA"] > 0.9


@pytest.mark.slow
def test_analyze_with_a_bad_level_fails_cleanly(tmp_path):
    done = _cli("analyze", "--level", "wizard", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_evaluate_runs_the_chosen_measurement_and_reports_its_verdict(tmp_path):
    done = _cli(
        "evaluate", "intelligence", "--only", "confirmation",
        "--report", "e.html", "--json", "e.json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sections = json.loads((tmp_path / "e.json").read_text())["sections"]
    assert [s["key"] for s in sections] == ["confirmation"]
    plain = [row for row in sections[0]["table"] if row["confirmation"] == "off"]
    assert len(plain) == 2  # one plain run per window
    assert "Method." in (tmp_path / "e.html").read_text()


@pytest.mark.slow
def test_evaluate_rejects_an_unknown_measurement(tmp_path):
    done = _cli("evaluate", "intelligence", "--only", "astrology", cwd=tmp_path)
    assert done.returncode == 2
    assert "astrology" in done.stderr
