"""Typed identifiers: venues, symbols, instruments, orders, trades, strategies, accounts.

Every identifier is a small frozen value with validation, so a `TradeId` can never be
passed where a `ClientOrderId` is expected and a blank or space-containing id never
enters the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tradewind.domain.errors import DomainError

__all__ = [
    "AccountId",
    "ClientOrderId",
    "InstrumentId",
    "StrategyId",
    "Symbol",
    "TradeId",
    "Venue",
    "VenueOrderId",
]


def _check_token(kind: str, value: object) -> None:
    if not isinstance(value, str):
        raise DomainError(
            f"invalid {kind} {value!r}: expected a string, found {type(value).__name__}"
        )
    if not value:
        raise DomainError(f"invalid {kind} '': expected a non-empty string")
    if any(ch.isspace() for ch in value):
        raise DomainError(f"invalid {kind} {value!r}: whitespace is not allowed")


@dataclass(frozen=True, slots=True, order=True)
class _Identifier:
    """A non-empty string without whitespace; `str(x)` is the raw value."""

    value: str
    _kind: ClassVar[str] = "identifier"

    def __post_init__(self) -> None:
        _check_token(self._kind, self.value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, order=True)
class Symbol(_Identifier):
    """A venue's ticker for an instrument (`BTC-USD`, `EUR/USD`, `BRK.B`)."""

    _kind: ClassVar[str] = "symbol"


@dataclass(frozen=True, slots=True, order=True)
class Venue(_Identifier):
    """A trading venue or data source (`SIM`, `BINANCE`, `OANDA`); no dots allowed."""

    _kind: ClassVar[str] = "venue"

    def __post_init__(self) -> None:
        _check_token(self._kind, self.value)
        if "." in self.value:
            raise DomainError(f"invalid venue {self.value!r}: '.' is not allowed")


@dataclass(frozen=True, slots=True, order=True)
class ClientOrderId(_Identifier):
    """The id Tradewind gives an order before it is sent (unique per account)."""

    _kind: ClassVar[str] = "client order id"


@dataclass(frozen=True, slots=True, order=True)
class VenueOrderId(_Identifier):
    """The id a venue gives an order when it accepts it."""

    _kind: ClassVar[str] = "venue order id"


@dataclass(frozen=True, slots=True, order=True)
class TradeId(_Identifier):
    """The venue's id of one execution (fill); used to apply each fill exactly once."""

    _kind: ClassVar[str] = "trade id"


@dataclass(frozen=True, slots=True, order=True)
class StrategyId(_Identifier):
    """The configured name of a strategy instance (`ema_cross-btc`)."""

    _kind: ClassVar[str] = "strategy id"


@dataclass(frozen=True, slots=True, order=True)
class AccountId(_Identifier):
    """An account at a venue (`SIM-001`)."""

    _kind: ClassVar[str] = "account id"


@dataclass(frozen=True, slots=True, order=True)
class InstrumentId:
    """An instrument at a venue: `str(InstrumentId("BTC-USD", "SIM")) == "BTC-USD.SIM"`.

    `symbol` may contain dots (`BRK.B`); `venue` may not, so the text form splits on
    its last dot.
    """

    symbol: str
    venue: str

    def __post_init__(self) -> None:
        _check_token("symbol", self.symbol)
        Venue(self.venue)

    @classmethod
    def parse(cls, text: str, *, default_venue: str | None = None) -> InstrumentId:
        """Parse `"SYMBOL.VENUE"`; a bare symbol takes `default_venue` when given.

        Raises:
            DomainError: the text is blank, has whitespace, or lacks a venue and no
                default was given.
        """
        if not isinstance(text, str):
            raise DomainError(
                f"invalid instrument id {text!r}: expected text like 'BTC-USD.SIM', "
                f"found {type(text).__name__}"
            )
        symbol, dot, venue = text.strip().rpartition(".")
        if not dot:
            if default_venue is None:
                raise DomainError(
                    f"invalid instrument id {text!r}: expected 'SYMBOL.VENUE', e.g. 'BTC-USD.SIM'"
                )
            return cls(text.strip(), default_venue)
        if not symbol or not venue:
            raise DomainError(
                f"invalid instrument id {text!r}: expected 'SYMBOL.VENUE', e.g. 'BTC-USD.SIM'"
            )
        return cls(symbol, venue)

    @property
    def symbol_id(self) -> Symbol:
        """The symbol as a typed `Symbol`."""
        return Symbol(self.symbol)

    @property
    def venue_id(self) -> Venue:
        """The venue as a typed `Venue`."""
        return Venue(self.venue)

    def __str__(self) -> str:
        return f"{self.symbol}.{self.venue}"
