"""v20 instruments to `Instrument`s, and instrument names to `InstrumentId`s and back.

`EUR_USD` at OANDA is `EUR-USD.OANDA`. The grid comes from the v20 instrument: the
price tick is 10^-displayPrecision (the finest price v20 accepts; the pip is
10^pipLocation), the lot 10^-tradeUnitsPrecision (whole units for currencies), the
minimum quantity `minimumTradeSize`; base and quote are the two halves of the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.instrument_book import InstrumentBook
from tradewind.venues.oanda.wire import V20Instrument

__all__ = ["OandaInstruments", "instrument_from_v20", "instrument_id_of"]


def instrument_id_of(name: str, venue: str) -> InstrumentId:
    """`EUR_USD` at `OANDA` -> `EUR-USD.OANDA`."""
    return InstrumentId(name.replace("_", "-"), venue)


def instrument_from_v20(
    spec: V20Instrument, venue: str, market_class: MarketClass = MarketClass.FOREX
) -> Instrument:
    """The `Instrument` a v20 instrument describes.

    Raises:
        VenueError: a name without base and quote, or a grid the domain refuses (named).
    """
    base, sep, quote = spec.name.partition("_")
    if not sep or not base or not quote:
        raise VenueError(f"invalid v20 instrument name {spec.name!r}: expected BASE_QUOTE")
    for name, value in (
        ("displayPrecision", spec.display_precision),
        ("tradeUnitsPrecision", spec.trade_units_precision),
    ):
        if not 0 <= value <= 12:
            raise VenueError(f"invalid {name} {value} of {spec.name}: expected 0..12 decimals")
    try:
        return Instrument(
            id=instrument_id_of(spec.name, venue),
            market_class=market_class,
            base_currency=base,
            quote_currency=quote,
            price_tick=Decimal(1).scaleb(-spec.display_precision),
            lot_size=Decimal(1).scaleb(-spec.trade_units_precision),
            min_quantity=spec.minimum_trade_size,
        )
    except DomainError as error:
        raise VenueError(f"invalid v20 instrument {spec.name}: {error}") from None


class OandaInstruments(InstrumentBook):
    """The instruments of the configured names, by v20 name and by id.

    Raises:
        VenueError: a configured name the account does not list, or a bad instrument.
    """

    def __init__(
        self,
        specs: Iterable[V20Instrument],
        symbols: Iterable[str],
        venue: str,
        market_class: MarketClass = MarketClass.FOREX,
    ) -> None:
        listed = {spec.name: spec for spec in specs}

        def entry(symbol: str) -> tuple[str, Instrument]:
            spec = listed.get(symbol)
            if spec is None:
                raise VenueError(
                    f"unknown instrument {symbol} at {venue}: the account lists "
                    f"{', '.join(sorted(listed)) or 'none'}"
                )
            return symbol, instrument_from_v20(spec, venue, market_class)

        super().__init__(entry(symbol) for symbol in symbols)
