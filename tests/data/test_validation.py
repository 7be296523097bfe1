"""Validation rules: each rule alone, several rules on one row, ordering rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.data.validation import RULES, ParseIssue, longest_increasing_mask, validate_bars
from tradewind.domain.market import QuoteType

from ._bar_fixtures import make_bars

DAYS = [f"2024-01-{d:02d}" for d in range(1, 11)]


def _only(result_counts: dict[str, int], rule: str, count: int = 1) -> None:
    assert {k: v for k, v in result_counts.items() if v} == {rule: count}


def test_clean_frame_is_accepted_whole() -> None:
    frame = make_bars(DAYS)
    result = validate_bars(frame)
    assert result.rejected == 0
    assert len(result.accepted) == len(DAYS)
    assert set(result.counts) == set(RULES)
    pd.testing.assert_frame_equal(result.accepted, frame)


def test_nan_price_is_quarantined_as_non_finite_price() -> None:
    frame = make_bars(DAYS)
    frame.loc[3, "close"] = np.nan
    result = validate_bars(frame)
    _only(result.counts, "non_finite_price")
    assert result.quarantine["row_number"].tolist() == [4]
    assert "close is missing or not finite" in result.quarantine["reason"].iloc[0]


def test_infinite_price_is_quarantined_as_non_finite_price() -> None:
    frame = make_bars(DAYS)
    frame.loc[2, "high"] = np.inf
    _only(validate_bars(frame).counts, "non_finite_price")


def test_non_positive_price_is_quarantined() -> None:
    frame = make_bars(DAYS)
    frame.loc[5, ["open", "low", "close"]] = [0.0, -1.0, 0.0]
    frame.loc[6, "close"] = -5.0
    result = validate_bars(frame)
    _only(result.counts, "non_positive_price", 2)


def test_yield_series_may_be_negative() -> None:
    frame = make_bars(DAYS, close=np.linspace(-0.005, 0.004, len(DAYS)), spread=0.0)
    result = validate_bars(frame, fields=("close",), quote_type=QuoteType.YIELD)
    assert result.rejected == 0


def test_high_below_low_is_quarantined_once() -> None:
    frame = make_bars(DAYS)
    frame.loc[4, ["high", "low"]] = [90.0, 110.0]
    result = validate_bars(frame)
    _only(result.counts, "high_below_low")


def test_close_outside_range_is_ohlc_inconsistent() -> None:
    frame = make_bars(DAYS)
    frame.loc[1, "close"] = frame.loc[1, "high"] + 0.5
    frame.loc[7, "open"] = frame.loc[7, "low"] - 0.5
    result = validate_bars(frame)
    _only(result.counts, "ohlc_inconsistent", 2)
    assert result.quarantine["row_number"].tolist() == [2, 8]


def test_negative_volume_is_quarantined() -> None:
    frame = make_bars(DAYS)
    frame.loc[0, "volume"] = -1.0
    _only(validate_bars(frame).counts, "negative_volume")


def test_zero_volume_is_valid() -> None:
    frame = make_bars(DAYS)
    frame.loc[0, "volume"] = 0.0
    assert validate_bars(frame).rejected == 0


def test_row_breaking_two_rules_counts_both_and_is_quarantined_once() -> None:
    frame = make_bars(DAYS)
    frame.loc[2, "close"] = np.nan
    frame.loc[2, "volume"] = -3.0
    result = validate_bars(frame)
    assert result.nonzero_counts == {"non_finite_price": 1, "negative_volume": 1}
    assert result.rejected == 1
    row = result.quarantine.iloc[0]
    assert row["rules"] == "non_finite_price; negative_volume"
    assert "volume is negative" in row["reason"]


def test_duplicate_timestamp_keeps_first_occurrence() -> None:
    frame = make_bars(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"])
    frame.loc[2, "close"] = 101.5  # the later copy differs; the first one is kept
    result = validate_bars(frame)
    _only(result.counts, "duplicate_timestamp")
    assert result.accepted["close"].tolist() == [100.0, 101.0, 103.0]
    assert result.quarantine["reason"].iloc[0] == "duplicate timestamp; first kept at row 2"


def test_duplicate_keeps_first_valid_occurrence() -> None:
    frame = make_bars(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"])
    frame.loc[1, "close"] = np.nan  # first copy is invalid, so the second one is kept
    result = validate_bars(frame)
    assert result.nonzero_counts == {"non_finite_price": 1}
    assert result.accepted["close"].tolist() == [100.0, 102.0, 103.0]


def test_one_far_future_row_does_not_reject_the_rest() -> None:
    dates = [*DAYS[:4], "2030-01-01", *DAYS[4:]]
    result = validate_bars(make_bars(dates))
    _only(result.counts, "out_of_order_timestamp")
    assert result.quarantine["row_number"].tolist() == [5]
    assert len(result.accepted) == len(DAYS)


def test_one_far_past_row_is_out_of_order() -> None:
    dates = [*DAYS[:6], "2020-05-05", *DAYS[6:]]
    result = validate_bars(make_bars(dates))
    _only(result.counts, "out_of_order_timestamp")
    assert result.quarantine["row_number"].tolist() == [7]


def test_value_rules_run_before_ordering_rules() -> None:
    # The broken far-future row is a value failure only, not an ordering failure.
    dates = [*DAYS[:3], "2030-01-01", *DAYS[3:]]
    frame = make_bars(dates)
    frame.loc[3, "close"] = np.nan
    assert validate_bars(frame).nonzero_counts == {"non_finite_price": 1}


def test_parse_issues_are_counted_and_kept_with_raw_values() -> None:
    frame = make_bars(DAYS)
    frame.loc[1, "timestamp"] = pd.NaT
    raw = pd.DataFrame({"Date": ["x"] * len(DAYS), "Close": ["1"] * len(DAYS)})
    mask = np.zeros(len(DAYS), dtype=bool)
    mask[1] = True
    issue = ParseIssue("unparseable_timestamp", mask, "timestamp 'x' could not be parsed")
    result = validate_bars(
        frame, issues=[issue], raw=raw, row_numbers=np.arange(10, 20, dtype=np.int64)
    )
    _only(result.counts, "unparseable_timestamp")
    row = result.quarantine.iloc[0]
    assert row["row_number"] == 11
    assert row["raw_Date"] == "x"


def test_missing_timestamp_without_issue_is_unparseable() -> None:
    frame = make_bars(DAYS)
    frame.loc[0, "timestamp"] = pd.NaT
    _only(validate_bars(frame).counts, "unparseable_timestamp")


def test_absent_fields_are_not_checked_and_come_back_nan() -> None:
    frame = make_bars(DAYS)
    frame["open"] = np.nan
    frame["volume"] = np.nan
    result = validate_bars(frame, fields=("high", "low", "close"))
    assert result.rejected == 0
    assert result.accepted["open"].isna().all()


def test_counts_match_quarantine_for_mixed_faults() -> None:
    rng = np.random.default_rng(7)
    dates = pd.date_range("2020-01-01", periods=500, freq="D")
    frame = make_bars(dates, close=100 + rng.random(500))
    bad = rng.choice(500, size=30, replace=False)
    frame.loc[bad[:10], "close"] = np.nan
    frame.loc[bad[10:20], "volume"] = -1.0
    frame.loc[bad[20:], "high"] = frame.loc[bad[20:], "low"] - 1
    result = validate_bars(frame)
    assert result.rejected == 30
    assert sorted(result.quarantine["row_number"]) == sorted((bad + 1).tolist())
    assert result.nonzero_counts == {
        "non_finite_price": 10,
        "negative_volume": 10,
        "high_below_low": 10,
    }


def _lis_length(values: list[int]) -> int:
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-50, max_value=50), max_size=40))
def test_longest_increasing_mask_is_a_longest_strictly_increasing_subsequence(
    values: list[int],
) -> None:
    mask = longest_increasing_mask(np.array(values, dtype=np.int64))
    kept = np.array(values, dtype=np.int64)[mask]
    assert np.all(np.diff(kept) > 0)
    assert kept.size == _lis_length(values)
