"""What the engine decided for each strategy signal: the `decision` the journal stores
with the signal and `tradewind signals export` shows.

A signal on row t belongs to one book (its symbol, or its symbol and strategy under
INDEPENDENT); the decision is what that book did on row t:

- an order: `entered long|short`, `exited long|short`, `reversed to long|short` or
  `resized long|short` (from the position before the order and the target after it),
  with `, reduced by risk to A of R (REASON, code N)` when risk cut it, then
  `: order <client order id>`; or `denied by risk: REASON (code N, why); order <id>
  would have <entered long...>` when risk refused it;
- no order: `held: ...` (the target already was the signal's direction, or the
  position already matched a new target),
  `unconfirmed: ...` (the aggregated target followed the signal but cross-market
  confirmation did not), `ignored: ...` (the aggregation kept another target) or
  `no order: ...` (the target changed but the bar gave no price to size an order).

The first words (`entered`, `denied by risk`, ...) are the outcome (`OUTCOMES`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.engine.books import BookSet
from tradewind.engine.kernel import KIND_MARKET
from tradewind.engine.state import KernelState
from tradewind.risk.reasons import RiskReason
from tradewind.signals.confirmation import ConfirmationResult

__all__ = [
    "ACTED_ON",
    "OUTCOMES",
    "LoopLog",
    "decision_outcome",
    "outcome_counts",
    "signal_decisions",
]

OUTCOMES = ("entered", "exited", "reversed", "resized", "denied by risk", "held",
            "unconfirmed", "ignored", "no order")  # fmt: skip
"""Every decision starts with one of these."""
ACTED_ON = frozenset(OUTCOMES[:4])
"""Outcomes where an order went out (approved by risk, in full or reduced)."""

_SIDE = {1: "long", -1: "short", 0: "flat"}


@dataclass(frozen=True, slots=True)
class LoopLog:
    """The loop's market orders and all its fills, as parallel arrays."""

    order_seq: np.ndarray
    order_row: np.ndarray
    order_book: np.ndarray
    order_requested: np.ndarray
    order_approved: np.ndarray
    order_reason: np.ndarray  # RiskReason values
    fill_book: np.ndarray
    fill_row: np.ndarray
    fill_order: np.ndarray
    fill_qty: np.ndarray  # signed

    @classmethod
    def from_frames(cls, orders: pd.DataFrame, fills: pd.DataFrame) -> LoopLog:
        """From an `EngineRun`'s `orders` and `fills` tables."""
        market = (orders["kind"] == "market").to_numpy()
        reasons = orders["reason"].to_numpy()[market]
        return cls(
            order_seq=orders["seq"].to_numpy()[market],
            order_row=orders["row"].to_numpy()[market],
            order_book=orders["book"].to_numpy()[market],
            order_requested=orders["requested_qty"].to_numpy()[market],
            order_approved=orders["approved_qty"].to_numpy()[market],
            order_reason=_reason_codes(reasons),
            fill_book=fills["book"].to_numpy(),
            fill_row=fills["row"].to_numpy(),
            fill_order=fills["order_seq"].to_numpy(),
            fill_qty=fills["qty"].to_numpy(),
        )

    @classmethod
    def of_row(
        cls, state: KernelState, row: int, since: tuple[int, int], opening: np.ndarray
    ) -> LoopLog:
        """What a session's loop did on `row`: the orders and fills from `since` (the order
        and fill counts before the row) on, after one opening fill per book that holds
        `opening` (its positions before the row). Cost: books + the row's own log, so a
        long session does not rescan everything it journaled."""
        n, f = state.n_orders, state.n_fills
        orders = np.arange(since[0], n)
        market = orders[state.o_kind[orders] == KIND_MARKET]
        fills = np.arange(since[1], f)
        held = np.flatnonzero(opening != 0.0)
        fill_order = state.f_order[fills]
        return cls(
            order_seq=market,
            order_row=state.o_row[market],
            order_book=state.o_book[market],
            order_requested=state.o_req[market],
            order_approved=state.o_ok[market],
            order_reason=state.o_reason[market],
            fill_book=np.concatenate([held, state.o_book[fill_order]]),
            fill_row=np.concatenate([np.full(len(held), row - 1), state.f_row[fills]]),
            fill_order=np.concatenate([np.full(len(held), -1), fill_order]),
            fill_qty=np.concatenate([opening[held], state.f_qty[fills]]),
        )


def _reason_codes(names: np.ndarray) -> np.ndarray:
    """`int(RiskReason[name])` of every name, looked up once per distinct name."""
    codes, distinct = pd.factorize(names)
    if (codes < 0).any():  # a missing name: fail as the lookup of each name would
        return np.array([int(RiskReason[name]) for name in names], dtype=np.int64)
    values = np.array([int(RiskReason[name]) for name in distinct], dtype=np.int64)
    return values[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def signal_decisions(
    books: BookSet,
    picked: np.ndarray,
    log: LoopLog,
    order_id: Callable[[int], str],
    confirmation: ConfirmationResult | None = None,
    required: int = 0,
) -> list[str]:
    """The decision for each signal `books.signals[picked]` (see the module doc);
    `order_id(seq)` names an order, `confirmation` (with `required` markets) explains
    unconfirmed signals."""
    s = books.signals
    rows = s.row[picked]
    book = _signal_books(books, s.symbol[picked], s.strategy[picked])
    order = _order_at(log, rows, book)
    seq = np.full(len(order), -1, dtype=np.int64)
    seq[order >= 0] = log.order_seq[order[order >= 0]]
    held = _held_before(log, book, rows, seq)
    target = books.target[book, rows]
    edge = books.edge[book, rows]
    proposed = None if confirmation is None else confirmation.proposed[book, rows]
    decisions = np.empty(len(picked), dtype=object)
    ordered = np.flatnonzero(order >= 0)
    if len(ordered):
        decisions[ordered] = _order_decisions(
            log, order[ordered], held[ordered], target[ordered], order_id
        )
    for i in np.flatnonzero(order < 0).tolist():
        decisions[i] = _quiet_decision(
            int(s.direction[picked[i]]),
            int(target[i]),
            bool(edge[i]),
            int(held[i]),
            books.decision[book[i]],
            None if proposed is None else int(proposed[i]),
            0 if confirmation is None else int(confirmation.agreeing[book[i], rows[i]]),
            required,
        )
    result: list[str] = decisions.tolist()
    return result


def decision_outcome(decision: str) -> str | None:
    """The outcome a decision starts with (one of `OUTCOMES`), or None."""
    return next((outcome for outcome in OUTCOMES if decision.startswith(outcome)), None)


def outcome_counts(decisions: Iterable[str]) -> Counter[str]:
    """How many decisions have each outcome (unknown ones under "")."""
    return Counter(decision_outcome(d) or "" for d in decisions)


def _signal_books(books: BookSet, symbol: np.ndarray, strategy: np.ndarray) -> np.ndarray:
    """The book each signal feeds: its symbol's aggregated book, or under INDEPENDENT
    its symbol-and-strategy book."""
    n_symbols = int(max(books.symbol.max(initial=-1), symbol.max(initial=-1))) + 1
    n_strategies = int(max(books.strategy.max(initial=-1), strategy.max(initial=-1))) + 1
    aggregated = np.full(n_symbols, -1, dtype=np.int64)
    independent = np.full((n_symbols, max(n_strategies, 1)), -1, dtype=np.int64)
    for k, (n, st) in enumerate(zip(books.symbol, books.strategy, strict=True)):
        if st < 0:
            aggregated[n] = k
        else:
            independent[n, st] = k
    own = independent[symbol, strategy] if len(symbol) else np.zeros(0, dtype=np.int64)
    return np.where(own >= 0, own, aggregated[symbol])


def _order_at(log: LoopLog, rows: np.ndarray, book: np.ndarray) -> np.ndarray:
    """Index into the log's market orders of the order book `book` made on `rows`, or -1
    (a book makes at most one market order per row)."""
    found = np.full(len(rows), -1, dtype=np.int64)
    if not len(log.order_row) or not len(rows):
        return found
    width = int(max(book.max(), log.order_book.max())) + 1
    keys = log.order_row.astype(np.int64) * width + log.order_book
    order = np.argsort(keys, kind="stable")
    wanted = rows.astype(np.int64) * width + book
    at = np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)
    return np.where(keys[order][at] == wanted, order[at], found)


def _held_before(log: LoopLog, book: np.ndarray, rows: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """The sign of each book's position just before its order `seq` on `rows` (with
    `seq` -1: at the end of the row): the sum of its fills up to that row, less the
    order's own fill on it (the fills of a row precede the orders made at its close,
    and the log is in time order)."""
    if not len(log.fill_qty) or not len(book):
        return np.zeros(len(book), dtype=np.int64)
    width = int(max(rows.max(), log.fill_row.max())) + 2
    by_book = np.argsort(log.fill_book, kind="stable")
    qty = log.fill_qty[by_book]
    keys = log.fill_book[by_book].astype(np.int64) * width + log.fill_row[by_book]
    total = np.concatenate(([0.0], np.cumsum(qty)))
    upto = np.searchsorted(keys, book.astype(np.int64) * width + rows, side="right")
    first = np.searchsorted(keys, book.astype(np.int64) * width, side="left")
    position = total[upto] - total[first]
    own_keys = log.fill_order.astype(np.int64) * width + log.fill_row
    own_order = np.argsort(own_keys, kind="stable")
    wanted = seq.astype(np.int64) * width + rows
    at = np.minimum(np.searchsorted(own_keys[own_order], wanted), len(own_keys) - 1)
    own = (seq >= 0) & (own_keys[own_order][at] == wanted)
    position = position - np.where(own, log.fill_qty[own_order][at], 0.0)
    # Sums of float quantities leave dust where a position was closed.
    dust = 1e-9 * float(np.abs(log.fill_qty).max())
    return np.where(np.abs(position) <= dust, 0, np.sign(position)).astype(np.int64)


def _order_decisions(
    log: LoopLog,
    orders: np.ndarray,
    held: np.ndarray,
    target: np.ndarray,
    order_id: Callable[[int], str],
) -> list[str]:
    """The decisions of signals whose book made market order `orders[i]` (an index into
    the log's market orders) from position sign `held[i]` towards `target[i]`."""
    requested = log.order_requested[orders]
    approved = log.order_approved[orders]
    held, target = held.astype(np.int64), target.astype(np.int64)
    if len(held) and max(np.abs(held).max(), np.abs(target).max()) > 1:
        moves = [_movement(h, t) for h, t in zip(held.tolist(), target.tolist(), strict=True)]
    else:
        moves = _MOVES[(held + 1) * 3 + target + 1].tolist()
    names = list(map(order_id, log.order_seq[orders].tolist()))
    decisions = [f"{move}: order {name}" for move, name in zip(moves, names, strict=True)]
    # Risk cut or refused these (the rest were approved in full): the long form.
    for i in np.flatnonzero((approved <= 0) | (approved < requested)).tolist():
        j = int(orders[i])
        decisions[i] = _order_decision(log, j, int(held[i]), int(target[i]), order_id)
    return decisions


def _order_decision(
    log: LoopLog, j: int, held: int, target: int, order_id: Callable[[int], str]
) -> str:
    move = _movement(held, target)
    name = order_id(int(log.order_seq[j]))
    requested, approved = float(log.order_requested[j]), float(log.order_approved[j])
    reason = RiskReason(int(log.order_reason[j]))
    if approved <= 0:
        why = f", {reason.text}" if reason is not RiskReason.APPROVED else ""
        return (
            f"denied by risk: {reason.name} (code {int(reason)}{why}); "
            f"order {name} would have {move}"
        )
    if approved < requested:
        return (
            f"{move}, reduced by risk to {approved:g} of {requested:g} "
            f"({reason.name}, code {int(reason)}): order {name}"
        )
    return f"{move}: order {name}"


def _movement(held: int, target: int) -> str:
    if target == 0:
        return f"exited {_SIDE[held]}" if held else "exited"
    if held == 0:
        return f"entered {_SIDE[target]}"
    if held != target:
        return f"reversed to {_SIDE[target]}"
    return f"resized {_SIDE[target]}"


# `_movement(held, target)` at index (held + 1) * 3 + target + 1.
_MOVES = np.array([_movement(h, t) for h in (-1, 0, 1) for t in (-1, 0, 1)], dtype=object)


def _quiet_decision(
    direction: int,
    target: int,
    edge: bool,
    held: int,
    rule: str,
    proposed: int | None,
    agreeing: int,
    required: int,
) -> str:
    """The decision for a signal whose book made no order on its row."""
    if edge:
        if held == target:
            return f"held: the target became {_SIDE[target]}, as the position already was"
        return f"no order: the target became {_SIDE[target]} but the bar gave no price"
    if direction == target and held == target:
        return f"held: the target already was {_SIDE[target]}"
    if direction == target:
        return (
            f"held: the target already was {_SIDE[target]}; the position is {_SIDE[held]} "
            "(risk denied its order, or a stop-loss or take-profit closed it)"
        )
    if proposed is not None and proposed == direction != 0:
        return (
            f"unconfirmed: {agreeing} of the {required} required other markets agree; "
            f"the target stays {_SIDE[target]}"
        )
    return f"ignored: {rule} keeps the target {_SIDE[target]}"
