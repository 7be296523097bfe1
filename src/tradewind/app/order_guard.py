"""The last check before an order leaves for its venue: operator stops, then the rails.

Every paper and live order passes the operator's stops in force (`app.control_gate`);
live orders also pass the rails (`risk.rails`: daily loss on the P&L the venues' fills
and prices give, notional per order and per minute, price collar against the last
trade, open orders). A refusal becomes the order's rejection, journaled with its reason
code, and counts toward the operator's denial-burst notice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tradewind.app.control_gate import ControlGate
from tradewind.engine.flatten import exits_at_market
from tradewind.engine.kernel import KIND_MARKET
from tradewind.risk.ladder import StateField
from tradewind.risk.rails import LiveRails, OrderIntent, RailsView

if TYPE_CHECKING:
    from tradewind.app.session_records import SessionRecords
    from tradewind.engine.inputs import KernelInputs
    from tradewind.engine.state import KernelState

__all__ = ["GuardedOrder", "OrderGuard"]

STOPPED_CODE = "operator_stop"
"""Reason code of an order refused because an operator stop is in force."""


@dataclass(frozen=True, slots=True)
class GuardedOrder:
    """What the guard needs to know about one engine order about to be sent."""

    index: int
    market: str
    quantity: float
    price: float | None
    """Its limit or trigger level; None for a market order."""
    is_stop: bool
    """A stop or stop-limit (`price` is its trigger)."""
    control: bool
    """Sent by an operator command (flattening, protection): only FREEZE/HARD-exempt."""


@dataclass(slots=True)
class OrderGuard:
    """Operator stops for every order; rails too when `rails` is set (live)."""

    gate: ControlGate
    records: SessionRecords
    inputs: KernelInputs
    risk: np.ndarray
    rails: LiveRails | None = None
    working: Callable[[], int] = lambda: 0
    on_denied: Callable[[str, str], None] = lambda market, code: None

    def refusal(self, order: GuardedOrder, state: KernelState, row: int) -> str:
        """Why `order` must not be sent ("code: detail"), or ""."""
        is_exit = self._is_exit(order.index, state)
        why = self.gate.refusal(order.market, is_exit=is_exit, control_order=order.control)
        if why:
            self.on_denied(order.market, STOPPED_CODE)
            return f"{STOPPED_CODE}: {why}"
        if self.rails is None or order.control:
            return ""
        intent = self._intent(order, state, row, is_exit)
        denial = self.rails.check(intent, self._view(order, state, row))
        if denial is None:
            self.rails.record_sent(intent)
            return ""
        self.on_denied(order.market, denial.reason.value)
        return f"{denial.reason.value}: {denial.detail}"

    def _is_exit(self, i: int, state: KernelState) -> bool:
        # stop-loss and take-profit orders only ever reduce
        return int(state.o_kind[i]) != KIND_MARKET or exits_at_market(state, i)

    def _intent(
        self, order: GuardedOrder, state: KernelState, row: int, is_exit: bool
    ) -> OrderIntent:
        n = self._symbol(order.index, state)
        reference = order.price if order.price is not None else self._last(row, n)
        scale = float(self.inputs.value_scale[row, n])
        notional = abs(order.quantity) * reference * scale
        return OrderIntent(
            market=order.market,
            symbol=str(self.records.panel.symbols[n]),
            side=int(state.o_side[order.index]),
            quantity=abs(order.quantity),
            price=order.price,
            notional_usd=notional if np.isfinite(notional) else 0.0,
            is_exit=is_exit,
            ts_ns=time.time_ns(),
            is_stop=order.is_stop,
        )

    def _view(self, order: GuardedOrder, state: KernelState, row: int) -> RailsView:
        n = self._symbol(order.index, state)
        last = self._last(row, n)
        equity = float(self.risk[StateField.LAST_EQUITY])
        day_start = float(self.risk[StateField.DAY_START_EQUITY])
        stop = self.gate.stop_for(order.market)
        return RailsView(
            last_trade=last if np.isfinite(last) and last > 0 else None,
            open_orders=self.working(),
            day_pnl_usd=equity - day_start if np.isfinite(equity - day_start) else 0.0,
            day_start_equity_usd=day_start if np.isfinite(day_start) else equity,
            stop=None if stop is None else stop.value,
        )

    def _last(self, row: int, n: int) -> float:
        """The symbol's last close delivered by its feed (its last trade at row `row`)."""
        return float(self.records.panel.mark[row, n])

    def _symbol(self, i: int, state: KernelState) -> int:
        return int(self.records.books.symbol[int(state.o_book[i])])
