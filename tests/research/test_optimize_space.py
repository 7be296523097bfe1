"""The `--param` search space: int and float ranges with steps, choices, grids, and
errors that quote the option."""

from __future__ import annotations

import pytest

from tradewind.research.optimize_space import (
    OptimizeSpaceError,
    ParamDimension,
    check_known,
    grid_size,
    grid_values,
    parse_param,
    parse_space,
)


def test_an_int_range_defaults_to_step_one_and_includes_both_ends() -> None:
    dim = parse_param("fast=5:8")
    assert dim == ParamDimension("fast", "int", 5, 8, 1)
    assert grid_values(dim) == (5, 6, 7, 8)


def test_an_int_range_with_a_step_stops_at_or_below_hi() -> None:
    assert grid_values(parse_param("slow=20:100:30")) == (20, 50, 80)


def test_a_float_range_without_a_step_is_continuous_and_has_no_grid() -> None:
    dim = parse_param("z=0.5:2.5")
    assert (dim.kind, dim.low, dim.high, dim.step) == ("float", 0.5, 2.5, None)
    with pytest.raises(OptimizeSpaceError, match=r"z=0\.5:2\.5: a float range needs a step"):
        grid_values(dim)


def test_a_float_range_with_a_step_has_a_grid_without_rounding_noise() -> None:
    assert grid_values(parse_param("z=0.1:0.5:0.1")) == (0.1, 0.2, 0.3, 0.4, 0.5)


def test_choices_keep_their_order_and_type() -> None:
    dim = parse_param("mode=3, 1.5 ,fast,3")
    assert dim.kind == "choice"
    assert dim.choices == (3, 1.5, "fast")
    assert dim.describe() == "3,1.5,fast"


def test_the_grid_size_is_the_product_of_every_dimension() -> None:
    assert grid_size(parse_space(["a=1:3", "b=x,y"])) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fast", r"--param 'fast': expected name=lo:hi\[:step\] or name=a,b,c"),
        ("=1:2", "expected name=lo:hi"),
        ("fast=", "empty range"),
        ("fast=9:5", r"lo \(9\) is above hi \(5\)"),
        ("fast=1:5:0", "step must be above 0, got 0"),
        ("fast=1:5:-2", "step must be above 0"),
        ("fast=a:5", "'a' is not a number"),
        ("fast=1:nan", "'nan' is not a finite number"),
        ("fast=1:2:3:4", "expected lo:hi or lo:hi:step"),
        ("fast=1,,2", "empty choice"),
    ],
)
def test_a_malformed_param_is_refused_quoting_the_option(text: str, expected: str) -> None:
    with pytest.raises(OptimizeSpaceError, match=expected):
        parse_param(text)


def test_a_name_given_twice_or_no_param_at_all_is_refused() -> None:
    with pytest.raises(OptimizeSpaceError, match="--param fast: given twice"):
        parse_space(["fast=1:2", "fast=3:4"])
    with pytest.raises(OptimizeSpaceError, match="give at least one"):
        parse_space([])


def test_an_unknown_name_lists_the_strategys_parameters() -> None:
    with pytest.raises(OptimizeSpaceError, match="--param fsat: not a parameter of strategy "
                       "sma_cross, expected one of fast, slow"):  # fmt: skip
        check_known(parse_space(["fsat=1:2"]), ["fast", "slow"], "sma_cross")
    check_known(parse_space(["fast=1:2"]), ["fast", "slow"], "sma_cross")
