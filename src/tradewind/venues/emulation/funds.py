"""The money side of the emulated market: what an order locks, and what a fill moves.

A spot account locks what an order may spend (quote plus commission for buys, base for
sells) and settles fills from the lock; a margin account (`MarketSpec.margin_leverage`)
locks nothing, checks gross exposure against leverage x equity, and may go short.
Commission is charged in the quote asset.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from tradewind.venues.emulation.book import Account, WorkingOrder
from tradewind.venues.emulation.records import (
    MarketSpec,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
)

__all__ = ["COMMISSION_STEP", "Funds"]

COMMISSION_STEP = Decimal("0.00000001")
_ZERO = Decimal(0)


class Funds:
    """Locks and settles an account's funds under the market's `MarketSpec`.

    Args:
        spec: commission and margin settings.
        mark_of: the value of one unit of an asset in quote units (the market's prices).
    """

    def __init__(self, spec: MarketSpec, mark_of: Callable[[str], Decimal]) -> None:
        self._fee_rate = spec.commission_bps / Decimal(10_000)
        self._leverage = spec.margin_leverage
        self._mark_of = mark_of

    def lock(
        self, acct: Account, new: NewOrder, spec: SymbolSpec, qty: Decimal, last: Decimal | None
    ) -> WorkingOrder:
        """Lock what `new` may spend (nothing on margin, after the margin check); the
        returned working order's `order` is set by the caller once the id is known.

        Raises:
            OrderRejectedError: insufficient balance or margin.
        """
        if self._leverage is not None:
            self._check_margin(acct, new, spec, qty, last)
            return WorkingOrder(_placeholder(), spec.quote, _ZERO)
        if new.side is Side.SELL:
            acct.lock(spec.base, qty)
            return WorkingOrder(_placeholder(), spec.base, qty)
        ref = new.price if new.order_type is not OrderType.MARKET else last
        amount = self._with_fee(qty * (ref or _ZERO))
        acct.lock(spec.quote, amount)
        return WorkingOrder(_placeholder(), spec.quote, amount)

    def settle(
        self, acct: Account, working: WorkingOrder, spec: SymbolSpec, price: Decimal, qty: Decimal
    ) -> Decimal:
        """Move the balances of a fill of `qty` at `price`; returns its commission."""
        notional = price * qty
        commission = (notional * self._fee_rate).quantize(COMMISSION_STEP, rounding=ROUND_HALF_UP)
        side = working.order.side
        if self._leverage is not None:
            sign = Decimal(1) if side is Side.BUY else Decimal(-1)
            acct.credit(spec.quote, -sign * notional - commission)
            acct.credit(spec.base, sign * qty)
        elif side is Side.BUY:
            release = working.locked_amount
            if qty < working.remaining_qty:
                share = working.locked_amount * qty / working.remaining_qty
                release = share.quantize(COMMISSION_STEP, rounding=ROUND_DOWN)
            working.locked_amount -= release
            acct.debit_locked(spec.quote, release)
            acct.credit(spec.quote, release - notional - commission)
            acct.credit(spec.base, qty)
        else:
            working.locked_amount -= qty
            acct.debit_locked(spec.base, qty)
            acct.credit(spec.quote, notional - commission)
        return commission

    def _check_margin(
        self, acct: Account, new: NewOrder, spec: SymbolSpec, qty: Decimal, last: Decimal | None
    ) -> None:
        """Refuse an order growing a position past leverage x equity (gross exposure)."""
        held = acct.free.get(spec.base, _ZERO)
        after = held + qty if new.side is Side.BUY else held - qty
        if abs(after) <= abs(held):
            return
        price = new.price if new.order_type is not OrderType.MARKET else last
        exposure, equity = _ZERO, _ZERO
        for asset, amount in acct.free.items():
            mark = self._mark_of(asset)
            equity += amount * mark
            if mark != 1:
                exposure += abs(amount) * mark
        exposure += (abs(after) - abs(held)) * (price or self._mark_of(spec.base))
        limit = (self._leverage or _ZERO) * equity
        if exposure > limit:
            raise OrderRejectedError(
                RejectReason.INSUFFICIENT_MARGIN,
                f"insufficient margin: exposure {exposure:.2f} would pass {limit:.2f} "
                f"({self._leverage}x equity {equity:.2f})",
            )

    def _with_fee(self, notional: Decimal) -> Decimal:
        fee = (notional * self._fee_rate).quantize(COMMISSION_STEP, rounding=ROUND_HALF_UP)
        return notional + fee


def _placeholder() -> Order:
    # Replaced right after the funds are locked, once the order id is known.
    return None  # type: ignore[return-value]
