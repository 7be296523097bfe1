"""Fill prices of orders against one OHLC bar (numba, scalars only).

Conventions shared by every function: `side` is +1 buy / -1 sell; a bar is
`o, h, l` (and `c`); a price that is touched fills (`l <= limit` fills a buy limit);
NaN prices never fill. Gaps: when the open is already through the order's price,
the order fills at the open (better for limits, worse for stops).
"""

from __future__ import annotations

from numba import njit

from tradewind.execution.models import FillModel

__all__ = [
    "EXIT_NONE",
    "EXIT_STOP_LOSS",
    "EXIT_TAKE_PROFIT",
    "exit_on_bar",
    "limit_fill",
    "market_fill_price",
    "protective_stop_fill",
    "stop_fill",
    "take_profit_fill",
]

_THIS_CLOSE = int(FillModel.THIS_CLOSE)

EXIT_NONE = 0
"""`exit_on_bar` code: no exit on this bar."""
EXIT_STOP_LOSS = 1
"""`exit_on_bar` code: the stop-loss filled."""
EXIT_TAKE_PROFIT = 2
"""`exit_on_bar` code: the take-profit filled."""


@njit(cache=True)
def market_fill_price(fill_model: int, open_next: float, close_this: float) -> float:
    """Fill price of a market order decided at a bar's close: `close_this` under
    THIS_CLOSE, else the next bar's open (`open_next`, NaN when there is none)."""
    return close_this if fill_model == _THIS_CLOSE else open_next


@njit(cache=True)
def limit_fill(side: int, limit: float, o: float, h: float, l: float) -> tuple[bool, float]:  # noqa: E741
    """`(filled, price)` of a resting limit order over a bar.

    Buy: at the open when it opens at or below the limit (the better price), else at
    the limit when the low touches it. Sell: mirror image with the high.
    """
    if side > 0:
        if o <= limit:
            return True, o
        if l <= limit:
            return True, limit
    else:
        if o >= limit:
            return True, o
        if h >= limit:
            return True, limit
    return False, 0.0


@njit(cache=True)
def stop_fill(side: int, trigger: float, o: float, h: float, l: float) -> tuple[bool, float]:  # noqa: E741
    """`(filled, price)` of a resting stop (stop-market) order over a bar.

    Buy stop: at the open when it opens at or above the trigger (gap through), else
    at the trigger when the high touches it. Sell stop: mirror image with the low.
    Slippage is applied by the caller (`apply_slippage`).
    """
    if side > 0:
        if o >= trigger:
            return True, o
        if h >= trigger:
            return True, trigger
    else:
        if o <= trigger:
            return True, o
        if l <= trigger:
            return True, trigger
    return False, 0.0


@njit(cache=True)
def protective_stop_fill(
    position_sign: int,
    stop: float,
    o: float,
    h: float,
    l: float,  # noqa: E741
    is_entry_bar: bool,
) -> tuple[bool, float]:
    """`(hit, price)` of the stop-loss of a position over a bar.

    Long (`position_sign` > 0): hit when the low reaches the stop; filled at the stop,
    or at the open when the bar opens below it. Short: mirror image with the high.
    On the entry bar (the position was opened at this bar's open, so only the part
    of the bar after the open counts) the stop fills at the stop price even if the
    open is beyond it. This is the rule of the peer-parity reference: "stop active
    from the fill bar onwards, filled at the stop price (or the open if it gaps
    through)". Under THIS_CLOSE entries the caller starts checking at the next bar.
    """
    if position_sign > 0:
        if l <= stop:
            return True, stop if is_entry_bar else min(stop, o)
    elif position_sign < 0 and h >= stop:
        return True, stop if is_entry_bar else max(stop, o)
    return False, 0.0


@njit(cache=True)
def take_profit_fill(
    position_sign: int,
    target: float,
    o: float,
    h: float,
    l: float,  # noqa: E741
    is_entry_bar: bool,
) -> tuple[bool, float]:
    """`(hit, price)` of the take-profit of a position over a bar.

    Long: hit when the high reaches the target; filled at the target, or at the open
    when the bar opens above it (a gap in the position's favour). Short: mirror image
    with the low. On the entry bar the fill is at the target.
    """
    if position_sign > 0:
        if h >= target:
            return True, target if is_entry_bar else max(target, o)
    elif position_sign < 0 and l <= target:
        return True, target if is_entry_bar else min(target, o)
    return False, 0.0


@njit(cache=True)
def exit_on_bar(
    position_sign: int,
    stop: float,
    target: float,
    o: float,
    h: float,
    l: float,  # noqa: E741
    is_entry_bar: bool,
) -> tuple[int, float]:
    """`(EXIT_* code, price)`: which protective exit of a position fills on this bar.

    NaN `stop` / `target` = none. The open comes first: a gap through either level
    fills that one at the open. When both levels lie inside the bar's range the
    order of touches is unknown and the stop is assumed first (conservative).
    """
    if position_sign == 0:
        return EXIT_NONE, 0.0
    if not is_entry_bar:
        gapped_stop = o <= stop if position_sign > 0 else o >= stop
        if gapped_stop:
            return EXIT_STOP_LOSS, o
        gapped_target = o >= target if position_sign > 0 else o <= target
        if gapped_target:
            return EXIT_TAKE_PROFIT, o
    hit, price = protective_stop_fill(position_sign, stop, o, h, l, is_entry_bar)
    if hit:
        return EXIT_STOP_LOSS, price
    hit, price = take_profit_fill(position_sign, target, o, h, l, is_entry_bar)
    if hit:
        return EXIT_TAKE_PROFIT, price
    return EXIT_NONE, 0.0
