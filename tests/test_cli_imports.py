"""Every command starts in a blink: the CLI and each command's --help import nothing heavy.

Start-up time itself is measured as whole processes in `bench/startup_bench.py`; these
tests guard the cause (a heavy import at module level) so that it stays fixed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "statsmodels", "numba", "sklearn", "pandas", "duckdb", "sqlalchemy",
         "pyarrow", "skfolio", "hmmlearn", "talib", "tradewind.mmin.engine")  # fmt: skip

_PROBE = """
import json, sys
from tradewind.cli.main import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_imports_no_heavy_library() -> None:
    loaded = _modules_after("--version")
    assert not [name for name in HEAVY if name in loaded]


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ("--help",),
        ("backtest", "--help"),
        ("data", "--help"),
        ("data", "import", "--help"),
        ("analyze", "--help"),
        ("evaluate", "intelligence", "--help"),
        ("config", "check", "--help"),
        ("paper", "--help"),
        ("signals", "export", "--help"),
        ("capital", "status", "--help"),
    ],
)
def test_help_of_a_command_imports_no_heavy_library(command: tuple[str, ...]) -> None:
    loaded = _modules_after(*command)
    assert not [name for name in HEAVY if name in loaded]
