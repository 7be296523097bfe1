from __future__ import annotations

import pytest

from tradewind.domain import DomainError, Timeframe, TimeUnit


@pytest.mark.parametrize(
    ("text", "count", "unit", "seconds"),
    [
        ("1m", 1, TimeUnit.MINUTE, 60),
        ("5m", 5, TimeUnit.MINUTE, 300),
        ("1H", 1, TimeUnit.HOUR, 3_600),
        ("4h", 4, TimeUnit.HOUR, 14_400),
        ("1d", 1, TimeUnit.DAY, 86_400),
        ("1w", 1, TimeUnit.WEEK, 604_800),
    ],
)
def test_parse_fixed_length_timeframes(text: str, count: int, unit: TimeUnit, seconds: int) -> None:
    tf = Timeframe.parse(text)
    assert (tf.count, tf.unit, tf.seconds) == (count, unit, seconds)
    assert Timeframe.parse(str(tf)) == tf


def test_capital_m_is_month_and_has_no_fixed_length() -> None:
    tf = Timeframe.parse("1M")
    assert tf.unit is TimeUnit.MONTH
    assert tf != Timeframe.parse("1m")
    with pytest.raises(DomainError, match="no fixed length"):
        _ = tf.seconds


@pytest.mark.parametrize("text", ["", "m", "abc", "5x", "1.5h", "-1m", "h4"])
def test_parse_rejects_garbage_with_examples(text: str) -> None:
    with pytest.raises(DomainError, match=r"invalid timeframe .*expected a count and a unit"):
        Timeframe.parse(text)


def test_zero_count_is_rejected() -> None:
    with pytest.raises(DomainError, match="expected a positive integer"):
        Timeframe.parse("0m")


def test_intraday_flag() -> None:
    assert Timeframe.parse("4h").is_intraday
    assert not Timeframe.parse("1d").is_intraday
    assert not Timeframe.parse("24h").is_intraday
