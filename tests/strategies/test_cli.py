"""`tradewind strategy list` and `tradewind strategy check` through Typer's CliRunner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tradewind.cli.strategy_cmd import app
from tradewind.strategies.api import LookAheadError, StrategyError

from . import peeking

runner = CliRunner()


def test_list_shows_every_builtin_with_parameters_and_defaults() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for name in ("sma_cross", "momentum_v1", "rsi_volume_breakout", "trend_following_v1"):
        assert name in result.output
    assert "fast=10" in result.output
    assert "slow=50" in result.output
    assert "6 built-in strategies" in result.output


def test_check_builtin_on_bundled_data_prints_ok_with_counts() -> None:
    result = runner.invoke(app, ["check", "sma_cross", "-p", "fast=5", "-p", "slow=30"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK sma_cross on SPX 1d: ")
    assert "signals on 5031 bars unchanged at" in result.output
    assert "fast=5, slow=30" in result.output


def test_check_close_only_series_notes_when_there_are_no_signals() -> None:
    result = runner.invoke(app, ["check", "rsi_volume_breakout", "--symbol", "VIX"])
    assert result.exit_code == 0, result.output
    assert "0 signals" in result.output
    assert "no signals on this series" in result.output


def test_check_refuses_a_peeking_strategy() -> None:
    result = runner.invoke(app, ["check", f"{peeking.__name__}:STRATEGY", "--symbol", "BTC-USD"])
    assert isinstance(result.exception, LookAheadError)
    assert "peek_next_close peeks ahead" in str(result.exception)


def test_check_bad_parameter_raises_a_user_error() -> None:
    result = runner.invoke(app, ["check", "sma_cross", "-p", "fast=abc"])
    assert isinstance(result.exception, StrategyError)
    assert "invalid parameter fast" in str(result.exception)


def test_console_script_exits_2_with_one_line_for_a_peeking_strategy() -> None:
    # Through the real entry point: main.py prints TradewindError as one line, exit code 2.
    code = (
        "import sys; from tradewind.cli import main; from tradewind.cli.strategy_cmd import app;"
        "main.app.add_typer(app, name='strategy'); sys.argv=['tradewind']+sys.argv[1:]; main.run()"
    )
    target = f"{peeking.__name__}:CENTERED"
    done = subprocess.run(
        [sys.executable, "-c", code, "strategy", "check", target, "--symbol", "BTC-USD"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(peeking.__file__).parents[peeking.__name__.count(".")],
    )
    assert done.returncode == 2, done.stderr
    assert "centered_mean peeks ahead: signal at bar" in done.stderr
    assert "Traceback" not in done.stderr
