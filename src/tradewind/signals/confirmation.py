"""Cross-market confirmation: an entry needs `required` correlated markets to agree.

At row t a book's non-flat target counts as *confirmed* when at least `required` other
markets each hold a symbol whose trailing correlation with the book's symbol is at least
`threshold` in absolute value and whose current view points the same way once the sign
of the correlation is applied (a long on an equity is confirmed by a short on a bond that
moves against equities). A position is entered only once its target is confirmed; it is
then held until the target changes, and a new target needs confirmation again. Going
flat is never delayed. Confirmation can only take effect on a row where the book's own
symbol has a new bar (the engine acts on a symbol only then).

Correlations are the caller's (causal, trailing) matrices; this module only counts.
Confidence of a confirmed signal is scaled by `confirmation_confidence` below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from tradewind.signals.aggregate import AggregationError

__all__ = [
    "ConfirmationResult",
    "check_confirmation",
    "confirm_row",
    "confirm_targets",
    "confirmation_confidence",
    "symbol_views",
]


@dataclass(frozen=True, slots=True)
class ConfirmationResult:
    """Confirmed targets (K x T int8), their edges, and per row the number of other
    markets that agreed with the book's target (K x T int16; 0 where flat); `proposed`
    is the target before confirmation (what the journal calls an unconfirmed signal)."""

    target: np.ndarray
    edge: np.ndarray
    agreeing: np.ndarray
    proposed_entries: int
    confirmed_entries: int
    proposed: np.ndarray


def symbol_views(target: np.ndarray, book_symbol: np.ndarray, n_symbols: int) -> np.ndarray:
    """Each symbol's net view per row (T x N int8): the sign of its books' targets."""
    total = np.zeros((target.shape[1], n_symbols), dtype=np.int64)
    np.add.at(total.T, book_symbol, target.astype(np.int64))
    return np.sign(total).astype(np.int8)


def confirm_targets(
    target: np.ndarray,
    book_symbol: np.ndarray,
    symbol_market: np.ndarray,
    fresh: np.ndarray,
    block_of_row: np.ndarray,
    matrices: np.ndarray,
    threshold: float,
    required: int,
) -> ConfirmationResult:
    """Apply cross-market confirmation to the books' targets (see module docstring).

    `fresh` (T x N bool) marks rows where a symbol has a new bar; `block_of_row[t]`
    indexes `matrices` (the correlation in force at row t; -1 = none, so nothing can be
    confirmed yet).

    Raises:
        AggregationError: on mismatched shapes or a threshold outside (0, 1].
    """
    check_confirmation(threshold, required)
    n_books, n_rows = target.shape
    if (
        len(book_symbol) != n_books
        or len(block_of_row) != n_rows
        or fresh.shape != (n_rows, len(symbol_market))
    ):
        raise AggregationError("confirmation: books, rows and correlation blocks disagree")
    views = symbol_views(target, book_symbol, len(symbol_market))
    confirmed, agreeing = _confirm(
        np.ascontiguousarray(target, dtype=np.int8),
        book_symbol.astype(np.int64),
        symbol_market.astype(np.int64),
        np.ascontiguousarray(fresh, dtype=np.bool_),
        views,
        block_of_row.astype(np.int64),
        np.ascontiguousarray(matrices, dtype=np.float64),
        float(threshold),
        int(required),
    )
    return ConfirmationResult(
        target=confirmed,
        edge=_edges(confirmed),
        agreeing=agreeing,
        proposed_entries=_entries(target),
        confirmed_entries=_entries(confirmed),
        proposed=target,
    )


def check_confirmation(threshold: float, required: int) -> None:
    """Refuse confirmation settings outside their ranges.

    Raises:
        AggregationError: a threshold outside (0, 1] or a negative `required`.
    """
    if not 0.0 < threshold <= 1.0:
        raise AggregationError(f"confirmation threshold {threshold}: expected in (0, 1]")
    if required < 0:
        raise AggregationError(f"cross_market_signals_required {required}: expected >= 0")


def confirmation_confidence(
    confidence: np.ndarray, agreeing: np.ndarray, required: int
) -> np.ndarray:
    """Confidence after confirmation: scaled by `min(1, agreeing / required)` and raised
    by 10% per agreeing market beyond `required`, capped at 1 (unchanged if required 0)."""
    if required <= 0:
        return np.asarray(confidence, dtype=np.float64)
    share = np.minimum(agreeing / required, 1.0)
    bonus = 1.0 + 0.1 * np.maximum(agreeing - required, 0)
    return np.asarray(np.minimum(confidence * share * bonus, 1.0), dtype=np.float64)


def _edges(target: np.ndarray) -> np.ndarray:
    edge = np.zeros(target.shape, dtype=np.bool_)
    edge[:, 0] = target[:, 0] != 0
    edge[:, 1:] = target[:, 1:] != target[:, :-1]
    return edge


def _entries(target: np.ndarray) -> int:
    previous = np.zeros_like(target)
    previous[:, 1:] = target[:, :-1]
    return int(((target != 0) & (target != previous)).sum())


@njit(cache=True)
def _confirm(
    target: np.ndarray,
    book_symbol: np.ndarray,
    symbol_market: np.ndarray,
    fresh: np.ndarray,
    views: np.ndarray,
    block_of_row: np.ndarray,
    matrices: np.ndarray,
    threshold: float,
    required: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n_books, n_rows = target.shape
    n_markets = 0
    for j in range(symbol_market.shape[0]):
        n_markets = max(n_markets, symbol_market[j] + 1)
    out = np.zeros((n_books, n_rows), dtype=np.int8)
    agreeing = np.zeros((n_books, n_rows), dtype=np.int16)
    agrees = np.zeros(n_markets, dtype=np.bool_)
    for k in range(n_books):
        n = book_symbol[k]
        own = symbol_market[n]
        confirmed = False
        for t in range(n_rows):
            want = target[k, t]
            if t == 0 or want != target[k, t - 1]:
                confirmed = required == 0
            if want == 0:
                continue
            b = block_of_row[t]
            count = 0
            if b >= 0:
                count = _count_agreeing(n, own, want, views[t], symbol_market, matrices[b],
                                        threshold, agrees)  # fmt: skip
            agreeing[k, t] = count
            if count >= required and fresh[t, n]:
                confirmed = True
            if confirmed:
                out[k, t] = want
    return out, agreeing


@njit(cache=True, inline="always")
def _count_agreeing(
    n: int,
    own: int,
    want: int,
    views: np.ndarray,
    symbol_market: np.ndarray,
    matrix: np.ndarray,
    threshold: float,
    agrees: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Other markets with a symbol correlated with `n` (|c| >= threshold) whose view,
    signed by the correlation, is `want` (each market counted once)."""
    agrees[:] = False
    count = 0
    for j in range(symbol_market.shape[0]):
        m = symbol_market[j]
        c = matrix[n, j]
        if m == own or agrees[m] or views[j] == 0 or not abs(c) >= threshold:
            continue
        if views[j] * (1 if c > 0 else -1) == want:
            agrees[m] = True
            count += 1
    return count


@njit(cache=True)
def confirm_row(
    proposed: np.ndarray,
    previous: np.ndarray,
    first_row: bool,
    confirmed: np.ndarray,
    book_symbol: np.ndarray,
    symbol_market: np.ndarray,
    fresh: np.ndarray,
    matrix: np.ndarray,
    has_matrix: bool,
    threshold: float,
    required: int,
    out: np.ndarray,
    agreeing: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """One row of `confirm_targets` for a live session: `proposed` (K int8) are the
    books' targets at the row and `previous` those of the row before; `confirmed` (K
    bool) carries each book's confirmation from row to row. Writes the confirmed
    targets to `out` and the agreeing markets to `agreeing` (both K, zeroed first).
    `matrix` is the correlation in force at the row (ignored unless `has_matrix`).
    Equal to `confirm_targets` row by row."""
    n_markets = 0
    for j in range(symbol_market.shape[0]):
        n_markets = max(n_markets, symbol_market[j] + 1)
    agrees = np.zeros(n_markets, dtype=np.bool_)
    views = np.zeros(symbol_market.shape[0], dtype=np.int64)
    for k in range(proposed.shape[0]):
        views[book_symbol[k]] += proposed[k]
    for j in range(views.shape[0]):
        views[j] = 1 if views[j] > 0 else (-1 if views[j] < 0 else 0)
    for k in range(proposed.shape[0]):
        out[k] = 0
        agreeing[k] = 0
        n = book_symbol[k]
        want = proposed[k]
        if first_row or want != previous[k]:
            confirmed[k] = required == 0
        if want == 0:
            continue
        count = 0
        if has_matrix:
            count = _count_agreeing(n, symbol_market[n], want, views, symbol_market, matrix,
                                    threshold, agrees)  # fmt: skip
        agreeing[k] = count
        if count >= required and fresh[n]:
            confirmed[k] = True
        if confirmed[k]:
            out[k] = want
