"""Round trips (trades) from the fill log: open -> back to flat, per book; and the
positions still open at the end of a run, marked at the last close."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from tradewind.engine.books import BookSet
from tradewind.engine.panel import MarketPanel
from tradewind.engine.state import KernelState

__all__ = ["OPEN_TRADE_COLUMNS", "trades_of_run"]

_CLOSED_COLUMNS = ("book", "symbol", "entry_fill", "exit_fill", "entry_ts", "exit_ts", "size",
                   "entry_price", "exit_price", "pnl")  # fmt: skip
OPEN_TRADE_COLUMNS = ("book", "symbol", "entry_fill", "entry_ts", "qty", "entry_price",
                      "mark_price", "unrealized_pnl", "realized_pnl", "pnl")  # fmt: skip


@njit(cache=True)
def _pair(
    book: np.ndarray,
    qty: np.ndarray,
    price: np.ndarray,
    fee: np.ndarray,
    realized: np.ndarray,
    n_books: int,
) -> tuple[Any, ...]:
    n = book.shape[0]
    start = np.empty(n, dtype=np.int64)
    end = np.empty(n, dtype=np.int64)
    pnl = np.empty(n)
    size = np.empty(n)
    entry_px = np.empty(n)
    exit_px = np.empty(n)
    trade_book = np.empty(n, dtype=np.int64)
    pos = np.zeros(n_books)
    open_at = np.full(n_books, -1, dtype=np.int64)
    acc = np.zeros(n_books)
    first_px = np.zeros(n_books)
    peak = np.zeros(n_books)
    count = 0
    for i in range(n):
        k = book[i]
        before = pos[k]
        pos[k] += qty[i]
        if before == 0.0:
            open_at[k] = i
            acc[k] = 0.0
            first_px[k] = price[i]
            peak[k] = 0.0
        acc[k] += realized[i] - fee[i]
        peak[k] = max(peak[k], abs(pos[k]))
        flat = pos[k] == 0.0
        flipped = before * pos[k] < 0.0
        if flat or flipped:
            start[count], end[count], trade_book[count] = open_at[k], i, k
            pnl[count], size[count] = acc[k], max(peak[k], abs(before))
            entry_px[count], exit_px[count] = first_px[k], price[i]
            count += 1
            if flipped:
                open_at[k], acc[k], first_px[k], peak[k] = i, 0.0, price[i], abs(pos[k])
    return count, start, end, trade_book, pnl, size, entry_px, exit_px, open_at, acc


def trades_of_run(
    fills: pd.DataFrame,
    state: KernelState,
    books: BookSet,
    panel: MarketPanel,
    value_scale: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run's closed round trips and its positions still open after the last row,
    from one pass over the fill log: (`round_trips` table, `OPEN_TRADE_COLUMNS` table).

    `value_scale` is the contract multiplier x FX rate per symbol at the last row.
    """
    if len(fills) == 0:
        empty_closed = pd.DataFrame(columns=list(_CLOSED_COLUMNS))
        return empty_closed, pd.DataFrame({name: [] for name in OPEN_TRADE_COLUMNS})
    book = fills["book"].to_numpy(np.int64)
    paired = _pair(
        book,
        fills["qty"].to_numpy(np.float64),
        fills["price"].to_numpy(np.float64),
        fills["commission"].to_numpy(np.float64),
        fills["realized_pnl"].to_numpy(np.float64),
        int(book.max()) + 1,
    )
    return _closed(fills, panel.timestamps, paired), _open(fills, paired, state, books, panel,
                                                           value_scale)  # fmt: skip


def _closed(fills: pd.DataFrame, timestamps: np.ndarray, paired: tuple[Any, ...]) -> pd.DataFrame:
    """One row per closed trade: book, entry/exit fill index and time, size, prices and
    net P&L (realized minus both sides' commissions). Open positions are not trades."""
    count, start, end, trade_book, pnl, size, entry_px, exit_px = paired[:8]
    rows = fills["row"].to_numpy(np.int64)
    return pd.DataFrame(
        {
            "book": trade_book[:count],
            "symbol": fills["symbol"].to_numpy()[start[:count]],
            "entry_fill": start[:count],
            "exit_fill": end[:count],
            "entry_ts": pd.to_datetime(timestamps[rows[start[:count]]], utc=True),
            "exit_ts": pd.to_datetime(timestamps[rows[end[:count]]], utc=True),
            "size": size[:count],
            "entry_price": entry_px[:count],
            "exit_price": exit_px[:count],
            "pnl": pnl[:count],
        }
    )


def _open(
    fills: pd.DataFrame,
    paired: tuple[Any, ...],
    state: KernelState,
    books: BookSet,
    panel: MarketPanel,
    value_scale: np.ndarray,
) -> pd.DataFrame:
    """One row per book still holding a position, marked at each symbol's last close.

    P&L is in account currency: `unrealized_pnl` = qty x (mark - average entry) x scale,
    `realized_pnl` = what partial exits realized since the position opened, net of every
    commission paid on it, and `pnl` their sum, so closed and open trades add up to the
    run's P&L.
    """
    held = np.flatnonzero(state.pos != 0.0)
    open_at, acc = paired[8:10]
    column = books.symbol[held]
    qty = state.pos[held]
    mark = state.last_mark[column]
    unrealized = qty * (mark - state.avg_px[held]) * value_scale[column]
    rows = fills["row"].to_numpy(np.int64)
    return pd.DataFrame(
        {
            "book": held,
            "symbol": np.array(panel.symbols, dtype=object)[column],
            "entry_fill": open_at[held],
            "entry_ts": pd.to_datetime(panel.timestamps[rows[open_at[held]]], utc=True),
            "qty": qty,
            "entry_price": state.avg_px[held],
            "mark_price": mark,
            "unrealized_pnl": unrealized,
            "realized_pnl": acc[held],
            "pnl": unrealized + acc[held],
        }
    )
