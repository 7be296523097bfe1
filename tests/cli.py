"""Running `tradewind` in-process through its console entry point, as the console script
runs it (user errors exit 2, bugs 70), so that a test can inject a fault or read the
exit code and both streams."""

from __future__ import annotations

import sys
from typing import NamedTuple

import pytest

from tradewind.cli.main import run

__all__ = ["CliResult", "run_cli"]


class CliResult(NamedTuple):
    """Exit code and captured output (unpacks as `code, out, err`)."""

    code: int
    out: str
    err: str


def run_cli(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> CliResult:
    """`tradewind ARGS` in this process; earlier captured output is dropped first."""
    monkeypatch.setattr(sys, "argv", ["tradewind", *args])
    monkeypatch.delenv("TRADEWIND_DEBUG", raising=False)
    capsys.readouterr()
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)
