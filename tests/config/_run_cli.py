"""The in-process CLI runner for the configuration tests, and the commands that load a
configuration file."""

from __future__ import annotations

import pytest
from tests.cli import CliResult, run_cli

__all__ = ["LOADING_COMMANDS", "CliResult", "run_cli"]


#: The commands that load a configuration file and must refuse a bad one alike.
LOADING_COMMANDS = [
    pytest.param(["config", "check"], id="config-check"),
    pytest.param(["backtest", "--config"], id="backtest"),
]
