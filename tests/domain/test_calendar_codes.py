from __future__ import annotations

import pytest

from tradewind.domain import (
    CALENDAR_24_7,
    CALENDAR_CMES,
    CALENDAR_FX,
    CALENDAR_XNYS,
    DomainError,
    MarketClass,
    default_calendar_for,
    validate_calendar_code,
)


@pytest.mark.parametrize(
    ("market_class", "expected"),
    [
        (MarketClass.CRYPTO, "24/7"),
        (MarketClass.FOREX, "FX"),
        (MarketClass.FUTURES, "CMES"),
        (MarketClass.EQUITIES, "XNYS"),
        (MarketClass.COMMODITIES, "XNYS"),
        (MarketClass.BONDS, "XNYS"),
        (MarketClass.VOLATILITY, "XNYS"),
    ],
)
def test_default_calendar_per_market_class(market_class: MarketClass, expected: str) -> None:
    assert default_calendar_for(market_class) == expected


def test_default_calendar_accepts_aliases() -> None:
    assert default_calendar_for("stocks") == CALENDAR_XNYS
    assert default_calendar_for("fx") == CALENDAR_FX


def test_calendar_constants_match_shared_codes() -> None:
    assert (CALENDAR_24_7, CALENDAR_FX, CALENDAR_XNYS, CALENDAR_CMES) == (
        "24/7",
        "FX",
        "XNYS",
        "CMES",
    )


def test_unknown_market_class_is_rejected() -> None:
    with pytest.raises(DomainError, match="unknown market class 'moon'"):
        default_calendar_for("moon")


@pytest.mark.parametrize("code", ["", " ", "X NYS"])
def test_blank_or_spaced_calendar_code_is_rejected(code: str) -> None:
    with pytest.raises(DomainError, match="invalid calendar"):
        validate_calendar_code(code)
