"""ccxt markets to `Instrument`s, and venue symbols to `InstrumentId`s and back.

The venue symbol `BTC/USDT` is the instrument `BTC-USDT.BINANCE` (the venue is the
exchange id in upper case). The grid comes from the market: tick from
`precision.price` and lot from `precision.amount` (ccxt's TICK_SIZE precision mode,
as for binance: the values are step sizes; DECIMAL_PLACES mode is converted), the
minimum quantity from `limits.amount.min` and the minimum notional from
`limits.cost.min`. Every value goes through its shortest decimal text, never a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.instrument_book import InstrumentBook

__all__ = [
    "DECIMAL_PLACES",
    "TICK_SIZE",
    "CcxtInstruments",
    "instrument_from_market",
    "instrument_id_of",
]

DECIMAL_PLACES = 2
"""ccxt's `precisionMode` where precision values count decimals."""
TICK_SIZE = 4
"""ccxt's `precisionMode` where precision values are step sizes (binance)."""


def instrument_id_of(symbol: str, venue: str) -> InstrumentId:
    """`BTC/USDT` at `BINANCE` -> `BTC-USDT.BINANCE`."""
    return InstrumentId(symbol.replace("/", "-"), venue)


def instrument_from_market(
    market: Mapping[str, Any],
    venue: str,
    *,
    precision_mode: int = TICK_SIZE,
    market_class: MarketClass = MarketClass.CRYPTO,
) -> Instrument:
    """The `Instrument` a ccxt unified market describes.

    Raises:
        VenueError: not a spot market, or a missing or ill-typed field (named).
    """
    symbol = _text(market, "symbol")
    where = f"market {symbol}"
    if market.get("spot") is False or market.get("type", "spot") != "spot":
        raise VenueError(f"invalid {where}: only spot markets are supported")
    precision = _section(market, "precision", where)
    limits = _section(market, "limits", where)
    tick = _step(precision.get("price"), precision_mode, f"precision.price of {where}")
    lot = _step(precision.get("amount"), precision_mode, f"precision.amount of {where}")
    min_qty = _optional(
        _section(limits, "amount", where).get("min"), f"limits.amount.min of {where}"
    )
    min_cost = _optional(_section(limits, "cost", where).get("min"), f"limits.cost.min of {where}")
    try:
        return Instrument(
            id=instrument_id_of(symbol, venue),
            market_class=market_class,
            base_currency=_text(market, "base"),
            quote_currency=_text(market, "quote"),
            price_tick=tick,
            lot_size=lot,
            min_quantity=min_qty,
            min_notional=min_cost,
        )
    except DomainError as error:
        raise VenueError(f"invalid {where}: {error}") from None


class CcxtInstruments(InstrumentBook):
    """The instruments of the configured symbols, by ccxt symbol and by id.

    Args:
        markets: ccxt's `exchange.markets` (symbol -> unified market).
        symbols: the venue symbols wanted (`BTC/USDT`).
        venue: the venue name in instrument ids.
        precision_mode: ccxt's `exchange.precisionMode`.
        market_class: the class given to every instrument.

    Raises:
        VenueError: a wanted symbol the exchange does not list, or a bad market.
    """

    def __init__(
        self,
        markets: Mapping[str, Mapping[str, Any]],
        symbols: Iterable[str],
        venue: str,
        *,
        precision_mode: int = TICK_SIZE,
        market_class: MarketClass = MarketClass.CRYPTO,
    ) -> None:
        def entry(symbol: str) -> tuple[str, Instrument]:
            market = markets.get(symbol)
            if market is None:
                raise VenueError(
                    f"unknown symbol {symbol} at {venue}: the exchange lists no such market "
                    "(expected a ccxt symbol such as 'BTC/USDT')"
                )
            return symbol, instrument_from_market(
                market, venue, precision_mode=precision_mode, market_class=market_class
            )

        super().__init__(entry(symbol) for symbol in symbols)


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise VenueError(f"invalid market payload: field {name!r} missing or not a string")
    return value


def _section(payload: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    value = payload.get(name)
    if not isinstance(value, Mapping):
        raise VenueError(f"invalid {where}: field {name!r} missing or not an object")
    return value


def _number(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise VenueError(f"invalid {field}: expected a number, found {value!r}")
    try:
        return to_decimal(value, field=field)
    except DomainError as error:
        raise VenueError(str(error)) from None


def _step(value: Any, precision_mode: int, field: str) -> Decimal:
    number = _number(value, field)
    if precision_mode == DECIMAL_PLACES:
        return Decimal(1).scaleb(-int(number))
    if precision_mode != TICK_SIZE:
        raise VenueError(
            f"invalid {field}: precision mode {precision_mode} is not supported "
            "(expected tick sizes or decimal places)"
        )
    if number <= 0:
        raise VenueError(f"invalid {field} {number}: expected a step > 0")
    return number


def _optional(value: Any, field: str) -> Decimal:
    return Decimal(0) if value is None else _number(value, field)
