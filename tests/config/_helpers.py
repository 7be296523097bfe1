"""Helpers shared by the config tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tradewind.config import ConfigError, ConfigIssue, TradewindConfig, load_config

#: A small valid configuration; line numbers below refer to this text.
VALID = """\
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD, ETH-USD]
    strategies: [sma_cross]
    timeframe: 1d
    risk_allocation_pct: 40
  equities:
    provider: sim
    symbols: [SPY]
    strategies: [momentum_v1]
    risk_allocation_pct: 40
"""


def write(tmp_path: Path, text: str, name: str = "tradewind.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> TradewindConfig:
    return load_config(write(tmp_path, text))


def load_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path)), "the message must start with the file path"
    return caught.value


def issue_at(error: ConfigError, field: str) -> ConfigIssue:
    found = [issue for issue in error.issues if issue.field == field]
    assert found, f"no issue at {field!r}; issues: {[str(i) for i in error.issues]}"
    return found[0]
