"""Net positions per instrument and their profit and loss."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.fill import Fill
from tradewind.domain.identifiers import InstrumentId, TradeId
from tradewind.domain.instrument import Instrument

__all__ = ["Position", "PositionSide"]


class PositionSide(StrEnum):
    """The sign of a net position."""

    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


class Position:
    """The net (signed) position in one instrument, built from fills.

    `quantity` is signed (+ long, - short). `avg_open_price` is the quantity-weighted
    price of the open quantity (0 when flat). P&L is in quote currency:
    `quantity * price difference * multiplier`. `realized_pnl` is gross of
    commissions, which are totalled per currency in `commissions`.

    Raises:
        DomainError: a non-positive multiplier.
    """

    __slots__ = (
        "_avg_open_price",
        "_commissions",
        "_quantity",
        "_realized_pnl",
        "_trade_ids",
        "instrument_id",
        "multiplier",
    )

    def __init__(self, instrument_id: InstrumentId, multiplier: DecimalLike = 1) -> None:
        if not isinstance(instrument_id, InstrumentId):
            raise DomainError(
                f"invalid position instrument_id {instrument_id!r}: expected an InstrumentId"
            )
        mult = to_decimal(multiplier, field=f"multiplier of position {instrument_id}")
        if mult <= 0:
            raise DomainError(
                f"invalid multiplier {mult} for position {instrument_id}: expected a value > 0"
            )
        self.instrument_id: InstrumentId = instrument_id
        self.multiplier: Decimal = mult
        self._quantity = Decimal(0)
        self._avg_open_price = Decimal(0)
        self._realized_pnl = Decimal(0)
        self._commissions: dict[str, Decimal] = {}
        self._trade_ids: set[TradeId] = set()

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> Position:
        """A flat position in `instrument`, using its multiplier."""
        return cls(instrument.id, instrument.multiplier)

    @property
    def quantity(self) -> Decimal:
        """Signed net quantity (+ long, - short)."""
        return self._quantity

    @property
    def avg_open_price(self) -> Decimal:
        """Average entry price of the open quantity; 0 when flat."""
        return self._avg_open_price

    @property
    def realized_pnl(self) -> Decimal:
        """Closed P&L so far, in quote currency, before commissions."""
        return self._realized_pnl

    @property
    def commissions(self) -> dict[str, Decimal]:
        """Total commission per currency ('' = quote currency), as a new dict."""
        return dict(self._commissions)

    @property
    def side(self) -> PositionSide:
        if self._quantity > 0:
            return PositionSide.LONG
        if self._quantity < 0:
            return PositionSide.SHORT
        return PositionSide.FLAT

    @property
    def is_flat(self) -> bool:
        return self._quantity == 0

    def apply(self, fill: Fill) -> Decimal:
        """Apply a fill (open, add, reduce, close or flip) and return the P&L it realized.

        A flip closes the whole position at the fill price and opens the remainder
        on the other side at the same price.

        Raises:
            DomainError: the fill is for another instrument or its trade id was
                already applied (fills count exactly once).
        """
        if fill.instrument_id != self.instrument_id:
            raise DomainError(
                f"cannot apply fill {fill.trade_id} for {fill.instrument_id} to position "
                f"in {self.instrument_id}"
            )
        if fill.trade_id in self._trade_ids:
            raise DomainError(
                f"duplicate fill for position {self.instrument_id}: trade {fill.trade_id} "
                "was already applied"
            )
        delta = fill.signed_quantity
        current = self._quantity
        realized = Decimal(0)
        if current == 0 or (current > 0) == (delta > 0):
            total = abs(current) + abs(delta)
            self._avg_open_price = (
                self._avg_open_price * abs(current) + fill.price * abs(delta)
            ) / total
        else:
            closed = min(abs(current), abs(delta))
            direction = 1 if current > 0 else -1
            realized = closed * (fill.price - self._avg_open_price) * direction * self.multiplier
            if abs(delta) > abs(current):
                self._avg_open_price = fill.price
            elif abs(delta) == abs(current):
                self._avg_open_price = Decimal(0)
        self._quantity = current + delta
        self._realized_pnl += realized
        self._trade_ids.add(fill.trade_id)
        currency = fill.commission_currency
        self._commissions[currency] = self._commissions.get(currency, Decimal(0)) + fill.commission
        return realized

    def unrealized_pnl(self, mark: DecimalLike) -> Decimal:
        """Open P&L at price `mark`, in quote currency (0 when flat).

        Raises:
            DomainError: `mark` is not a finite number.
        """
        price = to_decimal(mark, field=f"mark price of {self.instrument_id}")
        if self._quantity == 0:
            return Decimal(0)
        return self._quantity * (price - self._avg_open_price) * self.multiplier

    def total_pnl(self, mark: DecimalLike) -> Decimal:
        """`realized_pnl + unrealized_pnl(mark)`, before commissions."""
        return self._realized_pnl + self.unrealized_pnl(mark)

    def notional(self, mark: DecimalLike) -> Decimal:
        """Gross exposure `|quantity| * mark * multiplier`, in quote currency."""
        price = to_decimal(mark, field=f"mark price of {self.instrument_id}")
        return abs(self._quantity * price * self.multiplier)

    def market_value(self, mark: DecimalLike) -> Decimal:
        """Signed exposure `quantity * mark * multiplier` (negative when short)."""
        price = to_decimal(mark, field=f"mark price of {self.instrument_id}")
        return self._quantity * price * self.multiplier

    def __repr__(self) -> str:
        return (
            f"Position({self.instrument_id} qty={self._quantity} "
            f"avg={self._avg_open_price} realized={self._realized_pnl})"
        )
