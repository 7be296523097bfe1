"""IB contracts for venue symbols, and contract details to `Instrument`s.

`AAPL` is `Stock("AAPL", "SMART", "USD")`, the instrument `AAPL.IB` (equities, base
AAPL, quote USD); `EUR.USD` is `Forex("EURUSD")` on IDEALPRO, the instrument
`EUR-USD.IB` (forex, base EUR, quote USD). The grid comes from the contract details:
tick from `minTick`, lot from `sizeIncrement` (1 when TWS leaves it unset), minimum
quantity from `minSize`. Floats go through their shortest decimal text.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ib_async import Contract, Forex, Stock

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.instrument_book import InstrumentBook
from tradewind.venues.ib.config import instrument_id_of

__all__ = ["IbInstruments", "contract_for", "decimal_of", "instrument_from_details", "symbol_of"]

_UNSET = 1.7976931348623157e308


def decimal_of(value: object) -> Decimal | None:
    """A TWS number as a Decimal (its shortest text); None when unset or not finite."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float) and (value != value or abs(value) >= _UNSET):
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def contract_for(symbol: str, market_class: MarketClass) -> Contract:
    """The contract to ask TWS about for a venue symbol."""
    if market_class is MarketClass.FOREX:
        base, quote = symbol.split(".")
        return Forex(base + quote)
    return Stock(symbol, "SMART", "USD")


def symbol_of(contract: Any) -> str:
    """The venue symbol of a contract TWS sent (`EUR.USD` for CASH, else the ticker)."""
    if getattr(contract, "secType", "") == "CASH":
        return f"{contract.symbol}.{contract.currency}"
    return str(getattr(contract, "symbol", ""))


def instrument_from_details(
    symbol: str, details: Any, venue: str, market_class: MarketClass
) -> Instrument:
    """The `Instrument` TWS's contract details describe.

    Raises:
        VenueError: the details lack a usable minimum tick, or the grid is invalid (named).
    """
    contract = details.contract
    tick = decimal_of(details.minTick)
    if tick is None or tick <= 0:
        raise VenueError(f"invalid contract details for {symbol} at {venue}: no minTick")
    lot = decimal_of(getattr(details, "sizeIncrement", None))
    lot = lot if lot is not None and lot > 0 else Decimal(1)
    minimum = decimal_of(getattr(details, "minSize", None))
    minimum = minimum if minimum is not None and minimum > 0 else Decimal(0)
    forex = market_class is MarketClass.FOREX
    base = str(contract.symbol) if forex else symbol.replace(".", "")
    try:
        return Instrument(
            id=instrument_id_of(symbol, venue),
            market_class=market_class,
            base_currency=base,
            quote_currency=str(contract.currency or "USD"),
            price_tick=tick,
            lot_size=lot,
            min_quantity=minimum,
        )
    except DomainError as error:
        raise VenueError(f"invalid contract details for {symbol} at {venue}: {error}") from None


class IbInstruments(InstrumentBook):
    """The traded instruments and their contracts, by venue symbol and by id."""

    def __init__(self, entries: Iterable[tuple[str, Instrument, Any]]) -> None:
        self._contracts: dict[str, Any] = {}

        def entry(symbol: str, instrument: Instrument, contract: Any) -> tuple[str, Instrument]:
            self._contracts[symbol] = contract
            return symbol, instrument

        super().__init__(entry(*row) for row in entries)

    def unknown_instrument(self, instrument_id: InstrumentId) -> DomainError:
        """The error for an instrument not traded here (names those that are)."""
        return DomainError(
            f"unknown instrument {instrument_id}: expected one of "
            f"{', '.join(str(i) for i in self.ids()) or 'none'}"
        )

    def contract(self, symbol: str) -> Any:
        """The qualified contract (with conId) of a traded symbol."""
        return self._contracts[symbol]
