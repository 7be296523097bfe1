"""Compiled bulk formatting gives exactly the text of the per-value converters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tradewind.store.formatting import amount_texts, fixed_point_texts, instant_texts
from tradewind.store.values import amount_storage_text

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
MIN_US = (datetime(1, 1, 1, tzinfo=UTC) - EPOCH) // US
MAX_US = (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC) - EPOCH) // US

EDGE_AMOUNTS = [
    0.0,
    -0.0,
    1e-13,
    -1e-13,
    5e-13,  # rounds half-even to zero
    1.5e-12,
    0.9999999999995,  # just below ...9995 in binary: stays below 1
    0.9999999999996,  # rounds up into the integer part
    -0.9999999999996,
    0.9999999999994999,
    0.1 + 0.2,
    29802.3223876953125,  # an exact tie at the 13th decimal (m * 2**-13, 5**12 | m)
    1000001.057,  # large: the binary error shows in the 12 decimals
    4503599627370495.5,
    2.0**53 - 1,
    2.0**53,  # from here Python formats (no fraction, integer part beyond int64 digits)
    1e25,
    -1e25,
    9.999999999999999e25,
    5e-324,
    -5e-324,
    float(np.nextafter(0.5e-12, 1.0)),
    float(np.nextafter(0.5e-12, 0.0)),
    float(np.nextafter(1.0, 0.0)),
]

amounts = st.floats(
    min_value=-1e26, max_value=1e26, allow_nan=False, exclude_max=True, exclude_min=True
)


def _expected(value: float) -> str:
    return amount_storage_text(value)


def test_edge_amounts_match_the_per_value_text() -> None:
    values = np.array(EDGE_AMOUNTS)
    assert amount_texts(values) == [_expected(value) for value in EDGE_AMOUNTS]
    assert fixed_point_texts(values) == [f"{value:.12f}" for value in EDGE_AMOUNTS]
    assert amount_texts(np.array([-0.0, -1e-13, 0.9999999999996, 2.5])) == ["0", "0", "1", "2.5"]


@given(st.lists(amounts, min_size=1, max_size=64))
def test_any_amounts_match_the_per_value_text(values: list[float]) -> None:
    array = np.array(values)
    assert amount_texts(array) == [_expected(value) for value in values]
    assert fixed_point_texts(array) == [f"{value:.12f}" for value in values]


def test_random_bit_patterns_and_ties_match_the_per_value_text() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**63, 20_000, dtype=np.int64).view(np.float64)
    values = values[np.abs(values) < 1e26]
    ties = rng.integers(1, 2**20, 2_000) * 5**12 / 8192.0  # exact ties at the 13th decimal
    prices = np.round(rng.normal(100.0, 30.0, 5_000), 4)
    for batch in (values, -values, ties, prices, prices * 1e6):
        assert amount_texts(batch) == [_expected(value) for value in batch.tolist()]


def test_no_amounts_give_no_texts() -> None:
    assert amount_texts(np.array([], dtype=np.float64)) == []
    assert instant_texts(np.array([], dtype=np.int64)) == []


@given(st.lists(st.integers(min_value=MIN_US, max_value=MAX_US), min_size=1, max_size=64))
def test_instants_match_isoformat(micros: list[int]) -> None:
    expected = [
        (EPOCH + timedelta(microseconds=value)).isoformat(timespec="microseconds")
        for value in micros
    ]
    assert instant_texts(np.array(micros, dtype=np.int64)) == expected


def test_instant_edges_match_isoformat() -> None:
    micros = [MIN_US, MAX_US, 0, -1, 1, 951_782_400_000_000, 951_868_799_999_999]  # leap day
    expected = [
        (EPOCH + timedelta(microseconds=value)).isoformat(timespec="microseconds")
        for value in micros
    ]
    assert instant_texts(np.array(micros, dtype=np.int64)) == expected
    assert expected[0] == "0001-01-01T00:00:00.000000+00:00"
