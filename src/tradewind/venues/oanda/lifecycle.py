"""v20 transactions told as domain order events, each exactly once.

The account's transactions are the one source: an order create (`LIMIT_ORDER`, ...) is
`OrderAccepted` (its venue id is the transaction id), a `*_ORDER_REJECT` is
`OrderRejected`, an `ORDER_FILL` is `OrderFilled` (the trade id is the fill's
transaction id, the commission v20's `commission` minus `financing`, in the home
currency), an `ORDER_CANCEL` is `OrderCanceled` (CLIENT_REQUEST, or another reason
named) or `OrderExpired` (TIME_IN_FORCE_EXPIRED, or what an IOC/FOK limit or stop
could not fill). A market order canceled in the batch that created it, unfilled, was
refused (MARKET_HALTED, INSUFFICIENT_MARGIN, ...): `OrderRejected` with that reason and
no `OrderAccepted`. A replace (`PUT .../orders/{id}`) cancels the order with
CLIENT_REQUEST_REPLACED and creates one that `replacesOrderID`: `OrderUpdated` with the
new terms, and the new venue order (a "leg") keeps our client order id.

`Ledger.apply` folds transactions into the tracked orders (each transaction id once per
order) and returns the new events in transaction order; the live adapter and the
reports (which replay history into fresh orders) use the same fold, so what the
reports say equals what the events said.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, VenueOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
    OrderUpdated,
)
from tradewind.domain.timestamps import instant_from_ns
from tradewind.execution.order_registry import OrderRegistry
from tradewind.execution.venue_events import REPLAY_STRATEGY
from tradewind.venues.oanda.requests import order_type_of, time_in_force_of
from tradewind.venues.oanda.wire import V20Order, V20Transaction

__all__ = ["REPLAY_STRATEGY", "Ledger", "Tracked", "order_from_create"]

_log = logging.getLogger(__name__)


_REPLACED = "CLIENT_REQUEST_REPLACED"
_EXPIRED = "TIME_IN_FORCE_EXPIRED"
_IMMEDIATE = ("IOC", "FOK")


@dataclass(slots=True, eq=False)
class Tracked:
    """One order and the venue orders that carry it.

    Attributes:
        order: the adapter's copy, moved by the events emitted for it.
        symbol: its v20 instrument name.
        seq: submission sequence number (orders ties at one instant).
        legs: its venue order ids, oldest first (a replace adds one).
        seen: transaction ids already folded in.
        v20_tif: the time in force it was sent (or created) with at v20.
        outcome_unknown: the submit got no answer; the venue must be asked.
        resubmitted: the one resubmission after an unknown outcome was made.
        reason: why it was rejected or canceled, when it was.
    """

    order: Order
    symbol: str
    seq: int
    legs: list[str] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    v20_tif: str = ""
    outcome_unknown: bool = False
    resubmitted: bool = False
    reason: str = ""

    @property
    def client_order_id(self) -> ClientOrderId:
        return self.order.client_order_id

    @property
    def venue_order_id(self) -> str | None:
        """The venue order working for it now (the latest leg)."""
        return self.legs[-1] if self.legs else None

    @property
    def is_working(self) -> bool:
        return not self.order.is_terminal


Adopt = Callable[[V20Transaction], "Tracked | None"]


class Ledger(OrderRegistry[Tracked]):
    """Tracked orders by client id and venue id (each leg), and the transaction fold.

    Args:
        home_currency: the account's currency (fills' commission currency).
    """

    def __init__(self, home_currency: Callable[[], str]) -> None:
        super().__init__(Tracked)
        self._home_currency = home_currency

    def adopt(self, tracked: Tracked) -> Tracked:
        """Track an order built from the venue's records."""
        tracked.seq = self.next_seq()
        self.track(tracked)
        for leg in tracked.legs:
            self.bind(leg, tracked)
        return tracked

    def all(self) -> list[Tracked]:
        """Every tracked order, in submission order (an adopted one by its new number)."""
        return sorted(super().all(), key=lambda t: t.seq)

    def match(self, txn: V20Transaction) -> Tracked | None:
        """The tracked order a transaction belongs to, by client id or venue id."""
        if txn.client_order_id:
            tracked = self.get(ClientOrderId(txn.client_order_id))
            if tracked is not None:
                return tracked
        for vid in (txn.order_id, txn.replaces_order_id):
            tracked = self.by_venue_id(vid) if vid else None
            if tracked is not None:
                return tracked
        return None

    def apply(
        self, transactions: Sequence[V20Transaction], adopt: Adopt | None = None
    ) -> list[OrderEvent]:
        """Fold `transactions` (oldest first) into their orders; the new events.

        A transaction of no tracked order is passed to `adopt` (the reports build an
        order from it there); without `adopt`, or when it returns None, it is skipped.
        """
        events: list[OrderEvent] = []
        ordered = sorted(transactions, key=lambda t: t.txn_id)
        for index, txn in enumerate(ordered):
            tracked = self.match(txn)
            if tracked is None and adopt is not None:
                tracked = adopt(txn)
                if tracked is not None:
                    self.adopt(tracked)
            if tracked is None or txn.txn_id in tracked.seen:
                continue
            tracked.seen.add(txn.txn_id)
            for event in self._events_of(tracked, txn, ordered[index + 1 :]):
                try:
                    tracked.order.apply(event)
                except DomainError as error:
                    _log.warning("transaction %s not applicable: %s", txn.txn_id, error)
                    continue
                events.append(event)
        return events

    def accept_record(self, tracked: Tracked, order_id: str, created_ns: int) -> list[OrderEvent]:
        """Bind a venue order found by lookup (not by its transactions) and accept it."""
        tracked.legs.append(order_id)
        self.bind(order_id, tracked)
        event = OrderAccepted(
            client_order_id=tracked.client_order_id,
            ts=instant_from_ns(created_ns),
            venue_order_id=VenueOrderId(order_id),
        )
        try:
            tracked.order.apply(event)
        except DomainError as error:
            _log.warning("venue order %s not applicable: %s", order_id, error)
            return []
        return [event]

    # -- one transaction -----------------------------------------------------------------

    def _events_of(
        self, tracked: Tracked, txn: V20Transaction, later: Sequence[V20Transaction]
    ) -> list[OrderEvent]:
        cid, ts = tracked.client_order_id, instant_from_ns(txn.time_ns)
        if txn.is_create:
            return self._created(tracked, txn, later)
        if txn.is_reject:
            tracked.outcome_unknown = False
            tracked.reason = f"OANDA refused the order: {txn.reject_reason or txn.kind}"
            return [OrderRejected(client_order_id=cid, ts=ts, reason=tracked.reason)]
        if txn.kind == "ORDER_FILL" and txn.order_id in tracked.legs:
            return [self._fill(tracked, txn)]
        if txn.kind == "ORDER_CANCEL" and txn.order_id == tracked.venue_order_id:
            return self._canceled(tracked, txn)
        return []

    def _created(
        self, tracked: Tracked, txn: V20Transaction, later: Sequence[V20Transaction]
    ) -> list[OrderEvent]:
        cid, ts, vid = tracked.client_order_id, instant_from_ns(txn.time_ns), str(txn.txn_id)
        tracked.outcome_unknown = False
        if txn.replaces_order_id and txn.replaces_order_id in tracked.legs:
            self._bind(tracked, vid, txn)
            order = tracked.order
            units = abs(txn.units or Decimal(0))
            level = txn.price
            return [
                OrderUpdated(
                    client_order_id=cid,
                    ts=ts,
                    quantity=units + order.filled_qty,
                    price=level if order.order_type is OrderType.LIMIT else None,
                    trigger_price=level if order.order_type is OrderType.STOP else None,
                )
            ]
        if tracked.legs:
            return []  # a second create under our id (never sent twice): not ours to tell
        self._bind(tracked, vid, txn)
        refusal = _same_batch_refusal(txn, later)
        if refusal is not None and tracked.order.order_type is OrderType.MARKET:
            tracked.seen.add(refusal.txn_id)
            tracked.reason = f"OANDA canceled the market order: {refusal.reason or 'no reason'}"
            return [OrderRejected(client_order_id=cid, ts=ts, reason=tracked.reason)]
        return [OrderAccepted(client_order_id=cid, ts=ts, venue_order_id=VenueOrderId(vid))]

    def _bind(self, tracked: Tracked, vid: str, txn: V20Transaction) -> None:
        tracked.legs.append(vid)
        tracked.v20_tif = txn.time_in_force or tracked.v20_tif
        self.bind(vid, tracked)

    def _fill(self, tracked: Tracked, txn: V20Transaction) -> OrderFilled:
        return OrderFilled(
            client_order_id=tracked.client_order_id,
            ts=instant_from_ns(txn.time_ns),
            trade_id=TradeId(str(txn.txn_id)),
            last_qty=abs(txn.units or Decimal(0)),
            last_price=txn.price or Decimal(0),
            commission=txn.commission - txn.financing,
            commission_currency=self._home_currency(),
            venue_order_id=VenueOrderId(str(txn.order_id)),
        )

    def _canceled(self, tracked: Tracked, txn: V20Transaction) -> list[OrderEvent]:
        cid, ts, reason = tracked.client_order_id, instant_from_ns(txn.time_ns), txn.reason or ""
        if reason == _REPLACED or txn.replaced_by_order_id:
            return []
        if reason == "CLIENT_REQUEST":
            return [OrderCanceled(client_order_id=cid, ts=ts)]
        immediate = tracked.v20_tif in _IMMEDIATE
        if reason == _EXPIRED or immediate or tracked.order.order_type is OrderType.MARKET:
            return [OrderExpired(client_order_id=cid, ts=ts)]
        tracked.reason = f"OANDA canceled the order: {reason or 'no reason'}"
        return [OrderCanceled(client_order_id=cid, ts=ts, reason=tracked.reason)]


def _same_batch_refusal(
    create: V20Transaction, later: Iterable[V20Transaction]
) -> V20Transaction | None:
    """The cancel of `create`'s order in its own batch before any fill, if any."""
    vid = str(create.txn_id)
    for txn in later:
        if create.batch_id is None or txn.batch_id != create.batch_id:
            return None
        if txn.kind == "ORDER_FILL" and txn.order_id == vid:
            return None
        if txn.kind == "ORDER_CANCEL" and txn.order_id == vid:
            return txn
    return None


def order_from_create(
    create: V20Transaction | V20Order, instrument_id: InstrumentId
) -> Tracked | None:
    """A SUBMITTED order rebuilt from its create transaction (or order record), with
    the venue's terms; None for an order type this adapter does not speak."""
    units: Decimal | None
    if isinstance(create, V20Order):
        kind, units, price, tif = create.kind, create.units, create.price, create.time_in_force
        created_ns, cid = create.create_ns, create.client_order_id or f"venue-{create.order_id}"
    else:
        kind, units, price = create.kind.removesuffix("_REJECT"), create.units, create.price
        tif, created_ns = create.time_in_force or "", create.time_ns
        cid = create.client_order_id or f"venue-{create.txn_id}"
    order_type = order_type_of(kind.removesuffix("_ORDER"))
    if order_type is None or not units:
        return None
    ts = instant_from_ns(created_ns)
    try:
        order = Order(
            client_order_id=ClientOrderId(cid),
            strategy_id=REPLAY_STRATEGY,
            instrument_id=instrument_id,
            side=OrderSide.BUY if units > 0 else OrderSide.SELL,
            order_type=order_type,
            quantity=abs(units),
            created_at=ts,
            price=price if order_type is OrderType.LIMIT else None,
            trigger_price=price if order_type is OrderType.STOP else None,
            time_in_force=time_in_force_of(tif, order_type),
        )
        order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=ts))
    except DomainError as error:
        _log.warning("venue order %s not rebuilt: %s", cid, error)
        return None
    return Tracked(order, "", 0, v20_tif=tif)
