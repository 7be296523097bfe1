"""Open positions and realized P&L folded from a run's fills (sessions journal fills,
not positions).

Average-cost accounting per (market, symbol): a fill on the side of the position (or
from flat) moves the average to the size-weighted mean; a fill against it realizes
`closed qty x (price - average)` (sign-adjusted for shorts) and keeps the average; a
fill through zero closes the position and opens the rest at the fill price. Every
fill's commission is a realized loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from tradewind.app.monitor.views import PositionView

__all__ = ["FLAT_QTY", "Book", "FillTuple", "fold_fills", "position_views"]

FLAT_QTY = 1e-12
"""A position smaller than this (in units) is flat: float dust from the fold."""

FillTuple = tuple[datetime, str, str, str, float, float, float]
"""(ts, market, symbol, side, qty, price, commission): one fill, qty unsigned."""


@dataclass(slots=True)
class _Lot:
    qty: float = 0.0  # signed: long > 0
    avg_price: float = 0.0


@dataclass(slots=True)
class Book:
    """The fold's result: open lots per (market, symbol) in first-fill order, and the
    realized P&L per market on `day` (UTC date of the fill's ts)."""

    day: date | None
    lots: dict[tuple[str, str], _Lot] = field(default_factory=dict)
    realized_on_day: dict[str, float] = field(default_factory=dict)

    def apply(self, fill: FillTuple) -> None:
        """Fold one fill in (fills must come in journal order)."""
        ts, market, symbol, side, qty, price, commission = fill
        signed = qty if side.lower() == "buy" else -qty
        lot = self.lots.setdefault((market, symbol), _Lot())
        realized = _trade(lot, signed, price) - commission
        if self.day is not None and ts.date() == self.day:
            self.realized_on_day[market] = self.realized_on_day.get(market, 0.0) + realized

    def open_lots(self) -> list[tuple[str, str, float, float]]:
        """(market, symbol, signed qty, average price) of every non-flat position."""
        return [
            (market, symbol, lot.qty, lot.avg_price)
            for (market, symbol), lot in self.lots.items()
            if abs(lot.qty) >= FLAT_QTY
        ]


def _trade(lot: _Lot, signed: float, price: float) -> float:
    """Apply a signed quantity at `price`; returns the realized P&L before commission."""
    if abs(lot.qty) < FLAT_QTY or (lot.qty > 0) == (signed > 0):
        total = lot.qty + signed
        if abs(lot.qty) < FLAT_QTY:
            lot.avg_price = price
        elif abs(total) >= FLAT_QTY:
            lot.avg_price = (lot.qty * lot.avg_price + signed * price) / total
        lot.qty = total
        return 0.0
    closed = min(abs(signed), abs(lot.qty))
    direction = 1.0 if lot.qty > 0 else -1.0
    realized = closed * (price - lot.avg_price) * direction
    remaining = lot.qty + signed
    if abs(remaining) < FLAT_QTY:
        lot.qty, lot.avg_price = 0.0, 0.0
    elif (remaining > 0) != (lot.qty > 0):
        lot.qty, lot.avg_price = remaining, price  # flipped: a new average from here
    else:
        lot.qty = remaining
    return realized


def fold_fills(fills: Iterable[FillTuple], *, day: date | None) -> Book:
    """Fold `fills` (journal order) into open positions and the realized P&L on `day`."""
    book = Book(day=day)
    for fill in fills:
        book.apply(fill)
    return book


def position_views(book: Book, marks: Mapping[str, Mapping[str, float]]) -> list[PositionView]:
    """The book's open positions with P&L at `marks` (market -> symbol -> last price);
    a symbol without a mark has current price, P&L and notional None."""
    views = []
    for market, symbol, qty, entry in book.open_lots():
        current = marks.get(market, {}).get(symbol)
        pnl = None if current is None else qty * (current - entry)
        basis = abs(qty) * entry
        views.append(
            PositionView(
                market=market,
                symbol=symbol,
                side="long" if qty > 0 else "short",
                qty=abs(qty),
                entry_price=entry,
                current_price=current,
                pnl=pnl,
                pnl_pct=None if pnl is None or basis == 0 else pnl / basis * 100.0,
                notional_usd=None if current is None else abs(qty) * current,
            )
        )
    return views
