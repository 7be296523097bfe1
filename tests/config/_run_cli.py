"""Running `tradewind` in-process through its console entry point (exit code, output)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from tradewind.cli.main import run


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> CliResult:
    """`tradewind ARGS` as the console script runs it: user errors exit 2, bugs 70."""
    monkeypatch.setattr(sys, "argv", ["tradewind", *args])
    capsys.readouterr()  # drop earlier output
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


#: The commands that load a configuration file and must refuse a bad one alike.
LOADING_COMMANDS = [
    pytest.param(["config", "check"], id="config-check"),
    pytest.param(["backtest", "--config"], id="backtest"),
]
