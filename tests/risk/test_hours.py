"""Time-of-day rules as per-bar masks."""

from __future__ import annotations

from datetime import UTC, datetime, time

import numpy as np
import pytest

from tradewind.risk import RiskConfigError, TradingHoursRule, trading_allowed, trading_hours_mask

NY_CASH = TradingHoursRule(
    time(9, 30), time(16, 0), timezone="America/New_York", markets=("equities",)
)


def ns(*instants: datetime) -> np.ndarray:
    return np.array([int(t.timestamp()) * 1_000_000_000 for t in instants], dtype=np.int64)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_new_york_hours_in_winter_and_summer() -> None:
    winter = [
        utc(2024, 1, 3, 14, 29),
        utc(2024, 1, 3, 14, 30),
        utc(2024, 1, 3, 20, 59),
        utc(2024, 1, 3, 21, 0),
    ]
    summer = [
        utc(2024, 7, 3, 13, 29),
        utc(2024, 7, 3, 13, 30),
        utc(2024, 7, 3, 19, 59),
        utc(2024, 7, 3, 20, 0),
    ]
    expected = [False, True, True, False]
    assert trading_hours_mask(ns(*winter), "equities", [NY_CASH]).tolist() == expected
    assert trading_hours_mask(ns(*summer), "equities", [NY_CASH]).tolist() == expected


def test_weekends_are_outside_and_unruled_markets_are_always_allowed() -> None:
    saturday = utc(2024, 1, 6, 15, 0)
    assert not trading_allowed(saturday, "equities", [NY_CASH])
    assert trading_allowed(saturday, "crypto", [NY_CASH])
    assert trading_hours_mask(ns(saturday), "crypto", []).tolist() == [True]


def test_a_window_across_midnight_belongs_to_the_day_it_starts() -> None:
    night = TradingHoursRule(time(22, 0), time(2, 0), weekdays=("mon",))
    instants = [utc(2024, 1, 1, 23, 0), utc(2024, 1, 2, 1, 59), utc(2024, 1, 2, 2, 0),
                utc(2024, 1, 2, 23, 0), utc(2024, 1, 1, 1, 0)]  # fmt: skip
    assert trading_hours_mask(ns(*instants), "fx", [night]).tolist() == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_several_rules_for_a_market_are_a_union_of_windows() -> None:
    rules = [
        TradingHoursRule(time(9, 0), time(12, 0), markets=("equities",)),
        TradingHoursRule(time(13, 0), time(16, 0), markets=("equities",)),
    ]
    instants = [utc(2024, 1, 3, 10), utc(2024, 1, 3, 12, 30), utc(2024, 1, 3, 15)]
    assert trading_hours_mask(ns(*instants), "equities", rules).tolist() == [True, False, True]


def test_mask_is_vectorized_over_a_year_of_minutes_quickly() -> None:
    minutes = np.arange(0, 365 * 24 * 60, dtype=np.int64) * 60_000_000_000 + ns(utc(2024, 1, 1))[0]
    mask = trading_hours_mask(minutes, "equities", [NY_CASH])
    # 6.5 hours on each weekday
    assert mask.sum() == pytest.approx(262 * 390, rel=0.01)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": time(9), "end": time(9)}, "start != end"),
        ({"start": time(9), "end": time(10), "weekdays": ("someday",)}, "someday"),
        ({"start": time(9), "end": time(10), "timezone": "Mars/Olympus"}, "Mars/Olympus"),
    ],
)
def test_bad_rules_are_refused_with_the_field(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RiskConfigError, match=message):
        TradingHoursRule(**kwargs)
