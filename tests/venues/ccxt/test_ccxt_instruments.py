"""Recorded ccxt markets become instruments on the exchange's grid."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt.instruments import (
    DECIMAL_PLACES,
    CcxtInstruments,
    instrument_from_market,
)

MARKETS = json.loads((Path(__file__).parent / "payloads" / "markets_binance.json").read_text())


def test_a_binance_market_gives_tick_lot_minimums_and_currencies() -> None:
    btc = instrument_from_market(MARKETS["BTC/USDT"], "BINANCE")
    assert btc.id == InstrumentId("BTC-USDT", "BINANCE")
    assert (btc.base_currency, btc.quote_currency) == ("BTC", "USDT")
    assert (btc.price_tick, btc.lot_size) == (Decimal("0.01"), Decimal("0.00001"))
    assert (btc.min_quantity, btc.min_notional) == (Decimal("0.00001"), Decimal(5))


def test_tiny_ticks_stay_exact() -> None:
    shib = instrument_from_market(MARKETS["SHIB/USDT"], "BINANCE")
    assert (shib.price_tick, shib.lot_size) == (Decimal("1E-8"), Decimal(1))


def test_decimal_places_precision_is_converted_to_steps() -> None:
    market = dict(MARKETS["BTC/USDT"], precision={"price": 2, "amount": 5})
    btc = instrument_from_market(market, "KRAKEN", precision_mode=DECIMAL_PLACES)
    assert (btc.price_tick, btc.lot_size) == (Decimal("0.01"), Decimal("0.00001"))


def test_symbols_map_to_instrument_ids_and_back() -> None:
    instruments = CcxtInstruments(MARKETS, ["ETH/USDT", "BTC/USDT"], "BINANCE")
    assert instruments.symbols == ["ETH/USDT", "BTC/USDT"]
    btc_id = InstrumentId("BTC-USDT", "BINANCE")
    assert instruments.symbol_of(btc_id) == "BTC/USDT"
    with pytest.raises(DomainError, match="unknown instrument"):
        instruments.symbol_of(InstrumentId("XRP-USDT", "BINANCE"))


def test_a_symbol_the_exchange_does_not_list_is_refused() -> None:
    with pytest.raises(VenueError, match="unknown symbol DOGE/USDT"):
        CcxtInstruments(MARKETS, ["DOGE/USDT"], "BINANCE")


def test_a_market_without_precision_is_refused_naming_the_field() -> None:
    market = {k: v for k, v in MARKETS["BTC/USDT"].items() if k != "precision"}
    with pytest.raises(VenueError, match="'precision'"):
        instrument_from_market(market, "BINANCE")
