"""Net positions of an emulated account, rebuilt from its trades (margin venues report them).

Average-cost accounting in the quote asset: adding to a position moves the average
price; reducing it realizes (price - average) x quantity; crossing zero opens the rest at
the trade's price. Commissions are not part of the average (venues report them apart).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation.records import Side, Trade

__all__ = ["PositionState", "positions_of"]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionState:
    """One symbol's net position: signed quantity, average entry price, realized P&L."""

    qty: Decimal = _ZERO
    avg_price: Decimal = _ZERO
    realized_pnl: Decimal = _ZERO

    def unrealized_pnl(self, price: Decimal) -> Decimal:
        """P&L of the open quantity marked at `price` (quote units)."""
        return (price - self.avg_price) * self.qty

    def after(self, trade: Trade) -> PositionState:
        """The position once `trade` is booked."""
        signed = trade.qty if trade.side is Side.BUY else -trade.qty
        qty, avg, realized = self.qty, self.avg_price, self.realized_pnl
        if qty == 0 or (qty > 0) == (signed > 0):
            total = qty + signed
            avg = (avg * abs(qty) + trade.price * abs(signed)) / abs(total)
            return PositionState(total, avg, realized)
        closing = min(abs(signed), abs(qty))
        direction = Decimal(1) if qty > 0 else Decimal(-1)
        realized += (trade.price - avg) * closing * direction
        total = qty + signed
        if total == 0:
            return PositionState(_ZERO, _ZERO, realized)
        if (total > 0) == (qty > 0):
            return PositionState(total, avg, realized)
        return PositionState(total, trade.price, realized)


def positions_of(trades: Iterable[Trade]) -> dict[str, PositionState]:
    """Each traded symbol's position after `trades` (oldest first); flat ones included."""
    book: dict[str, PositionState] = {}
    for trade in trades:
        book[trade.symbol] = book.get(trade.symbol, PositionState()).after(trade)
    return book
