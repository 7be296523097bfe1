"""The `tradewind` entry point: clean messages and meaningful exit codes."""

from __future__ import annotations

import subprocess
import sys


def _tradewind(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewind.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_user_error_is_one_line_on_stderr_with_exit_2():
    done = _tradewind("data", "show", "NO-SUCH-SYMBOL")
    assert done.returncode == 2
    assert done.stderr.startswith("error: unknown symbol NO-SUCH-SYMBOL")
    assert "Traceback" not in done.stderr


def test_usage_error_exits_2_without_traceback():
    done = _tradewind("data", "show", "SPX", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_exits_0_and_lists_the_command_groups():
    done = _tradewind("--help")
    assert done.returncode == 0
    for group in ("data", "config", "init"):
        assert group in done.stdout


def _commands(command, path=()):  # type: ignore[no-untyped-def]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_summary_is_one_unbroken_line():
    # Command lists show a docstring's first paragraph with its source line breaks, so
    # a summary wrapped in the source reads as a sentence broken in the middle.
    import typer

    from tradewind.cli.main import app

    broken = [
        name
        for name, command in _commands(typer.main.get_command(app))
        if "\n" in (command.help or "").strip().split("\n\n")[0]
    ]
    assert broken == []
