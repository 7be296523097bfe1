"""Orders an operator's stop adds to the engine outside its decide step.

A HARD stop closes positions at market; a FREEZE or HARD stop cancels working orders;
a resume after a FREEZE protects the positions left without their stop-loss and
take-profit. These run once per operator command (rare), so they are plain Python over
the state arrays; the caller journals the new orders, then sends them and the cancels
(`app.venue_bridge` sends a cancel for each working order marked canceled here).
"""

from __future__ import annotations

import numpy as np

from tradewind.engine.books import BookSet
from tradewind.engine.kernel_fill import after_fill
from tradewind.engine.kernel_records import KIND_MARKET, STATUS_CANCELED, STATUS_OPEN
from tradewind.engine.state import KernelState
from tradewind.risk.reasons import RiskReason

__all__ = ["cancel_working", "exits_at_market", "flatten_books", "market_books", "protect_books"]


def exits_at_market(state: KernelState, order: int) -> bool:
    """Engine order `order` is a market order that reduces its book's position (a
    signal's exit, a flattening), not an entry."""
    held = float(state.pos[int(state.o_book[order])])
    return int(state.o_kind[order]) == KIND_MARKET and held * float(state.o_side[order]) < 0


def market_books(books: BookSet, market: int | None) -> np.ndarray:
    """Mask of the books of market index `market` (every book when None)."""
    if market is None:
        return np.ones(len(books.symbol), dtype=bool)
    mask: np.ndarray = np.asarray(books.market) == market
    return mask


def cancel_working(state: KernelState, book_mask: np.ndarray, *, entries_only: bool) -> list[int]:
    """Mark the working orders of the books in `book_mask` canceled (entries only, or
    protective orders too); returns their indices."""
    n = state.n_orders
    working = (state.o_status[:n] == STATUS_OPEN) & book_mask[state.o_book[:n]]
    if entries_only:
        working &= state.o_kind[:n] == KIND_MARKET
    indices = [int(i) for i in np.flatnonzero(working)]
    for i in indices:
        state.o_status[i] = STATUS_CANCELED
        k = int(state.o_book[i])
        for slot in (state.pending, state.stop_order, state.take_order):
            if slot[k] == i:
                slot[k] = -1
    return indices


def flatten_books(state: KernelState, books: BookSet, book_mask: np.ndarray, row: int) -> list[int]:
    """A market order closing each open position of the books in `book_mask`, decided
    at row `row`, as the next entries of the order log; returns their indices. Grow the
    log first (`ensure_free`)."""
    added = []
    for k in np.flatnonzero(book_mask & (state.pos != 0.0)):
        i, position = state.n_orders, float(state.pos[k])
        n = int(books.symbol[k])
        state.o_row[i], state.o_book[i], state.o_kind[i] = row, k, KIND_MARKET
        state.o_side[i] = -1 if position > 0 else 1
        state.o_req[i] = state.o_ok[i] = abs(position)
        state.o_reason[i] = int(RiskReason.SHUTDOWN_HARD)
        state.o_status[i] = STATUS_OPEN
        state.o_price[i] = state.last_mark[n]
        state.o_contrib[i] = (1 << len(books.strategies[k])) - 1
        state.pending[k] = i
        state.counters[0] = i + 1
        added.append(int(i))
    return added


def protect_books(state: KernelState, books: BookSet, book_mask: np.ndarray, row: int) -> list[int]:
    """Stop-loss and take-profit orders for the open positions of the books in
    `book_mask` that have none (after a FREEZE canceled them), at the levels their
    entry would get, from the average entry price; returns the new orders' indices."""
    start = state.n_orders
    unprotected = book_mask & (state.pos != 0.0) & (state.stop_order < 0) & (state.take_order < 0)
    for k in np.flatnonzero(unprotected):
        parent = int(state.pending[k]) if state.pending[k] >= 0 else _any_order_of(state, int(k))
        if parent < 0:
            continue  # no order of this book to inherit the row and strategies from
        state.counters[0] = after_fill(
            int(k), float(state.avg_px[k]), True, -1, parent, state.n_orders,
            books.stop_pct, books.take_pct, state.orders(), state.positions(),
        )  # fmt: skip
        for i in range(start, state.n_orders):
            state.o_row[i] = row
    return list(range(start, state.n_orders))


def _any_order_of(state: KernelState, book: int) -> int:
    found = np.flatnonzero(state.o_book[: state.n_orders] == book)
    return int(found[-1]) if found.size else -1
