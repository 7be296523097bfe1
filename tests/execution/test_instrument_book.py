"""`InstrumentBook`: instruments by venue symbol and by id, in configuration order."""

from __future__ import annotations

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.instrument_book import InstrumentBook


def _instrument(symbol: str, base: str) -> Instrument:
    return Instrument(
        id=InstrumentId(symbol, "TEST"),
        market_class=MarketClass.CRYPTO,
        base_currency=base,
        quote_currency="USD",
        price_tick="0.01",
        lot_size="0.001",
    )


BTC = _instrument("BTC-USD", "BTC")
ETH = _instrument("ETH-USD", "ETH")


def _book() -> InstrumentBook:
    return InstrumentBook([("ETH/USD", ETH), ("BTC/USD", BTC)])


def test_symbols_instruments_and_ids_keep_configuration_order() -> None:
    book = _book()
    assert book.symbols == ["ETH/USD", "BTC/USD"]
    assert book.all == [ETH, BTC]
    assert book.ids() == [ETH.id, BTC.id]


def test_instruments_are_found_by_venue_symbol_and_by_id() -> None:
    book = _book()
    assert book.by_symbol("BTC/USD") is BTC
    assert book.get(ETH.id) is ETH
    assert book.symbol_of(BTC.id) == "BTC/USD"


def test_unknown_symbols_and_ids_are_none_where_optional() -> None:
    book = _book()
    assert book.by_symbol("DOGE/USD") is None
    assert book.get(InstrumentId("DOGE-USD", "TEST")) is None


def test_symbol_of_an_unknown_instrument_names_the_instruments_served() -> None:
    with pytest.raises(DomainError, match=r"unknown instrument DOGE-USD.TEST \(served: ETH-USD"):
        _book().symbol_of(InstrumentId("DOGE-USD", "TEST"))
    with pytest.raises(DomainError, match=r"\(served: none\)"):
        InstrumentBook([]).symbol_of(BTC.id)


def test_a_later_entry_for_the_same_symbol_replaces_the_earlier_one() -> None:
    book = InstrumentBook([("BTC/USD", ETH), ("BTC/USD", BTC)])
    assert book.all == [BTC]
    assert book.get(ETH.id) is None


def test_a_subclass_chooses_the_error_for_an_unknown_instrument() -> None:
    class StrictBook(InstrumentBook):
        def unknown_instrument(self, instrument_id: InstrumentId) -> DomainError:
            return VenueError(f"unknown instrument {instrument_id}: not configured")

    with pytest.raises(VenueError, match="not configured"):
        StrictBook([("BTC/USD", BTC)]).symbol_of(ETH.id)
