from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tradewind.domain import Bar, DomainError, InstrumentId, QuoteType, Timeframe

SPY = InstrumentId("SPY", "XNYS")
OPEN = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)


def bar(**overrides: object) -> Bar:
    fields: dict[str, object] = {
        "instrument_id": SPY,
        "timeframe": Timeframe.parse("1h"),
        "open_time": OPEN,
        "close_time": OPEN + timedelta(hours=1),
        "open": 510.0,
        "high": 512.5,
        "low": 509.0,
        "close": 511.0,
        "volume": 1_000.0,
    }
    fields.update(overrides)
    return Bar(**fields)  # type: ignore[arg-type]


def test_bar_is_visible_only_from_its_close() -> None:
    b = bar()
    assert not b.is_visible_at(b.open_time)
    assert not b.is_visible_at(b.close_time - timedelta(microseconds=1))
    assert b.is_visible_at(b.close_time)


def test_times_are_stored_in_utc() -> None:
    new_york = timezone(timedelta(hours=-5))
    b = bar(
        open_time=datetime(2024, 3, 1, 9, 30, tzinfo=new_york),
        close_time=datetime(2024, 3, 1, 10, 30, tzinfo=new_york),
    )
    assert b.open_time == OPEN
    assert b.open_time.tzinfo is UTC


def test_timeframe_text_is_parsed() -> None:
    assert bar(timeframe="1h").timeframe == Timeframe.parse("1h")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"high": 508.0}, "high 508.0 is below low 509.0"),
        ({"open": 513.0}, "open 513.0 is above high 512.5"),
        ({"close": 508.0}, "close 508.0 is below low 509.0"),
        ({"volume": -1.0}, "invalid volume -1.0 .*expected a value >= 0"),
        ({"close": math.nan}, "invalid close nan .*expected a finite number"),
        ({"high": math.inf}, "invalid high inf"),
        ({"close_time": OPEN}, "close_time .* must be after open_time"),
        ({"open_time": datetime(2024, 3, 1, 14, 30)}, "naive"),
        ({"low": 0.0, "open": 0.0}, "invalid open 0.0 .*expected a price > 0"),
        ({"volume": "10"}, "expected a number, found str"),
        ({"quote_type": "percent"}, "invalid bar quote_type 'percent'"),
    ],
)
def test_invalid_bars_are_rejected_with_a_clear_message(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        bar(**overrides)


def test_error_names_instrument_timeframe_and_time() -> None:
    with pytest.raises(DomainError, match=r"SPY\.XNYS 1h at 2024-03-01T14:30:00\+00:00"):
        bar(high=1.0)


def test_yield_bars_may_be_negative() -> None:
    b = bar(quote_type=QuoteType.YIELD, open=-0.1, high=0.2, low=-0.3, close=0.0)
    assert b.low == -0.3
    assert bar(quote_type="yield", low=-1.0).quote_type is QuoteType.YIELD


def test_fields_absent_from_the_source_may_be_nan() -> None:
    b = bar(open=math.nan, high=math.nan, low=math.nan, volume=math.nan)
    assert b.close == 511.0
    assert math.isnan(b.volume)


def test_naive_visibility_time_is_rejected() -> None:
    with pytest.raises(DomainError, match="naive"):
        bar().is_visible_at(datetime(2024, 3, 2))
