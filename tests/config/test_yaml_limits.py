"""Hostile or odd YAML is refused quickly with a located message (exit 2), never a hang
or an internal error: alias bombs, huge integers, impossible dates, deep nesting, and
non-finite numbers."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from tradewind.config import ConfigError, load_config, load_config_text
from tradewind.config.yaml_source import (
    MAX_ALIAS_EXPANSION,
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
)

from ._helpers import write
from ._run_cli import LOADING_COMMANDS, run_cli

#: A runnable market; the lines of the texts below count from here.
MARKET = """\
markets:
  crypto: {provider: sim, symbols: [BTC-USD], strategies: [sma_cross], risk_allocation_pct: 40}
"""


def _billion_laughs() -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    return MARKET + "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", LOADING_COMMANDS)
def test_billion_laughs_is_refused_naming_the_expanding_key(
    command: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, _billion_laughs())
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{path}: l9 (line 12): aliases expand this value to" in result.err
    assert f"at most {MAX_ALIAS_EXPANSION:,} values added by aliases" in result.err


def test_billion_laughs_is_refused_in_milliseconds_not_minutes() -> None:
    text = _billion_laughs()
    started = time.perf_counter()
    with pytest.raises(ConfigError):
        load_config_text(text, apply_env=False)
    assert time.perf_counter() - started < 0.5  # the secret-key scan used to take minutes


def test_a_few_aliases_and_merge_keys_still_work(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        execution: &costs {sizing: {mode: fraction, value: 0.1}, commission: {model: bps, bps: 5}}
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 40, execution: *costs}
          equities:
            <<: {provider: sim, risk_allocation_pct: 40}
            symbols: [MSFT]
            execution: *costs
        """,
    )
    config = load_config(path, apply_env=False)
    assert config.markets["equities"].execution == config.execution
    assert config.markets["crypto"].execution == config.execution
    assert config.markets["equities"].risk_allocation_pct == 40


@pytest.mark.parametrize("command", LOADING_COMMANDS)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("loop: &loop [1, *loop]\n", id="list"),
        pytest.param("loop: &loop {again: *loop}\n", id="mapping"),
    ],
)
def test_an_alias_inside_its_own_anchor_is_refused(
    command: list[str], text: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + text)
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{path}: line 3, column 7: an alias refers to a value that contains it" in result.err


@pytest.mark.parametrize("command", LOADING_COMMANDS)
def test_a_five_thousand_digit_integer_is_a_field_error(
    command: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + "backtest:\n  initial_cash: 1" + "0" * 5_000 + "\n")
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert "backtest.initial_cash (line 4): an integer of 5,001 digits" in result.err
    assert f"expected at most {MAX_INTEGER_DIGITS} digits" in result.err


@pytest.mark.parametrize("command", LOADING_COMMANDS)
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2016-99-99", "month value is outside expected range"),
        ("2016-02-30", "day value is outside expected range"),
        ("2016-01-02 25:00:00", "hour value is outside expected range"),
    ],
)
def test_an_impossible_date_is_a_field_error(
    command: list[str], value: str, reason: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + f"data:\n  start: 2016-01-01\n  end: {value}\n")
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"data.end (line 5): expected a date written YYYY-MM-DD, got '{value}'" in result.err
    assert reason in result.err


@pytest.mark.parametrize("command", LOADING_COMMANDS)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("deep: " + "[" * 5_000 + "]" * 5_000, id="lists"),
        pytest.param("deep: " + "{a: " * 5_000 + "1" + "}" * 5_000, id="mappings"),
    ],
)
def test_five_thousand_levels_of_nesting_are_refused(
    command: list[str], text: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + text + "\n")
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{path}: deep (line 3, column " in result.err
    assert f"nested deeper than {MAX_NESTING_DEPTH} levels" in result.err


def test_aliases_cannot_nest_deeper_than_the_text_does(tmp_path: Path, monkeypatch, capsys) -> None:
    depth = 40  # each anchor below is within the limit; chained they are not
    lines = [f"n0: &n0 {'[' * depth}{']' * depth}"]
    lines += [f"n{i}: &n{i} {'[' * depth}*n{i - 1}{']' * depth}" for i in range(1, 4)]
    path = write(tmp_path, MARKET + "\n".join(lines) + "\n")
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert "n3 (line 6): aliases nest this value" in result.err
    assert f"at most {MAX_NESTING_DEPTH} deep" in result.err


def test_deeply_nested_json_in_an_environment_override_is_refused(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET)
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__SYMBOLS", "[" * 5_000 + "]" * 5_000)
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert "override of 'symbols' nests deeper than 50 levels" in result.err


@pytest.mark.parametrize("command", LOADING_COMMANDS)
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".inf", "expected a finite number, got inf"),
        ("-.inf", "expected a finite number, got -inf"),
        (".nan", "expected a finite number, got nan"),
        ("1e999", "expected a finite number, got inf"),
        ("-5", "expected a value greater than 0, got -5"),
        ("0", "expected a value greater than 0, got 0"),
    ],
)
def test_initial_cash_must_be_a_positive_finite_amount(
    command: list[str], value: str, expected: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + f"backtest:\n  initial_cash: {value}\n")
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"backtest.initial_cash (line 4): {expected}" in result.err


def test_every_float_field_refuses_infinity_and_nan(tmp_path: Path, monkeypatch, capsys) -> None:
    path = write(
        tmp_path,
        MARKET
        + textwrap.dedent(
            """\
            execution:
              sizing: {mode: units, value: .inf}
              commission: {model: per_share, per_unit: .nan, min_per_order: .inf}
              lot_size: .inf
            risk:
              global: {max_position_size_usd: .inf}
            autonomous_scaling:
              {milestones: [1, .inf], base_capital: .inf, target_sharpe_ratio: .nan}
            signal_aggregation: {weights: {sma_cross: .inf}}
            """
        ),
    )
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    for field, line in [
        ("execution.sizing.value", 4),
        ("execution.commission.per_unit", 5),
        ("execution.commission.min_per_order", 5),
        ("execution.lot_size", 6),
        ("risk.global.max_position_size_usd", 8),
        ("autonomous_scaling.milestones[1]", 10),
        ("autonomous_scaling.base_capital", 10),
        ("autonomous_scaling.target_sharpe_ratio", 10),
        ("signal_aggregation.weights.sma_cross", 11),
    ]:
        assert f"{field} (line {line}): expected a finite number" in result.err


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('!!int "abc"', "'abc' is not a valid !!int"),
        ("!!float abc", "'abc' is not a valid !!float"),
        ("!!bool maybe", "'maybe' is not a valid !!bool"),
    ],
)
def test_an_explicit_tag_on_the_wrong_text_is_located(
    value: str, expected: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + f"backtest:\n  initial_cash: {value}\n")
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{path}: line 4, column 17: invalid YAML: {expected}" in result.err


def test_a_huge_integer_key_is_refused_with_a_short_path(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + "strategy_weights:\n  ? " + "7" * 5_001 + "\n  : 1\n")
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert "strategy_weights.77777777777777777777...(5,001 characters) (line 4)" in result.err
    assert len(result.err) < 300
