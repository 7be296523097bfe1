from __future__ import annotations

from decimal import Decimal

import pytest

from tradewind.domain import DomainError, decimal_places, to_decimal


def test_float_converts_without_binary_noise() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(0.1 + 0.2) == Decimal("0.30000000000000004")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, Decimal(3)), (" 1.50 ", Decimal("1.50")), (Decimal("2.5"), Decimal("2.5"))],
)
def test_ints_strings_and_decimals_convert_exactly(value: object, expected: Decimal) -> None:
    assert to_decimal(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "NaN", "-Infinity", Decimal("nan")])
def test_non_finite_values_are_rejected(value: object) -> None:
    with pytest.raises(DomainError, match="expected a finite number"):
        to_decimal(value, field="price")  # type: ignore[arg-type]


def test_garbage_and_bools_are_rejected_naming_the_field() -> None:
    with pytest.raises(DomainError, match="invalid price 'abc': not a number"):
        to_decimal("abc", field="price")
    with pytest.raises(DomainError, match="found a bool"):
        to_decimal(True)
    with pytest.raises(DomainError, match="found list"):
        to_decimal([1])  # type: ignore[arg-type]


def test_decimal_places_ignores_trailing_zeros() -> None:
    assert decimal_places(Decimal("0.050")) == 2
    assert decimal_places(Decimal("1")) == 0
    assert decimal_places(Decimal("1E+2")) == 0
    assert decimal_places(Decimal("0.00001")) == 5
