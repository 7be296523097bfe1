"""The engine loop's state between calls: book positions, resting orders, logs, money.

Backtests allocate it once and run every row; paper and advisory runs keep it and step
one row at a time, growing the logs when they fill up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.engine.kernel_records import FillLog, Ledger, OrderLog, Positions

__all__ = ["KernelState"]

_ORDER_LOGS = ("o_row", "o_book", "o_side", "o_kind", "o_req", "o_ok", "o_reason",
               "o_status", "o_price", "o_contrib")  # fmt: skip
_FILL_LOGS = ("f_order", "f_row", "f_qty", "f_price", "f_fee", "f_realized", "f_entry")


@dataclass(slots=True)
class KernelState:
    """Arrays `engine.kernel.step_rows` reads and updates (as the records `orders()`,
    `fills()`, `positions()` and `ledger()`)."""

    o_row: np.ndarray
    o_book: np.ndarray
    o_side: np.ndarray
    o_kind: np.ndarray
    o_req: np.ndarray
    o_ok: np.ndarray
    o_reason: np.ndarray
    o_status: np.ndarray
    o_price: np.ndarray
    o_contrib: np.ndarray
    f_order: np.ndarray
    f_row: np.ndarray
    f_qty: np.ndarray
    f_price: np.ndarray
    f_fee: np.ndarray
    f_realized: np.ndarray
    f_entry: np.ndarray
    equity_out: np.ndarray
    gross_out: np.ndarray
    cash_out: np.ndarray
    event_row: np.ndarray
    event_bits: np.ndarray
    pos: np.ndarray
    avg_px: np.ndarray
    pending: np.ndarray
    stop_order: np.ndarray
    take_order: np.ndarray
    entry_row: np.ndarray
    entry_stop: np.ndarray
    entry_take: np.ndarray
    sym_pos: np.ndarray
    last_mark: np.ndarray
    counters: np.ndarray
    money: np.ndarray

    @classmethod
    def allocate(
        cls, *, n_rows: int, n_symbols: int, n_books: int, capacity: int, initial_cash: float
    ) -> KernelState:
        """A fresh state: flat books, no orders, `initial_cash` in cash and equity."""
        i64, f64 = np.int64, np.float64
        logs = {
            name: np.zeros(capacity, dtype=f64 if name in ("o_req", "o_ok", "o_price") else i64)
            for name in _ORDER_LOGS
        }
        logs.update(
            {
                "f_order": np.zeros(capacity, dtype=i64),
                "f_row": np.zeros(capacity, dtype=i64),
                "f_qty": np.zeros(capacity),
                "f_price": np.zeros(capacity),
                "f_fee": np.zeros(capacity),
                "f_realized": np.zeros(capacity),
                "f_entry": np.zeros(capacity, dtype=np.bool_),
            }
        )
        return cls(
            **logs,
            equity_out=np.full(n_rows, np.nan),
            gross_out=np.full(n_rows, np.nan),
            cash_out=np.full(n_rows, np.nan),
            event_row=np.zeros(n_rows, dtype=i64),
            event_bits=np.zeros(n_rows, dtype=i64),
            pos=np.zeros(n_books),
            avg_px=np.zeros(n_books),
            pending=np.full(n_books, -1, dtype=i64),
            stop_order=np.full(n_books, -1, dtype=i64),
            take_order=np.full(n_books, -1, dtype=i64),
            entry_row=np.full(n_books, -1, dtype=i64),
            entry_stop=np.full(n_books, np.nan),
            entry_take=np.full(n_books, np.nan),
            sym_pos=np.zeros(n_symbols),
            last_mark=np.full(n_symbols, np.nan),
            counters=np.zeros(4, dtype=i64),
            money=np.array([initial_cash, initial_cash], dtype=f64),
        )

    @property
    def capacity(self) -> int:
        return int(self.o_row.shape[0])

    @property
    def n_orders(self) -> int:
        return int(self.counters[0])

    @property
    def n_fills(self) -> int:
        return int(self.counters[1])

    @property
    def n_events(self) -> int:
        return int(self.counters[2])

    @property
    def overflowed(self) -> bool:
        return bool(self.counters[3])

    def ensure_free(self, slots: int) -> None:
        """Grow the order and fill logs so that at least `slots` more entries fit."""
        used = max(self.n_orders, self.n_fills)
        if self.capacity - used >= slots:
            return
        new_capacity = max(2 * self.capacity, used + slots)
        for name in (*_ORDER_LOGS, *_FILL_LOGS):
            old = getattr(self, name)
            grown = np.zeros(new_capacity, dtype=old.dtype)
            grown[: old.shape[0]] = old
            setattr(self, name, grown)

    def orders(self) -> OrderLog:
        """The order log as the loop's record (views of these arrays)."""
        return OrderLog(self.o_row, self.o_book, self.o_side, self.o_kind, self.o_req,
                        self.o_ok, self.o_reason, self.o_status, self.o_price,
                        self.o_contrib)  # fmt: skip

    def fills(self) -> FillLog:
        """The fill log as the loop's record (views of these arrays)."""
        return FillLog(self.f_order, self.f_row, self.f_qty, self.f_price, self.f_fee,
                       self.f_realized, self.f_entry)  # fmt: skip

    def positions(self) -> Positions:
        """Books, working orders and marks as the loop's record (views of these arrays)."""
        return Positions(self.pos, self.avg_px, self.pending, self.stop_order,
                         self.take_order, self.entry_row, self.entry_stop, self.entry_take,
                         self.sym_pos, self.last_mark)  # fmt: skip

    def ledger(self) -> Ledger:
        """Per-row outputs, events, counters and money as the loop's record."""
        return Ledger(self.equity_out, self.gross_out, self.cash_out, self.event_row,
                      self.event_bits, self.counters, self.money)  # fmt: skip
