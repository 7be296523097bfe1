"""Array validation (the large-file path): duplicates, lazy reasons and empty rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.data.validation import (
    NumberedReason,
    ParseIssue,
    validate_arrays,
    validate_bars,
)

from ._bar_fixtures import make_bars


def _expected_duplicates(days: list[int]) -> dict[int, str]:
    """Row number -> reason, the way a reader expects: every repeat after the first."""
    first: dict[int, int] = {}
    out: dict[int, str] = {}
    for row, day in enumerate(days, start=1):
        if day in first:
            out[row] = f"duplicate timestamp; first kept at row {first[day]}"
        else:
            first[day] = row
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=15), min_size=1, max_size=40), st.booleans())
def test_every_repeat_is_a_duplicate_of_the_first_occurrence(
    days: list[int], ordered: bool
) -> None:
    days = sorted(days) if ordered else days
    stamps = pd.Timestamp("2024-01-01").value + np.array(days, dtype=np.int64) * 86_400 * 10**9
    closes = np.arange(len(days), dtype=float) + 1.0
    result = validate_arrays(stamps, {"close": closes})
    quarantine = result.quarantine
    duplicates = quarantine[quarantine["rules"] == "duplicate_timestamp"]
    assert dict(zip(duplicates["row_number"], duplicates["reason"], strict=True)) == (
        _expected_duplicates(days)
    )
    assert result.accepted_count + result.rejected == len(days)


def test_arrays_and_frames_validate_alike() -> None:
    frame = make_bars(pd.date_range("2024-01-01", periods=30, freq="D"))
    frame.loc[[3, 17], "close"] = np.nan
    frame.loc[9, "timestamp"] = frame.loc[8, "timestamp"]
    by_frame = validate_bars(frame)
    stamps = frame["timestamp"].to_numpy(dtype="datetime64[ns]").view("int64")
    values = {name: frame[name].to_numpy() for name in ("open", "high", "low", "close", "volume")}
    by_arrays = validate_arrays(stamps, values)
    pd.testing.assert_frame_equal(by_arrays.accepted, by_frame.accepted)
    assert by_arrays.counts == by_frame.counts
    assert by_frame.quarantine["row_number"].tolist() == [4, 10, 18]


def test_reasons_are_kept_per_flagged_row_and_survive_reversal() -> None:
    mask = np.array([False, True, False, True])
    sparse = ParseIssue("unparseable_number", mask, np.array(["b", "d"], dtype=object))
    numbered = ParseIssue(
        "duplicate_timestamp", mask, NumberedReason("first at ", np.array([1, 3]))
    )
    everywhere = np.arange(4)
    assert sparse.reasons_at(everywhere).tolist() == ["", "b", "", "d"]
    assert numbered.reasons_at(everywhere).tolist() == ["", "first at 1", "", "first at 3"]
    assert sparse.reversed().reasons_at(everywhere).tolist() == ["d", "", "b", ""]
    assert numbered.without(np.array([False, True, False, False])).reasons_at(
        everywhere
    ).tolist() == ["", "", "", "first at 3"]


def test_an_empty_row_is_not_also_a_missing_timestamp_or_price() -> None:
    nat = np.iinfo(np.int64).min
    stamps = np.array([pd.Timestamp("2024-01-01").value, nat, pd.Timestamp("2024-01-03").value])
    empty = ParseIssue("empty_row", np.array([False, True, False]), "the row is empty")
    result = validate_arrays(stamps, {"close": np.array([1.0, np.nan, 2.0])}, issues=[empty])
    assert result.nonzero_counts == {"empty_row": 1}
    assert result.quarantine["reason"].tolist() == ["the row is empty"]
