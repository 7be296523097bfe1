"""StrategyConfig: frozen parameters parsed from CLI strings with clear errors."""

from __future__ import annotations

import pydantic
import pytest

from tradewind.strategies.api import StrategyError, parse_assignments
from tradewind.strategies.builtin.sma_cross import SmaCrossConfig


def test_cli_strings_are_parsed_to_typed_values() -> None:
    config = SmaCrossConfig.from_params({"fast": "5", "slow": "20", "allow_short": "true"})
    assert (config.fast, config.slow, config.allow_short) == (5, 20, True)


def test_missing_parameters_keep_their_defaults() -> None:
    assert SmaCrossConfig.from_params({}) == SmaCrossConfig()


def test_config_is_frozen() -> None:
    config = SmaCrossConfig()
    with pytest.raises(pydantic.ValidationError):
        config.fast = 3  # type: ignore[misc]


def test_wrong_type_names_parameter_and_expected_type() -> None:
    with pytest.raises(StrategyError) as info:
        SmaCrossConfig.from_params({"fast": "1.5"}, strategy="sma_cross")
    message = str(info.value)
    assert "invalid parameter fast of strategy sma_cross" in message
    assert "expected an integer >= 1 and <= 10000" in message
    assert "got '1.5'" in message


def test_out_of_bounds_value_is_refused() -> None:
    with pytest.raises(StrategyError, match=r"invalid parameter slow .* got 0"):
        SmaCrossConfig.from_params({"slow": 0})


def test_unknown_parameter_lists_known_ones_and_close_match() -> None:
    with pytest.raises(StrategyError) as info:
        SmaCrossConfig.from_params({"slwo": "20"}, strategy="sma_cross")
    message = str(info.value)
    assert "unknown parameter 'slwo'" in message
    assert "did you mean slow?" in message
    assert "fast, slow, allow_short" in message


def test_cross_parameter_rule_message_has_both_values() -> None:
    with pytest.raises(StrategyError, match=r"fast \(50\) must be below slow \(20\)"):
        SmaCrossConfig.from_params({"fast": "50", "slow": "20"})


def test_describe_lists_type_default_and_bounds() -> None:
    info = {p.name: p for p in SmaCrossConfig.describe()}
    assert info["fast"].default == 10
    assert info["fast"].type_name == "int"
    assert info["fast"].bounds == ">= 1 and <= 10000"
    assert info["allow_short"].expected == "true or false"


def test_parse_assignments_splits_on_the_first_equals_sign() -> None:
    assert parse_assignments(["fast=5", " tag = a=b "]) == {"fast": "5", "tag": "a=b"}


@pytest.mark.parametrize("item", ["fast", "=5"])
def test_parse_assignments_refuses_items_without_key_and_value(item: str) -> None:
    with pytest.raises(StrategyError, match="expected key=value"):
        parse_assignments([item])


def test_parse_assignments_refuses_a_repeated_key() -> None:
    with pytest.raises(StrategyError, match="'fast' given twice"):
        parse_assignments(["fast=5", "fast=6"])
