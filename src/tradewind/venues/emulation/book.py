"""Mutable per-account state of the emulated market: working orders and balances.

Private to the emulation package; `market.EmulatedMarket` owns the lock around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from tradewind.venues.emulation.records import (
    Balance,
    Order,
    OrderRejectedError,
    OrderStatus,
    RejectReason,
)

__all__ = ["Account", "WorkingOrder"]

_ZERO = Decimal(0)


@dataclass(slots=True)
class WorkingOrder:
    """An order and the funds it holds locked (quote for buys, base for sells)."""

    order: Order
    locked_asset: str
    locked_amount: Decimal
    triggered: bool = False

    @property
    def remaining_qty(self) -> Decimal:
        return self.order.qty - self.order.executed_qty

    def update(self, **changes: object) -> None:
        self.order = replace(self.order, **changes)  # type: ignore[arg-type]


@dataclass(slots=True)
class Account:
    """Balances and orders of one api key."""

    name: str
    free: dict[str, Decimal] = field(default_factory=dict)
    locked: dict[str, Decimal] = field(default_factory=dict)
    orders: dict[int, WorkingOrder] = field(default_factory=dict)

    def balances(self) -> list[Balance]:
        assets = sorted(set(self.free) | set(self.locked))
        return [
            Balance(asset, self.free.get(asset, _ZERO), self.locked.get(asset, _ZERO))
            for asset in assets
        ]

    def lock(self, asset: str, amount: Decimal) -> None:
        if self.free.get(asset, _ZERO) < amount:
            raise OrderRejectedError(
                RejectReason.INSUFFICIENT_BALANCE,
                f"insufficient {asset}: needs {amount}, free {self.free.get(asset, _ZERO)}",
            )
        self.free[asset] = self.free.get(asset, _ZERO) - amount
        self.locked[asset] = self.locked.get(asset, _ZERO) + amount

    def unlock(self, asset: str, amount: Decimal) -> None:
        self.locked[asset] = self.locked.get(asset, _ZERO) - amount
        self.free[asset] = self.free.get(asset, _ZERO) + amount

    def credit(self, asset: str, amount: Decimal) -> None:
        self.free[asset] = self.free.get(asset, _ZERO) + amount

    def debit_locked(self, asset: str, amount: Decimal) -> None:
        self.locked[asset] = self.locked.get(asset, _ZERO) - amount

    def require_free(self, asset: str, amount: Decimal) -> None:
        if self.free.get(asset, _ZERO) < amount:
            raise OrderRejectedError(
                RejectReason.INSUFFICIENT_BALANCE,
                f"insufficient {asset}: needs {amount}, free {self.free.get(asset, _ZERO)}",
            )

    def open_client_ids(self) -> set[str]:
        return {w.order.client_order_id for w in self.orders.values() if w.order.status.is_open}

    def find(self, symbol: str, order_id: int | None, client_order_id: str | None) -> WorkingOrder:
        """The order by id, or else the latest with that client id; raises UNKNOWN_ORDER."""
        if order_id is not None:
            working = self.orders.get(order_id)
            if working is not None and working.order.symbol == symbol:
                return working
        elif client_order_id is not None:
            for working in reversed(self.orders.values()):
                order = working.order
                if order.symbol == symbol and order.client_order_id == client_order_id:
                    return working
        raise OrderRejectedError(
            RejectReason.UNKNOWN_ORDER,
            f"no order {order_id if order_id is not None else client_order_id!r} on {symbol}",
        )

    def set_status(self, working: WorkingOrder, status: OrderStatus, now_ms: int) -> None:
        """Close an order: release what it still locks and stamp the new status."""
        if working.locked_amount > 0:
            self.unlock(working.locked_asset, working.locked_amount)
            working.locked_amount = _ZERO
        working.update(status=status, update_time_ms=now_ms)
