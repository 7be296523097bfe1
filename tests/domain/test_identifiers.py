from __future__ import annotations

import pytest

from tradewind.domain import (
    AccountId,
    ClientOrderId,
    DomainError,
    InstrumentId,
    StrategyId,
    Symbol,
    TradeId,
    Venue,
    VenueOrderId,
)


def test_instrument_id_text_form_is_symbol_dot_venue() -> None:
    assert str(InstrumentId("BTC-USD", "SIM")) == "BTC-USD.SIM"


def test_instrument_id_parse_round_trips() -> None:
    parsed = InstrumentId.parse("BTC-USD.BINANCE")
    assert parsed == InstrumentId("BTC-USD", "BINANCE")
    assert InstrumentId.parse(str(parsed)) == parsed


def test_instrument_id_parse_splits_on_last_dot_so_symbols_may_contain_dots() -> None:
    assert InstrumentId.parse("BRK.B.XNYS") == InstrumentId("BRK.B", "XNYS")


def test_instrument_id_parse_uses_default_venue_for_bare_symbol() -> None:
    assert InstrumentId.parse("SPY", default_venue="SIM") == InstrumentId("SPY", "SIM")


@pytest.mark.parametrize("text", ["SPY", "", ".SIM", "BTC-USD.", "BTC USD.SIM"])
def test_instrument_id_parse_rejects_malformed_text(text: str) -> None:
    with pytest.raises(DomainError, match=r"instrument id|symbol|venue"):
        InstrumentId.parse(text)


def test_instrument_id_parse_without_venue_says_what_is_expected() -> None:
    with pytest.raises(DomainError, match=r"expected 'SYMBOL\.VENUE'"):
        InstrumentId.parse("SPY")


def test_venue_with_dot_is_rejected() -> None:
    with pytest.raises(DomainError, match=r"'\.' is not allowed"):
        Venue("A.B")
    with pytest.raises(DomainError, match="venue"):
        InstrumentId("BTC", "A.B")


@pytest.mark.parametrize(
    "kind", [Symbol, Venue, ClientOrderId, VenueOrderId, TradeId, StrategyId, AccountId]
)
def test_identifiers_reject_blank_and_whitespace(kind: type[ClientOrderId]) -> None:
    with pytest.raises(DomainError, match="non-empty"):
        kind("")
    with pytest.raises(DomainError, match="whitespace"):
        kind("a b")
    with pytest.raises(DomainError, match="expected a string"):
        kind(12)  # type: ignore[arg-type]


def test_identifiers_of_different_kinds_are_not_equal() -> None:
    client: object = ClientOrderId("X-1")
    assert client != TradeId("X-1")
    assert ClientOrderId("X-1") == ClientOrderId("X-1")
    assert str(TradeId("T-9")) == "T-9"


def test_identifiers_are_hashable_and_ordered() -> None:
    ids = {TradeId("b"), TradeId("a"), TradeId("a")}
    assert sorted(ids) == [TradeId("a"), TradeId("b")]
    assert InstrumentId("ETH-USD", "SIM") > InstrumentId("BTC-USD", "SIM")


def test_instrument_id_exposes_typed_parts() -> None:
    iid = InstrumentId("EUR/USD", "OANDA")
    assert iid.symbol_id == Symbol("EUR/USD")
    assert iid.venue_id == Venue("OANDA")
