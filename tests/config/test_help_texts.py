"""Help of `tradewind init` and `tradewind config ...`: a one-line summary, then details,
so that command lists at 80 columns show whole sentences."""

from __future__ import annotations

import inspect

import pytest
from typer.testing import CliRunner

from tradewind.cli import config_cmd
from tradewind.cli.main import app

COMMANDS = [
    pytest.param(config_cmd.init_command, ["init"], id="init"),
    pytest.param(config_cmd.check_command, ["config", "check"], id="check"),
    pytest.param(config_cmd.show_command, ["config", "show"], id="show"),
]


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_docstring_is_a_one_line_summary_then_a_blank_line_then_details(command, args) -> None:
    paragraphs = inspect.cleandoc(command.__doc__ or "").split("\n\n")
    summary = paragraphs[0]
    assert "\n" not in summary, "Typer shows the first paragraph with its source line breaks"
    assert summary.endswith(".")
    assert len(paragraphs) > 1, "details follow the summary after a blank line"


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_help_at_80_columns_shows_the_whole_summary_on_one_line(command, args) -> None:
    summary = inspect.cleandoc(command.__doc__ or "").split("\n\n")[0]
    env = {"COLUMNS": "80", "TERMINAL_WIDTH": "80"}
    own = CliRunner().invoke(app, [*args, "--help"], env=env)
    assert own.exit_code == 0, own.output
    assert any(line.strip() == summary for line in own.output.splitlines())
    group = CliRunner().invoke(app, [*args[:-1], "--help"], env=env)
    rows = [line.strip("│ ") for line in group.output.splitlines()]
    listed = [row for row in rows if row.startswith(f"{args[-1]} ")]
    assert listed, group.output
    assert summary in listed[0]
