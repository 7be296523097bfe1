"""Tradable instruments and the rounding of prices and quantities to their grid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)
from enum import StrEnum

from tradewind.domain.calendar_codes import default_calendar_for, validate_calendar_code
from tradewind.domain.decimals import DecimalLike, decimal_places, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.market import MarketClass, QuoteType

__all__ = ["DERIVE_PRECISION", "Instrument", "PriceRounding"]

DERIVE_PRECISION = -1
"""Sentinel for `price_precision` / `size_precision`: derive it from the tick / lot."""

# Enough digits that tick arithmetic on any realistic price is exact.
_PRECISION_DIGITS = 80
_CURRENCY = re.compile(r"^[A-Za-z0-9]{1,12}$")
_SYMBOL_SPLIT = re.compile(r"[-/_]")


class PriceRounding(StrEnum):
    """How `Instrument.round_price` snaps a value to the tick grid."""

    NEAREST = "nearest"
    """Closest tick; exact halves round away from zero."""
    DOWN = "down"
    """Highest tick at or below the value (toward minus infinity)."""
    UP = "up"
    """Lowest tick at or above the value (toward plus infinity)."""


_DECIMAL_ROUNDING: dict[PriceRounding, str] = {
    PriceRounding.NEAREST: ROUND_HALF_UP,
    PriceRounding.DOWN: ROUND_FLOOR,
    PriceRounding.UP: ROUND_CEILING,
}


@dataclass(frozen=True, slots=True)
class Instrument:
    """What can be traded and on which price/size grid.

    Attributes:
        id: symbol and venue.
        market_class: asset class.
        base_currency: what is bought (`BTC`, `EUR`, `SPY`).
        quote_currency: currency of prices, notional and P&L (`USD`).
        price_tick: smallest price increment, > 0.
        lot_size: quantity increment, > 0; orders are whole multiples of it.
        min_quantity: smallest order quantity, >= 0 (0 means one lot).
        min_notional: smallest order value in quote currency, >= 0.
        calendar: trading-calendar code; empty means the market class default.
        quote_type: price, index level or yield (yields may be zero or negative).
        multiplier: contract multiplier, > 0 (1 for spot); notional and P&L are
            `quantity * price * multiplier`.
        price_precision: decimals of a price; `DERIVE_PRECISION` takes the tick's,
            a given value must be at least the tick's.
        size_precision: decimals of a quantity; derived from the lot the same way.

    Numeric fields accept anything `to_decimal` accepts and are stored as `Decimal`.

    Raises:
        DomainError: a field is missing, non-finite or out of range.
    """

    id: InstrumentId
    market_class: MarketClass
    base_currency: str
    quote_currency: str
    price_tick: Decimal
    lot_size: Decimal
    min_quantity: Decimal = Decimal(0)
    min_notional: Decimal = Decimal(0)
    calendar: str = ""
    quote_type: QuoteType = QuoteType.PRICE
    multiplier: Decimal = Decimal(1)
    price_precision: int = DERIVE_PRECISION
    size_precision: int = DERIVE_PRECISION

    def __post_init__(self) -> None:
        if not isinstance(self.id, InstrumentId):
            raise DomainError(
                f"invalid instrument id {self.id!r}: expected an InstrumentId, "
                f"found {type(self.id).__name__}"
            )
        set_ = object.__setattr__
        set_(self, "market_class", MarketClass.parse(str(self.market_class)))
        set_(self, "quote_type", _parse_quote_type(self.quote_type, self.id))
        for name in ("base_currency", "quote_currency"):
            code = getattr(self, name)
            if not isinstance(code, str) or not _CURRENCY.match(code):
                raise DomainError(
                    f"invalid {name} {code!r} for {self.id}: expected a currency or asset "
                    "code of 1-12 letters/digits, e.g. 'USD'"
                )
        set_(self, "price_tick", self._positive("price_tick"))
        set_(self, "lot_size", self._positive("lot_size"))
        set_(self, "multiplier", self._positive("multiplier"))
        set_(self, "min_quantity", self._non_negative("min_quantity"))
        set_(self, "min_notional", self._non_negative("min_notional"))
        set_(self, "price_precision", self._precision("price_precision", self.price_tick))
        set_(self, "size_precision", self._precision("size_precision", self.lot_size))
        calendar = self.calendar or default_calendar_for(self.market_class)
        set_(self, "calendar", validate_calendar_code(calendar))

    def _positive(self, name: str) -> Decimal:
        value = to_decimal(getattr(self, name), field=f"{name} of {self.id}")
        if value <= 0:
            raise DomainError(f"invalid {name} {value} for {self.id}: expected a value > 0")
        return value

    def _non_negative(self, name: str) -> Decimal:
        value = to_decimal(getattr(self, name), field=f"{name} of {self.id}")
        if value < 0:
            raise DomainError(f"invalid {name} {value} for {self.id}: expected a value >= 0")
        return value

    def _precision(self, name: str, step: Decimal) -> int:
        given = getattr(self, name)
        needed = decimal_places(step)
        if isinstance(given, bool) or not isinstance(given, int):
            raise DomainError(f"invalid {name} {given!r} for {self.id}: expected an integer")
        if given == DERIVE_PRECISION:
            return needed
        if given < needed:
            raise DomainError(
                f"invalid {name} {given} for {self.id}: the step {step} needs at least "
                f"{needed} decimals"
            )
        return given

    # -- construction helpers -------------------------------------------------

    @classmethod
    def for_symbol(
        cls,
        symbol: str,
        market_class: MarketClass | str,
        *,
        venue: str = "SIM",
        base_currency: str | None = None,
        quote_currency: str | None = None,
        price_tick: DecimalLike | None = None,
        lot_size: DecimalLike | None = None,
        min_quantity: DecimalLike = 0,
        min_notional: DecimalLike = 0,
        calendar: str = "",
        quote_type: QuoteType = QuoteType.PRICE,
        multiplier: DecimalLike = 1,
    ) -> Instrument:
        """Build an instrument with typical defaults for its market class.

        Defaults (override any of them; real venues publish their own):
        crypto tick 0.01, lot 0.00001; forex tick 0.00001 (0.001 when the quote is
        JPY), lot 1; equities, commodities, bonds, volatility and futures tick 0.01,
        lot 1. Base/quote come from the symbol (`BTC-USD`, `EUR/USD`, `EURUSD`,
        `EUR_USD`, `BTC/USDT:USDT`); a single ticker (`SPY`) is its own base, quoted in USD. The
        calendar defaults to the market class's.

        Raises:
            DomainError: the symbol or any value is invalid.
        """
        klass = MarketClass.parse(str(market_class))
        if base_currency and quote_currency:
            base, quote = base_currency, quote_currency
        else:
            base, quote = _split_symbol(symbol, klass)
            base, quote = base_currency or base, quote_currency or quote
        tick, lot = _default_grid(klass, quote)
        return cls(
            id=InstrumentId(symbol, venue),
            market_class=klass,
            base_currency=base,
            quote_currency=quote,
            price_tick=to_decimal(price_tick if price_tick is not None else tick),
            lot_size=to_decimal(lot_size if lot_size is not None else lot),
            min_quantity=to_decimal(min_quantity),
            min_notional=to_decimal(min_notional),
            calendar=calendar,
            quote_type=quote_type,
            multiplier=to_decimal(multiplier),
        )

    # -- rounding -------------------------------------------------------------

    def round_price(
        self, value: DecimalLike, rounding: PriceRounding | str = PriceRounding.NEAREST
    ) -> Decimal:
        """Snap `value` to an exact multiple of `price_tick`, written with `price_precision`.

        Raises:
            DomainError: the value is not a finite number, or `rounding` is unknown.
        """
        price = to_decimal(value, field=f"price for {self.id}")
        mode = _parse_rounding(rounding)
        with localcontext() as ctx:
            ctx.prec = _PRECISION_DIGITS
            try:
                ticks = (price / self.price_tick).to_integral_value(
                    rounding=_DECIMAL_ROUNDING[mode]
                )
                result = (ticks * self.price_tick).quantize(_unit(self.price_precision))
            except InvalidOperation:
                raise DomainError(f"invalid price {price} for {self.id}: out of range") from None
        return result.copy_abs() if result.is_zero() else result

    def round_qty(self, value: DecimalLike) -> Decimal:
        """Round a quantity DOWN to a multiple of `lot_size` (never increases size).

        Raises:
            DomainError: the value is not a finite number or is negative.
        """
        qty = to_decimal(value, field=f"quantity for {self.id}")
        if qty < 0:
            raise DomainError(
                f"invalid quantity {qty} for {self.id}: expected a value >= 0 "
                "(the order side carries the direction)"
            )
        with localcontext() as ctx:
            ctx.prec = _PRECISION_DIGITS
            try:
                lots = (qty / self.lot_size).to_integral_value(rounding=ROUND_FLOOR)
                return (lots * self.lot_size).quantize(_unit(self.size_precision))
            except InvalidOperation:
                raise DomainError(f"invalid quantity {qty} for {self.id}: out of range") from None

    def make_price(self, value: DecimalLike) -> Decimal:
        """A valid price for this instrument: `round_price(value)` checked for sign.

        Raises:
            DomainError: not a finite number, or not positive where prices must be.
        """
        price = self.round_price(value)
        if self.quote_type.must_be_positive and price <= 0:
            raise DomainError(
                f"invalid price {value} for {self.id}: expected a value > 0 "
                f"(quote type {self.quote_type.value})"
            )
        return price

    def make_qty(self, value: DecimalLike) -> Decimal:
        """A valid quantity for this instrument: `round_qty(value)` (rounded down).

        The result may be zero when `value` is below one lot; `check_order` says why.

        Raises:
            DomainError: not a finite number, or negative.
        """
        return self.round_qty(value)

    # -- validation -----------------------------------------------------------

    def check_order(self, quantity: DecimalLike, price: DecimalLike | None = None) -> None:
        """Check an order's quantity (and price, when given) against this instrument.

        The notional check (`quantity * price * multiplier >= min_notional`) needs a
        price; for market orders pass a reference price such as the last close.

        Raises:
            DomainError: e.g. `invalid quantity 0.0001 for BTC-USD.SIM: below lot size
                0.001`; likewise for a quantity off the lot grid, below the minimum
                quantity, a price off the tick grid or of the wrong sign, or a notional
                below the minimum.
        """
        qty = to_decimal(quantity, field=f"quantity for {self.id}")
        if qty <= 0:
            raise DomainError(f"invalid quantity {qty} for {self.id}: expected a value > 0")
        if qty < self.lot_size:
            raise DomainError(
                f"invalid quantity {qty} for {self.id}: below lot size {self.lot_size}"
            )
        if not _is_multiple(qty, self.lot_size):
            raise DomainError(
                f"invalid quantity {qty} for {self.id}: not a multiple of lot size {self.lot_size}"
            )
        if qty < self.min_quantity:
            raise DomainError(
                f"invalid quantity {qty} for {self.id}: below min quantity {self.min_quantity}"
            )
        if price is None:
            return
        px = to_decimal(price, field=f"price for {self.id}")
        if self.quote_type.must_be_positive and px <= 0:
            raise DomainError(f"invalid price {px} for {self.id}: expected a value > 0")
        with localcontext() as ctx:
            ctx.prec = _PRECISION_DIGITS
            notional = abs(qty * px * self.multiplier)
        if not _is_multiple(px, self.price_tick):
            raise DomainError(
                f"invalid price {px} for {self.id}: not a multiple of tick {self.price_tick}"
            )
        if notional < self.min_notional:
            raise DomainError(
                f"invalid quantity {qty} for {self.id}: notional {notional} "
                f"{self.quote_currency} below min notional {self.min_notional} "
                f"{self.quote_currency}"
            )

    def notional(self, quantity: DecimalLike, price: DecimalLike) -> Decimal:
        """`|quantity * price * multiplier|` in quote currency.

        Raises:
            DomainError: an argument is not a finite number.
        """
        qty = to_decimal(quantity, field=f"quantity for {self.id}")
        px = to_decimal(price, field=f"price for {self.id}")
        return abs(qty * px * self.multiplier)

    def __str__(self) -> str:
        return str(self.id)


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    with localcontext() as ctx:
        ctx.prec = _PRECISION_DIGITS
        try:
            return value % step == 0
        except InvalidOperation:
            return False


def _parse_quote_type(value: str, instrument_id: InstrumentId) -> QuoteType:
    try:
        return QuoteType(value)
    except ValueError:
        expected = ", ".join(q.value for q in QuoteType)
        raise DomainError(
            f"invalid quote_type {value!r} for {instrument_id}: expected one of {expected}"
        ) from None


def _unit(precision: int) -> Decimal:
    return Decimal(1).scaleb(-precision)


def _parse_rounding(rounding: PriceRounding | str) -> PriceRounding:
    try:
        return PriceRounding(rounding)
    except ValueError:
        expected = ", ".join(r.value for r in PriceRounding)
        raise DomainError(f"invalid rounding {rounding!r}: expected one of {expected}") from None


def _split_symbol(symbol: str, klass: MarketClass) -> tuple[str, str]:
    if not isinstance(symbol, str) or not symbol.strip():
        raise DomainError(f"invalid symbol {symbol!r}: expected a non-empty string")
    # ccxt derivatives append the settlement currency: "BTC/USDT:USDT".
    parts = [p for p in _SYMBOL_SPLIT.split(symbol.strip().split(":")[0]) if p]
    if len(parts) == 2:
        return parts[0].upper(), parts[1].upper()
    if klass is MarketClass.FOREX and len(symbol) == 6 and symbol.isalpha():
        return symbol[:3].upper(), symbol[3:].upper()
    if len(parts) == 1 and _CURRENCY.match(parts[0]):
        return parts[0].upper(), "USD"
    raise DomainError(
        f"cannot derive base/quote currencies from symbol {symbol!r}: pass base_currency "
        "and quote_currency"
    )


def _default_grid(klass: MarketClass, quote: str) -> tuple[Decimal, Decimal]:
    if klass is MarketClass.CRYPTO:
        return Decimal("0.01"), Decimal("0.00001")
    if klass is MarketClass.FOREX:
        return (Decimal("0.001") if quote == "JPY" else Decimal("0.00001")), Decimal(1)
    return Decimal("0.01"), Decimal(1)
