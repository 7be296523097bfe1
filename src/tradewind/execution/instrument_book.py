"""`InstrumentBook`: a venue adapter's traded instruments, by venue symbol and by id.

Every adapter maps its configured venue symbols (`BTC/USDT`, `EUR_USD`, `AAPL`) to
`Instrument`s and back; how it builds the instruments is its own, the book is shared.
"""

from __future__ import annotations

from collections.abc import Iterable

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument

__all__ = ["InstrumentBook"]


class InstrumentBook:
    """Instruments keyed by venue symbol, in the order given, with the id mapping back.

    Args:
        entries: (venue symbol, instrument) pairs; a later pair replaces an earlier one
            with the same symbol.

    Subclasses change the error for an unknown instrument with `unknown_instrument`.
    """

    def __init__(self, entries: Iterable[tuple[str, Instrument]]) -> None:
        self._by_symbol: dict[str, Instrument] = dict(entries)
        self._by_id: dict[InstrumentId, str] = {i.id: s for s, i in self._by_symbol.items()}

    @property
    def symbols(self) -> list[str]:
        """The venue symbols, in configuration order."""
        return list(self._by_symbol)

    @property
    def all(self) -> list[Instrument]:
        """The instruments, in configuration order."""
        return list(self._by_symbol.values())

    def ids(self) -> list[InstrumentId]:
        """The instrument ids, in configuration order."""
        return list(self._by_id)

    def by_symbol(self, symbol: str) -> Instrument | None:
        """The instrument of a venue symbol, or None when it is not traded here."""
        return self._by_symbol.get(symbol)

    def get(self, instrument_id: InstrumentId) -> Instrument | None:
        """The instrument with this id, or None."""
        symbol = self._by_id.get(instrument_id)
        return None if symbol is None else self._by_symbol[symbol]

    def symbol_of(self, instrument_id: InstrumentId) -> str:
        """The venue symbol of an instrument.

        Raises:
            DomainError: an instrument this book does not hold (`unknown_instrument`).
        """
        symbol = self._by_id.get(instrument_id)
        if symbol is None:
            raise self.unknown_instrument(instrument_id)
        return symbol

    def unknown_instrument(self, instrument_id: InstrumentId) -> DomainError:
        """The error `symbol_of` raises for an id not in the book (names those served)."""
        served = ", ".join(str(i) for i in self._by_id) or "none"
        return DomainError(f"unknown instrument {instrument_id} (served: {served})")
