"""`tradewind init` and `tradewind config check|show`: output, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli import run_cli
from typer.testing import CliRunner

from tradewind.cli.main import app
from tradewind.config import ConfigError, default_template_text, load_config

from ._helpers import write
from .conftest import EXAMPLE

BAD = """\
markets:
  equities:
    provider: sim
    symbols: [SPY, EUR-USD]
    risk_allocation_pct: 140
"""


def _run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    return tuple(run_cli(args, monkeypatch, capsys))  # type: ignore[return-value]


def test_init_writes_a_template_that_passes_check(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "conf" / "tradewind.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == default_template_text()
    checked = runner.invoke(app, ["config", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    assert "is valid" in checked.output


def test_init_defaults_to_tradewind_yaml_in_working_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert load_config(tmp_path / "tradewind.yaml").markets


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = write(tmp_path, "mine: true\n")
    code, _, err = _run(["init", str(target)], monkeypatch, capsys)
    assert code == 2
    assert "already exists" in err
    assert "--force" in err
    assert target.read_text(encoding="utf-8") == "mine: true\n"
    code, _, _ = _run(["init", str(target), "--force"], monkeypatch, capsys)
    assert code == 0
    assert target.read_text(encoding="utf-8") == default_template_text()


def test_check_prints_markets_and_totals() -> None:
    result = CliRunner().invoke(app, ["config", "check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    for text in ("crypto", "volatility", "BTC-USD", "UST2Y UST10Y", "mean_reversion_v2", "1h"):
        assert text in result.output
    assert "6 of 6 markets enabled, 90% of capital allocated" in result.output


def test_check_raises_config_error_for_bad_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "check", str(write(tmp_path, BAD))])
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)


def test_check_bad_file_exits_2_with_clean_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, BAD)
    code, out, err = _run(["config", "check", str(path)], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in err + out
    assert str(path) in err
    assert "markets.equities.symbols[1] (line 4)" in err
    assert "markets.equities.risk_allocation_pct (line 5)" in err


def test_show_prints_effective_config_with_env_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("TRADEWIND_CCXT_API_KEY=very-secret-value\n", encoding="utf-8")
    monkeypatch.setenv("TRADEWIND_ALPACA_SECRET_KEY", "another-secret-value")
    monkeypatch.setenv("TRADEWIND_MODE", "paper")
    code, out, _ = _run(["config", "show", str(EXAMPLE)], monkeypatch, capsys)
    assert code == 0
    assert "mode: paper" in out
    assert "max_staleness: 4d" in out
    assert "secret-value" not in out


@pytest.mark.slow
def test_subprocess_check_of_bad_file_has_no_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("tradewind")
    if not script.exists():
        pytest.skip("tradewind console script is not installed next to this interpreter")
    bad = write(tmp_path, BAD, name="bad.yaml")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TRADEWIND_")}
    completed = subprocess.run(
        [str(script), "config", "check", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert str(bad) in completed.stderr
    assert "markets.equities.symbols[1] (line 4)" in completed.stderr
    good = subprocess.run(
        [str(script), "config", "check", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert good.returncode == 0, good.stderr


def test_check_notes_missing_credentials_without_failing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        markets:
          crypto: {provider: ccxt, exchange: kraken, symbols: [BTC-USD], risk_allocation_pct: 10}
        """,
    )
    result = CliRunner().invoke(app, ["config", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "TRADEWIND_CCXT_API_KEY, TRADEWIND_CCXT_SECRET" in result.output
