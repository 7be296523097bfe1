"""Pure matching rules of the emulated market: filters, marketability, fill prices, triggers."""

from __future__ import annotations

from decimal import Decimal

from tradewind.venues.emulation.records import (
    Bar,
    NewOrder,
    OrderRejectedError,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
)

__all__ = [
    "check_against_last",
    "check_bar",
    "check_filters",
    "immediate_price",
    "resting_fill_price",
    "stop_triggered",
]


def check_filters(new: NewOrder, spec: SymbolSpec, qty: Decimal, last: Decimal | None) -> None:
    """Refuse an order breaking the symbol's price, lot or notional filters."""
    market = new.order_type is OrderType.MARKET
    if new.order_type not in (OrderType.MARKET, OrderType.STOP):
        _check_price("price", new.price, spec)
    if new.order_type in (OrderType.STOP, OrderType.STOP_LIMIT):
        _check_price("stopPrice", new.stop_price, spec)
    lot_reason = RejectReason.MARKET_LOT_SIZE if market else RejectReason.LOT_SIZE
    if qty % spec.lot != 0 or not spec.min_qty <= qty <= spec.max_qty:
        raise OrderRejectedError(
            lot_reason,
            f"quantity {qty} for {new.symbol}: expected a multiple of {spec.lot} "
            f"between {spec.min_qty} and {spec.max_qty}",
        )
    ref = {OrderType.MARKET: last, OrderType.STOP: new.stop_price}.get(new.order_type, new.price)
    if ref is not None and qty * ref < spec.min_notional:
        raise OrderRejectedError(
            RejectReason.MIN_NOTIONAL,
            f"notional {qty * ref} for {new.symbol}: expected at least {spec.min_notional}",
        )


def _check_price(name: str, price: Decimal | None, spec: SymbolSpec) -> None:
    if price is None:
        raise OrderRejectedError(RejectReason.BAD_PARAMETER, f"{name}: expected a price")
    if price <= 0 or price > spec.max_price or price % spec.price_tick != 0:
        raise OrderRejectedError(
            RejectReason.PRICE_FILTER,
            f"{name} {price}: expected a multiple of {spec.price_tick} in (0, {spec.max_price}]",
        )


def immediate_price(side: Side, limit: Decimal | None, last: Decimal) -> Decimal | None:
    """The price a limit order takes at now (the last price), or None if not marketable."""
    if limit is None:
        return None
    if side is Side.BUY:
        return last if limit >= last else None
    return last if limit <= last else None


def resting_fill_price(
    side: Side, limit: Decimal | None, activation: Decimal, bar: Bar
) -> Decimal | None:
    """The fill price of a working limit in a bar, from the price it started working at."""
    if limit is None:
        return None
    if side is Side.BUY:
        return min(limit, activation) if bar.low <= limit else None
    return max(limit, activation) if bar.high >= limit else None


def stop_triggered(
    side: Side, take_profit: bool, stop: Decimal, high: Decimal, low: Decimal
) -> bool:
    """Whether prices between low and high trigger a stop (take-profit triggers the other way)."""
    rising = (side is Side.BUY) != take_profit
    return high >= stop if rising else low <= stop


def check_against_last(new: NewOrder, last: Decimal) -> None:
    """Refuse a stop that the last price already triggers and a maker-only limit that
    would take."""
    if (
        new.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
        and new.stop_price is not None
        and stop_triggered(new.side, new.take_profit, new.stop_price, last, last)
    ):
        raise OrderRejectedError(
            RejectReason.WOULD_TRIGGER_IMMEDIATELY, "Stop price would trigger immediately."
        )
    if new.limit_maker and immediate_price(new.side, new.price, last) is not None:
        raise OrderRejectedError(
            RejectReason.WOULD_MATCH, "Order would immediately match and take."
        )


def check_bar(symbol: str, bar: Bar) -> None:
    """Refuse a bar whose prices, volume or times are inconsistent."""
    if not bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high:
        raise ValueError(
            f"bar for {symbol} at {bar.open_time_ms}: expected low <= open, close <= high, "
            f"got o={bar.open} h={bar.high} l={bar.low} c={bar.close}"
        )
    if bar.volume < 0 or bar.close_time_ms <= bar.open_time_ms:
        raise ValueError(
            f"bar for {symbol} at {bar.open_time_ms}: expected volume >= 0 and close after open"
        )
