"""`bar_frame`, `checked_stale_after_bars` and `check_fresh`: the venues' shared bar rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.bar_frames import (
    BAR_COLUMNS,
    bar_frame,
    check_fresh,
    checked_stale_after_bars,
)

HOUR_MS = 3_600_000
T0_MS = 1_704_067_200_000  # 2024-01-01 00:00 UTC
BTC = InstrumentId("BTC-USD", "TEST")


def test_rows_become_the_normalized_columns_with_utc_nanosecond_instants() -> None:
    frame = bar_frame([(T0_MS, T0_MS + HOUR_MS, 1, 2, 0.5, 1.5, 10)])
    assert tuple(frame.columns) == BAR_COLUMNS
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["close_time"].dtype) == "datetime64[ns, UTC]"
    assert frame["timestamp"][0] == pd.Timestamp("2024-01-01 00:00", tz="UTC")
    assert frame["close_time"][0] == pd.Timestamp("2024-01-01 01:00", tz="UTC")
    assert all(frame[c].dtype == "float64" for c in BAR_COLUMNS[2:])
    assert frame.loc[0, "low"] == 0.5


def test_rows_are_sorted_and_the_last_row_of_a_timestamp_wins() -> None:
    rows = [
        (T0_MS + HOUR_MS, T0_MS + 2 * HOUR_MS, 2.0, 2.0, 2.0, 2.0, 1.0),
        (T0_MS, T0_MS + HOUR_MS, 1.0, 1.0, 1.0, 1.0, 1.0),
        (T0_MS + HOUR_MS, T0_MS + 2 * HOUR_MS, 3.0, 3.0, 3.0, 3.0, 1.0),
    ]
    frame = bar_frame(rows)
    assert frame["close"].tolist() == [1.0, 3.0]
    assert list(frame.index) == [0, 1]


def test_nanosecond_rows_give_the_same_frame_as_millisecond_rows() -> None:
    row_ms = (T0_MS, T0_MS + HOUR_MS, 1.0, 2.0, 0.5, 1.5, math.nan)
    row_ns = (T0_MS * 1_000_000, (T0_MS + HOUR_MS) * 1_000_000, *row_ms[2:])
    pd.testing.assert_frame_equal(bar_frame([row_ns], unit="ns"), bar_frame([row_ms]))


def test_no_rows_give_an_empty_frame_with_the_normalized_types() -> None:
    frame = bar_frame([])
    assert frame.empty
    assert tuple(frame.columns) == BAR_COLUMNS
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert frame["close"].dtype == "float64"


@pytest.mark.parametrize("value", [0, -1, True])
def test_stale_after_bars_must_be_a_positive_count(value: int) -> None:
    with pytest.raises(DomainError, match=f"invalid stale_after_bars {value!r}: expected > 0"):
        checked_stale_after_bars(value)


def test_stale_after_bars_positive_is_kept() -> None:
    assert checked_stale_after_bars(3) == 3


def test_a_feed_lagging_up_to_the_allowed_bars_is_fresh() -> None:
    check_fresh(BTC, "TEST", lag_ns=3 * 60_000_000_000, bar_ns=60_000_000_000, stale_after_bars=3)


def test_a_feed_lagging_past_the_allowed_bars_is_stale_and_retryable() -> None:
    with pytest.raises(VenueError) as caught:
        check_fresh(
            BTC, "TEST", lag_ns=3 * 60_000_000_000 + 1, bar_ns=60_000_000_000, stale_after_bars=3
        )
    assert caught.value.retryable
    assert str(caught.value) == (
        "stale feed for BTC-USD.TEST at TEST: the newest closed bar closed 180 s before "
        "the venue clock, more than 3 bars"
    )
