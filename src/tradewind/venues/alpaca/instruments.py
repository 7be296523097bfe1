"""Alpaca assets to `Instrument`s, and venue symbols to `InstrumentId`s and back.

`AAPL` at Alpaca is the instrument `AAPL.ALPACA`, an equity quoted in USD. The grid is
Alpaca's: whole shares (lot 1), or fractional shares (lot 1e-9, minimum notional $1)
when the asset is `fractionable` and the adapter trades fractions; price tick $0.01
(Alpaca takes $0.0001 below $1, which `price_problem` allows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.order import Order
from tradewind.domain.order_enums import TimeInForce
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.instrument_book import InstrumentBook

__all__ = [
    "FRACTIONAL_LOT",
    "AlpacaInstruments",
    "AssetFlags",
    "entry_problem",
    "instrument_from_asset",
    "price_problem",
]

FRACTIONAL_LOT = Decimal("0.000000001")
"""Alpaca's quantity step for fractional shares (9 decimals)."""
_WHOLE_LOT = Decimal(1)
_TICK = Decimal("0.01")
_SUB_DOLLAR_TICK = Decimal("0.0001")
_FRACTIONAL_MIN_NOTIONAL = Decimal(1)
_CALENDAR = "XNYS"


@dataclass(frozen=True, slots=True)
class AssetFlags:
    """What Alpaca says one can do with an asset."""

    tradable: bool
    fractionable: bool
    shortable: bool
    easy_to_borrow: bool


def instrument_from_asset(
    asset: Mapping[str, Any],
    venue: str,
    *,
    fractional: bool = False,
    market_class: MarketClass = MarketClass.EQUITIES,
) -> tuple[Instrument, AssetFlags]:
    """The `Instrument` an asset payload (`GET /v2/assets/{symbol}`) describes.

    Raises:
        VenueError: not a US equity, or a missing field (named).
    """
    symbol = asset.get("symbol")
    if not isinstance(symbol, str) or not symbol:
        raise VenueError("invalid asset payload: symbol is missing")
    asset_class = str(asset.get("class") or asset.get("asset_class") or "us_equity")
    if asset_class != "us_equity":
        raise VenueError(f"invalid asset {symbol}: class {asset_class!r}, expected us_equity")
    flags = AssetFlags(
        tradable=bool(asset.get("tradable")),
        fractionable=bool(asset.get("fractionable")),
        shortable=bool(asset.get("shortable")),
        easy_to_borrow=bool(asset.get("easy_to_borrow")),
    )
    fractions = fractional and flags.fractionable
    instrument = Instrument(
        id=InstrumentId(symbol, venue),
        market_class=market_class,
        base_currency=symbol,
        quote_currency="USD",
        price_tick=_TICK,
        lot_size=FRACTIONAL_LOT if fractions else _WHOLE_LOT,
        min_notional=_FRACTIONAL_MIN_NOTIONAL if fractions else Decimal(0),
        calendar=_CALENDAR,
    )
    return instrument, flags


def price_problem(instrument: Instrument, price: Decimal) -> str:
    """Why Alpaca would refuse `price` for `instrument` ("" when it is on its grid):
    $0.01 steps from $1 up, $0.0001 below."""
    if price <= 0:
        return f"invalid price {price} for {instrument.id}: expected a value > 0"
    tick = instrument.price_tick if price >= 1 else _SUB_DOLLAR_TICK
    if price % tick != 0:
        return f"invalid price {price} for {instrument.id}: not a multiple of tick {tick}"
    return ""


def entry_problem(order: Order, instrument: Instrument | None, venue: Venue | str) -> str:
    """Why the order cannot go to Alpaca as it is ("" when it can)."""
    if instrument is None:
        return f"unknown instrument {order.instrument_id} at venue {venue}"
    try:
        instrument.check_order(order.quantity, None)
    except DomainError as error:
        return str(error)
    for price in (order.price, order.trigger_price):
        problem = "" if price is None else price_problem(instrument, Decimal(price))
        if problem:
            return problem
    if order.quantity % 1 != 0 and order.time_in_force is not TimeInForce.DAY:
        return (
            f"invalid time in force {order.time_in_force.value} for the fractional quantity "
            f"{order.quantity} of {order.instrument_id}: Alpaca takes fractional orders as "
            "day orders only"
        )
    return ""


class AlpacaInstruments(InstrumentBook):
    """The configured symbols' instruments, by venue symbol and by instrument id.

    Raises:
        VenueError: a configured symbol Alpaca did not list, or one not tradable.
    """

    def __init__(
        self,
        assets: Iterable[Mapping[str, Any]],
        symbols: Sequence[str],
        venue: str,
        *,
        fractional: bool = False,
        market_class: MarketClass = MarketClass.EQUITIES,
    ) -> None:
        by_symbol = {str(a.get("symbol")): a for a in assets if isinstance(a, Mapping)}
        self._flags: dict[str, AssetFlags] = {}

        def entry(symbol: str) -> tuple[str, Instrument]:
            asset = by_symbol.get(symbol)
            if asset is None:
                raise VenueError(f"symbol {symbol} is not listed at {venue}")
            instrument, flags = instrument_from_asset(
                asset, venue, fractional=fractional, market_class=market_class
            )
            if not flags.tradable:
                raise VenueError(f"symbol {symbol} is not tradable at {venue}")
            self._flags[symbol] = flags
            return symbol, instrument

        super().__init__(entry(symbol) for symbol in symbols)

    def unknown_instrument(self, instrument_id: InstrumentId) -> DomainError:
        """A `VenueError`: the instrument is not configured at this venue."""
        return VenueError(f"unknown instrument {instrument_id}: not configured at this venue")

    def flags(self, symbol: str) -> AssetFlags:
        """Alpaca's flags of a configured symbol."""
        return self._flags[symbol]

    @property
    def fractional(self) -> bool:
        """Whether any configured instrument trades in fractions."""
        return any(i.lot_size < 1 for i in self.all)
