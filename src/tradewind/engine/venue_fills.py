"""Apply what a venue reports (fills, cancels, rejects) to the engine loop's state.

When a venue fills (`engine.kernel.FILLS_AT_VENUE`), the compiled loop only decides;
paper, advisory and live runs send its orders through `ExecutionVenue` and hand each
venue event back here. A fill moves the book, the symbol's net position, cash and the
fill log exactly as an in-loop fill would (the same `apply_to_book`), and an entry's
fill places the protective stop-loss / take-profit orders the same way
(`after_fill`); the caller sends those to the venue in turn.

Called once per venue event (rare next to bars), so this stays plain Python over the
state arrays and calls the compiled helpers for the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from tradewind.engine.books import BookSet
from tradewind.engine.kernel_fill import after_fill, apply_to_book
from tradewind.engine.kernel_records import (
    KIND_MARKET,
    KIND_STOP_LOSS,
    STATUS_CANCELED,
    STATUS_DENIED,
    STATUS_FILLED,
)
from tradewind.engine.state import KernelState

__all__ = ["VenueFill", "apply_venue_cancel", "apply_venue_fill"]


@dataclass(frozen=True, slots=True)
class VenueFill:
    """One execution a venue reported for engine order `order`, in engine units.

    Attributes:
        order: index of the order in the engine's order log.
        row: the row the fill belongs to.
        qty: signed quantity (+ bought, - sold).
        price: fill price (quote currency).
        fee: commission in the account currency.
        scale: price x quantity -> account currency (multiplier x FX rate) at `row`.
        complete: the order has nothing left to fill.
        at_open: filled at the bar's open (protective orders then also work the rest
            of that bar), rather than at a close.
    """

    order: int
    row: int
    qty: float
    price: float
    fee: float
    scale: float
    complete: bool
    at_open: bool


def apply_venue_fill(state: KernelState, books: BookSet, fill: VenueFill) -> None:
    """Apply one venue fill to `state` (grow its logs first with `ensure_free`)."""
    s, i = state, fill.order
    k = int(s.o_book[i])
    n = int(books.symbol[k])
    realized, opened = apply_to_book(k, fill.qty, fill.price, fill.scale, s.pos, s.avg_px)
    net = s.sym_pos[n] + fill.qty
    s.sym_pos[n] = 0.0 if abs(net) < 1e-10 else net  # the loop's float-residue rule
    j = s.n_fills
    s.f_order[j], s.f_row[j], s.f_qty[j] = i, fill.row, fill.qty
    s.f_price[j], s.f_fee[j] = fill.price, fill.fee
    s.f_realized[j], s.f_entry[j] = realized, opened
    s.counters[1] = j + 1
    s.money[0] -= fill.qty * fill.price * fill.scale + fill.fee
    if fill.complete:
        s.o_status[i] = STATUS_FILLED
    if int(s.o_kind[i]) == KIND_MARKET:
        _after_entry_fill(s, books, fill, k, opened)
    else:
        _after_exit_fill(s, fill, k)
    if not fill.at_open:  # at a close: equity is that close's, less the costs
        s.money[1] -= fill.fee
        s.equity_out[fill.row] = s.money[1]
        s.cash_out[fill.row] = s.money[0]


def _after_entry_fill(
    s: KernelState, books: BookSet, fill: VenueFill, k: int, opened: bool
) -> None:
    if fill.complete and s.pending[k] == fill.order:
        s.pending[k] = -1
    s.counters[0] = after_fill(
        k, fill.price, opened, fill.row if fill.at_open else -1, fill.order, s.n_orders,
        books.stop_pct, books.take_pct, s.orders(), s.positions(),
    )  # fmt: skip


def _after_exit_fill(s: KernelState, fill: VenueFill, k: int) -> None:
    """A protective exit filled: the loop's step 2 bookkeeping (its sibling is canceled)."""
    i = fill.order
    s.o_ok[i] = s.o_req[i] = abs(fill.qty)
    stop_side = int(s.o_kind[i]) == KIND_STOP_LOSS
    other = s.take_order[k] if stop_side else s.stop_order[k]
    if other >= 0:
        s.o_status[other] = STATUS_CANCELED
    s.stop_order[k] = -1
    s.take_order[k] = -1


def apply_venue_cancel(state: KernelState, order: int, *, rejected: bool) -> None:
    """The venue canceled (or rejected) engine order `order`: it no longer works."""
    s = state
    k = int(s.o_book[order])
    if s.o_status[order] != STATUS_FILLED:
        s.o_status[order] = STATUS_DENIED if rejected else STATUS_CANCELED
    if s.pending[k] == order:
        s.pending[k] = -1
    if s.stop_order[k] == order:
        s.stop_order[k] = -1
    if s.take_order[k] == order:
        s.take_order[k] = -1
