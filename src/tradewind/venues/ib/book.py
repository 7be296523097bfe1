"""What TWS holds for the account now: open orders, completed orders and executions.

`VenueBook.read()` asks TWS for all three (`reqAllOpenOrders`, `reqCompletedOrders`,
`reqExecutions`) and waits briefly for the commission report of each execution, which
TWS sends as a separate message after it. The `Snapshot` keeps only the account's
orders and executions in the traded symbols; orders are keyed by the client order id
in their `orderRef`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradewind.venues.ib.instruments import symbol_of
from tradewind.venues.ib.parsing import VenueFill, VenueOrder, fill_from, order_from
from tradewind.venues.ib.session import IbSession

__all__ = ["Snapshot", "VenueBook"]

_COMMISSION_POLL_S = 0.01


@dataclass(slots=True)
class Snapshot:
    """The account's orders (by client order id) and executions, as TWS holds them.

    An execution whose commission report has not arrived is left out until it has,
    so every fill reported carries its commission.
    """

    orders: dict[str, VenueOrder] = field(default_factory=dict)
    fills: list[VenueFill] = field(default_factory=list)

    def order(self, client_order_id: str) -> VenueOrder | None:
        return self.orders.get(client_order_id)

    def fills_of(self, order: VenueOrder) -> list[VenueFill]:
        return [f for f in self.fills if order.perm_id and f.perm_id == order.perm_id]

    def open_orders(self) -> list[VenueOrder]:
        return [o for o in self.orders.values() if o.is_open]


class VenueBook:
    """Reads `Snapshot`s through a session (see the module docstring)."""

    def __init__(self, session: IbSession) -> None:
        self._session = session

    def read(self) -> Snapshot:
        """Open and completed orders and executions (with commissions) of the account.

        Raises:
            IbVenueError: a request failed (retryable for network trouble).
        """
        snapshot = Snapshot()
        completed = self._session.call(
            "read the completed orders", lambda ib: ib.reqCompletedOrdersAsync(True)
        )
        self._add_orders(snapshot, completed, completed=True)
        self._add_orders(snapshot, self.open_trades(), completed=False)
        fills = self._session.call("read the executions", lambda ib: ib.reqExecutionsAsync())
        snapshot.fills = self._with_commissions(fills)
        return snapshot

    def open_trades(self) -> list[Any]:
        """The account's working orders in the traded symbols (ib_async `Trade`s)."""
        trades = self._session.call("read the open orders", lambda ib: ib.reqAllOpenOrdersAsync())
        return [t for t in trades if self._ours(t.order.account, t.contract)]

    def open_orders(self) -> list[VenueOrder]:
        """The working orders only (one request)."""
        snapshot = Snapshot()
        self._add_orders(snapshot, self.open_trades(), completed=False)
        return snapshot.open_orders()

    def _add_orders(self, snapshot: Snapshot, trades: Iterable[Any], *, completed: bool) -> None:
        client, zone = self._session.client, self._session.tws_zone
        for trade in trades:
            if not self._ours(trade.order.account, trade.contract):
                continue
            perm_id = int(trade.order.permId or 0)
            state = order_from(
                trade,
                filled=trade.order.filledQuantity if completed else None,
                completed=client.completed_state(perm_id) if completed else None,
                tws_zone=zone,
            )
            if state is None or not state.client_order_id:
                continue
            known = snapshot.orders.get(state.client_order_id)
            if known is None or known.perm_id <= state.perm_id:
                snapshot.orders[state.client_order_id] = state

    def _with_commissions(self, fills: Sequence[Any]) -> list[VenueFill]:
        exec_ids = [f.execution.execId for f in fills]
        deadline_s = self._session.config.timeout_s
        stored = self._session.call(
            "read the commission reports",
            lambda ib: _await_commissions(ib, exec_ids, deadline_s),
            timeout_s=deadline_s + 1.0,
        )
        parsed = []
        for raw in fills:
            known = stored.get(raw.execution.execId, raw)
            if not known.commissionReport.execId:
                continue  # reported once its commission is known (see `Snapshot`)
            fill = fill_from(known)
            if fill is not None and self._ours(raw.execution.acctNumber, raw.contract):
                parsed.append(fill)
        return parsed

    def _ours(self, account: str, contract: Any) -> bool:
        instruments = self._session.instruments
        if instruments is None:
            return False
        in_account = not account or not self._session.account or account == self._session.account
        return in_account and instruments.by_symbol(symbol_of(contract)) is not None


async def _await_commissions(ib: Any, exec_ids: list[str], wait_s: float) -> dict[str, Any]:
    """ib_async's stored fills of `exec_ids` once each has its commission report (or
    after `wait_s`: the rest keep an empty report, and are held back by the caller)."""
    deadline = time.monotonic() + wait_s
    while True:
        stored = {e: ib.wrapper.fills.get(e) for e in exec_ids}
        ready = all(f is not None and f.commissionReport.execId for f in stored.values())
        if ready or time.monotonic() >= deadline:
            return {e: f for e, f in stored.items() if f is not None}
        await asyncio.sleep(_COMMISSION_POLL_S)
