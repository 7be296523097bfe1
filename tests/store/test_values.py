"""Stored values: amounts keep 12 exact decimal places and one canonical text on every path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.store.columnar import convert_column
from tradewind.store.values import (
    amount_storage_text,
    amount_text,
    instant_storage_text,
    optional_amount_storage_text,
    to_amount,
    to_instant,
)

finite_floats = st.floats(min_value=-1e25, max_value=1e25, allow_nan=False)


@given(finite_floats)
def test_a_float_gets_the_same_stored_text_on_every_path(value: float) -> None:
    expected = amount_text(to_amount(value))
    assert amount_storage_text(value) == expected
    assert amount_storage_text(np.float64(value)) == expected
    (columnar,) = convert_column(
        "t", "c", "amount", amount_storage_text, np.array([value]), 1, text_storage=True
    )
    assert columnar == expected
    (as_decimal,) = convert_column(
        "t", "c", "amount", to_amount, np.array([value]), 1, text_storage=False
    )
    assert amount_text(as_decimal) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.50"), "1.5"),
        (Decimal("1E+3"), "1000"),
        (100, "100"),
        ("0.1", "0.1"),
        (0.1 + 0.2, "0.3"),
        (-1e-13, "0"),
        (Decimal("-0.0000"), "0"),
        (Decimal("0.0000000000005"), "0"),  # half-even at the 12th place
        (Decimal("0.0000000000015"), "0.000000000002"),
        (np.int64(-7), "-7"),
    ],
)
def test_amounts_have_one_canonical_text(value: object, text: str) -> None:
    assert amount_text(to_amount(value)) == text
    assert amount_storage_text(value) == text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "found a bool"),
        ("1,5", "expected a number"),
        (float("nan"), "finite"),
        (Decimal("1e26"), "below 1e26"),
        (1e26, "below 1e26"),
        ([1], "found list"),
    ],
)
def test_invalid_amounts_say_what_was_expected(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_amount(value)


def test_nan_and_none_are_no_amount_where_one_is_optional() -> None:
    assert optional_amount_storage_text(float("nan")) is None
    assert optional_amount_storage_text(np.float32("nan")) is None
    assert optional_amount_storage_text(None) is None
    assert optional_amount_storage_text(2.5) == "2.5"


def test_instants_are_utc_from_datetimes_timestamps_and_nanoseconds() -> None:
    expected = datetime(2024, 1, 2, 21, 0, 0, 123456, tzinfo=UTC)
    new_york = expected.astimezone(timezone(timedelta(hours=-5)))
    nanos = 1_704_229_200_123_456_789
    for value in (expected, new_york, pd.Timestamp(nanos, tz="UTC"), nanos, np.int64(nanos)):
        assert to_instant(value) == expected
        assert instant_storage_text(value) == "2024-01-02T21:00:00.123456+00:00"
    (columnar,) = convert_column(
        "t", "ts", "instant", instant_storage_text, np.array([nanos]), 1, text_storage=True
    )
    assert columnar == "2024-01-02T21:00:00.123456+00:00"


@pytest.mark.parametrize("value", [datetime(2024, 1, 2), "2024-01-02", 1.5, None, 10**30])
def test_naive_or_untyped_instants_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        to_instant(value)
