"""The TWS side of the emulated account: order views, commissions and pushed events.

TWS pushes order and execution events to the API client that placed the order. `IbBook`
works that out by comparing the market with what it already reported: `sync()` moves
the replay on, then returns an event for every new execution (execDetails +
commissionReport) and every order whose TWS status or filled quantity changed
(openOrder + orderStatus), addressed to the order's API clientId.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation import EmulatedMarket, Order, OrderType, ReplayFeed, Trade
from tradewind.venues.ib.emulator.contracts import IbContract
from tradewind.venues.ib.emulator.messages import (
    OrderView,
    commission_report,
    exec_details,
    open_order,
    order_status,
)
from tradewind.venues.ib.emulator.orders import ib_commission, ib_status, identity_of

__all__ = ["IbBook", "PushEvent"]

_ZERO = Decimal(0)
_TRIGGERED = (OrderType.STOP, OrderType.STOP_LIMIT)
_DONE = frozenset({"Filled", "Cancelled", "Inactive"})


@dataclass(frozen=True, slots=True)
class PushEvent:
    """One message for the connections of one API clientId."""

    client_id: int
    fields: list[object]
    filled_symbol: str | None = None
    """The market symbol of an execution pushed live (positions and account follow it)."""


class IbBook:
    """Order views and event diffing for one account; call under the server's lock."""

    def __init__(
        self,
        market: EmulatedMarket,
        account: str,
        contracts: Mapping[str, IbContract],
        feed: ReplayFeed | None = None,
    ) -> None:
        self.market = market
        self.account = account
        self.contracts = dict(contracts)
        self.feed = feed
        self._reported: dict[int, tuple[str, Decimal]] = {}
        self._seen_trades: set[int] = set()
        self._open_now: dict[str, bool] = {}  # market hours, cached during one sync()

    # -- views -----------------------------------------------------------------------
    def view(self, order: Order) -> OrderView:
        """The order as TWS shows it (its status depends on the market hours now)."""
        triggered = order.order_type not in _TRIGGERED or order.working_time_ms is not None
        market_open = self._open_now.get(order.symbol)
        if market_open is None:
            market_open = self.market.is_open(order.symbol)
        status = ib_status(order, market_open=market_open, triggered=triggered)
        return OrderView(
            order, self.contracts[order.symbol], identity_of(order), self.account, status
        )

    def orders(self) -> list[Order]:
        """The account's orders on the emulator's symbols, oldest first."""
        return [o for o in self.market.orders(self.account) if o.symbol in self.contracts]

    def latest(self, client_id: int, order_id: int) -> Order | None:
        """The latest market order of an API (clientId, orderId) (a modify replaces it)."""
        found = None
        for order in self.orders():
            identity = identity_of(order)
            if identity.client_id == client_id and identity.order_id == order_id:
                found = order
        return found

    def next_order_id(self, client_id: int) -> int:
        """One more than the largest orderId the client used (1 for a new client)."""
        used = (identity_of(o) for o in self.orders())
        return max((i.order_id for i in used if i.client_id == client_id), default=0) + 1

    # -- commissions ----------------------------------------------------------------------
    def commission(self, trade: Trade) -> Decimal:
        """The IB commission of an execution in USD.

        With a commission-free market (MARKET_SPEC) the emulator charges IB's fixed pricing
        itself; otherwise it reports the market's own commission.
        """
        if self.market.config.commission_bps > 0:
            return trade.commission
        contract = self.contracts[trade.symbol]
        return ib_commission(is_forex=contract.is_forex, qty=trade.qty, price=trade.price)

    def extra_commission_usd(self) -> Decimal:
        """The commissions charged on top of the market's balances."""
        if self.market.config.commission_bps > 0:
            return _ZERO
        trades = self.market.trades(self.account)
        return sum((self.commission(t) for t in trades if t.symbol in self.contracts), _ZERO)

    # -- events -----------------------------------------------------------------------------
    def baseline(self) -> None:
        """Treat everything in the market now as already reported (at server start)."""
        self._seen_trades = {t.trade_id for t in self.market.trades(self.account)}
        self._reported = {o.order_id: self._state(o) for o in self.orders()}

    def mark_reported(self, order: Order) -> None:
        """Record that the client was told about `order` in its current state."""
        self._reported[order.order_id] = self._state(order)

    def sync(self) -> list[PushEvent]:
        """Move the replay on and return the events the clients have not seen yet."""
        if self.feed is not None:
            self.feed.sync()
        if not self.market.has_account(self.account):
            return []
        events: list[PushEvent] = []
        with self.market.atomic():
            orders = {o.order_id: o for o in self.orders()}
            cumulative: dict[int, Decimal] = {}
            for trade in self.market.trades(self.account):
                cumulative[trade.order_id] = cumulative.get(trade.order_id, _ZERO) + trade.qty
                if trade.trade_id in self._seen_trades or trade.order_id not in orders:
                    continue
                self._seen_trades.add(trade.trade_id)
                events += self._execution(orders[trade.order_id], trade, cumulative)
            self._open_now = {s: self.market.is_open(s) for s in self.contracts}
            try:
                for order in orders.values():
                    if not self._finished(order):
                        events += self._status_change(order)
            finally:
                self._open_now = {}
        return events

    def _finished(self, order: Order) -> bool:
        """Done in the market and already reported so: nothing can change any more."""
        reported = self._reported.get(order.order_id)
        return (
            not order.status.is_open
            and reported is not None
            and reported[0] in _DONE
            and reported[1] == order.executed_qty
        )

    def _execution(
        self, order: Order, trade: Trade, cumulative: Mapping[int, Decimal]
    ) -> list[PushEvent]:
        view = self.view(order)
        client = view.identity.client_id
        return [
            PushEvent(
                client, exec_details(-1, view, trade, cumulative[trade.order_id]), trade.symbol
            ),
            PushEvent(client, commission_report(trade, self.commission(trade), None)),
        ]

    def _status_change(self, order: Order) -> list[PushEvent]:
        state = self._state(order)
        previous = self._reported.get(order.order_id)
        if previous == state:
            return []
        self._reported[order.order_id] = state
        view = self.view(order)
        client = view.identity.client_id
        events = [PushEvent(client, order_status(view, self._last_fill(order)))]
        if previous is None or previous[0] != state[0]:
            events.insert(0, PushEvent(client, open_order(view)))
        return events

    def _state(self, order: Order) -> tuple[str, Decimal]:
        return self.view(order).status, order.executed_qty

    def _last_fill(self, order: Order) -> Decimal | None:
        if order.executed_qty == 0:
            return None
        trades = [t for t in self.market.trades(self.account, order.symbol)
                  if t.order_id == order.order_id]  # fmt: skip
        return trades[-1].price if trades else None
