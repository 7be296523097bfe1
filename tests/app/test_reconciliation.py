"""Reconciliation takes the venue as the truth: missed fills are recovered once, orders
closed behind the run's back are journaled closed, unknown orders and unexplained
positions block their market unless the venue's state is adopted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tradewind.app.reconciliation import Reconciler, ReconcileSchedule, reconcile_at_start
from tradewind.app.reconciliation_findings import (
    ClosedOrder,
    FindingAction,
    FindingKind,
    ReconcilePolicy,
    RecoveredFill,
)
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import TradewindError
from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import OrderAccepted, OrderCanceled, OrderEvent, OrderFilled
from tradewind.domain.timestamps import ns_of
from tradewind.store import FillRecord, Journal, OrderRecord, client_order_id
from tradewind.venues.sim import SimulatedVenue, SimVenueConfig

MARKET, VENUE, SYMBOL = "crypto", "SIM-CRYPTO", "BTC-USD"
T0 = datetime(2025, 1, 6, tzinfo=UTC)


class FixedClock:
    def __init__(self, now: datetime = T0 + timedelta(days=1)) -> None:
        self.instant = now

    def now(self) -> datetime:
        return self.instant


class Desk:
    """One market on a simulated venue and a run journaled the way a session does."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.instrument = Instrument.for_symbol(
            SYMBOL, "crypto", venue=VENUE, price_tick="0.01", lot_size="0.001"
        )
        self.venue = SimulatedVenue([self.instrument], SimVenueConfig(venue=VENUE))
        self.route = MarketRoute(
            market=MARKET,
            provider="sim",
            venue=self.venue,
            venue_label="sim",
            data_label="test",
            instruments={SYMBOL: self.instrument},
        )
        self.journal = Journal.open(path)
        self.run_id = self.journal.start_run("paper", {"test": "reconciliation"})
        self.bar = 0
        self.fills: list[RecoveredFill] = []
        self.closed: list[ClosedOrder] = []
        self.trade(100.0)

    def reopen(self) -> None:
        self.journal.close()
        self.journal = Journal.open(self.path)
        self.journal.resume_run(self.run_id)

    def trade(self, price: float) -> list[OrderEvent]:
        """One bar of the market at `price` (its open, high, low and close)."""
        self.bar += 1
        ns = ns_of(T0 + timedelta(hours=self.bar))
        return self.venue.on_bar(self.instrument.id, ns, price, price, price, price)

    def order(
        self, seq: int, order_type: OrderType = OrderType.MARKET, price: str | None = None
    ) -> Order:
        """Journal order `seq` (a buy of 1), then send it, as the venue bridge does."""
        created = T0 + timedelta(hours=self.bar)
        self.journal.record_order(
            self.run_id,
            OrderRecord(
                seq=seq,
                ts_created=created,
                market=MARKET,
                symbol=SYMBOL,
                side="buy",
                order_type=order_type.value,
                quantity=1,
                price=price,
                status="submitted",
                venue=VENUE,
            ),
        )
        return self.external(client_order_id(self.run_id, seq), order_type, price)

    def external(
        self, coid: str, order_type: OrderType = OrderType.MARKET, price: str | None = None
    ) -> Order:
        """Send an order straight to the venue (as an operator at the exchange would)."""
        order = Order(
            client_order_id=ClientOrderId(coid),
            strategy_id=StrategyId("trend"),
            instrument_id=self.instrument.id,
            side=OrderSide.BUY,
            order_type=order_type,
            quantity=Decimal(1),
            created_at=T0 + timedelta(hours=self.bar),
            price=None if price is None else Decimal(price),
        )
        self.venue.submit(order)
        return order

    def journal_events(self, events: list[OrderEvent]) -> None:
        """What the venue bridge journals of the events it drains."""
        for event in events:
            coid = str(event.client_order_id)
            if isinstance(event, OrderAccepted):
                self.journal.update_order_status(
                    coid, "accepted", event.ts, venue_order_id=str(event.venue_order_id)
                )
            elif isinstance(event, OrderCanceled):
                self.journal.update_order_status(coid, "canceled", event.ts)
            elif isinstance(event, OrderFilled):
                self.journal.apply_fill(self.run_id, self.fill_record(coid, event))

    def fill_record(self, coid: str, event: OrderFilled) -> FillRecord:
        return FillRecord(
            trade_id=str(event.trade_id),
            venue=VENUE,
            client_order_id=coid,
            ts=event.ts,
            market=MARKET,
            symbol=SYMBOL,
            side="buy",
            qty=event.last_qty,
            price=event.last_price,
        )

    def reconcile(self, policy: ReconcilePolicy = ReconcilePolicy.FLAG):
        reconciler = Reconciler(
            self.journal,
            self.run_id,
            FixedClock(),
            policy,
            on_fill=self.fills.append,
            on_close=self.closed.append,
        )
        return reconciler.reconcile([self.route])


@pytest.fixture
def desk(tmp_path):
    desk = Desk(tmp_path / "journal.sqlite")
    try:
        yield desk
    finally:
        desk.journal.close()


def kinds(report) -> list[tuple[FindingKind, FindingAction]]:
    return [(f.kind, f.action) for f in report.findings]


def test_a_journal_in_step_with_the_venue_has_no_findings_and_trades(desk):
    desk.order(0)
    desk.journal_events(desk.venue.drain_events())
    desk.journal_events(desk.trade(101.0))  # fills at this open
    report = desk.reconcile()
    assert report.findings == ()
    assert report.can_trade
    assert report.market(MARKET).can_trade
    assert "agree" in report.market(MARKET).summary
    assert desk.journal.reconciliation_findings(desk.run_id) == []


def test_a_fill_made_while_down_is_recovered_once_and_handed_to_the_engine(desk):
    desk.order(0)
    desk.journal_events(desk.venue.drain_events())
    desk.trade(101.0)  # the venue fills while the run is down: nothing journaled
    report = desk.reconcile()
    assert kinds(report) == [(FindingKind.MISSED_FILL, FindingAction.RECOVERED)]
    assert report.can_trade
    [stored] = desk.journal.fills(desk.run_id)
    assert (stored.trade_id, stored.qty, stored.price) == (
        str(desk.fills[0].report.trade_id),
        Decimal(1),
        Decimal(101),
    )
    assert desk.journal.order(client_order_id(desk.run_id, 0)).status is OrderStatus.FILLED
    assert [f.report.trade_id for f in desk.fills] == [
        report.market(MARKET).recovered_fills[0].report.trade_id
    ]
    assert not desk.fills[0].external
    journaled = desk.journal.reconciliation_findings(desk.run_id, MARKET)
    assert [(f.kind, f.trade_id) for f in journaled] == [(FindingKind.MISSED_FILL, stored.trade_id)]


def test_a_recovered_fill_is_not_recovered_again_even_after_reopening_the_journal(desk):
    desk.order(0)
    desk.journal_events(desk.venue.drain_events())
    desk.trade(101.0)
    desk.reconcile()
    assert desk.reconcile().findings == ()
    desk.reopen()
    again = desk.reconcile()
    assert again.findings == ()
    assert again.can_trade
    assert len(desk.fills) == 1
    assert len(desk.journal.fills(desk.run_id)) == 1


def test_an_order_canceled_at_the_venue_is_journaled_canceled_and_never_sent_again(desk):
    desk.order(0, OrderType.LIMIT, price="50")
    desk.journal_events(desk.venue.drain_events())
    desk.venue.cancel(ClientOrderId(client_order_id(desk.run_id, 0)))  # by hand
    desk.venue.drain_events()  # the run never heard of it
    report = desk.reconcile()
    assert kinds(report) == [
        (FindingKind.ORDER_CLOSED_AT_VENUE, FindingAction.JOURNALED_VENUE_STATUS)
    ]
    assert report.can_trade
    coid = client_order_id(desk.run_id, 0)
    assert desk.journal.order(coid).status is OrderStatus.CANCELED
    assert desk.journal.open_orders(desk.run_id) == []
    assert desk.closed == [ClosedOrder(MARKET, coid, OrderStatus.CANCELED)]
    # Nothing was sent: the venue still knows one order, canceled.
    assert [(str(r.client_order_id), r.status) for r in desk.venue.order_status_reports()] == [
        (coid, OrderStatus.CANCELED)
    ]
    assert desk.reconcile().findings == ()


def test_an_order_the_venue_never_received_is_journaled_canceled_not_resent(desk):
    desk.journal.record_order(
        desk.run_id,
        OrderRecord(
            seq=0,
            ts_created=T0,
            market=MARKET,
            symbol=SYMBOL,
            side="buy",
            order_type="market",
            quantity=1,
            status="submitted",
            venue=VENUE,
        ),
    )
    report = desk.reconcile()
    assert kinds(report) == [(FindingKind.ORDER_NOT_AT_VENUE, FindingAction.JOURNALED_VENUE_STATUS)]
    assert desk.journal.order(client_order_id(desk.run_id, 0)).status is OrderStatus.CANCELED
    assert desk.venue.order_status_reports() == []
    assert report.can_trade


def test_an_unknown_venue_order_is_flagged_and_blocks_the_market_by_default(desk):
    desk.external("manual-1", OrderType.LIMIT, price="50")
    report = desk.reconcile()
    assert kinds(report) == [(FindingKind.UNKNOWN_ORDER, FindingAction.FLAGGED)]
    assert not report.can_trade
    assert report.blocked == (MARKET,)
    assert "blocked" in report.market(MARKET).summary
    assert "crypto" in report.summary
    assert desk.journal.order("manual-1") is None
    [journaled] = desk.journal.reconciliation_findings(desk.run_id)
    assert (journaled.client_order_id, journaled.blocking) == ("manual-1", True)
    assert not desk.reconcile().can_trade  # still blocked on the next pass


def test_an_unknown_venue_order_is_adopted_with_the_adopt_policy(desk):
    desk.external("manual-1", OrderType.LIMIT, price="50")
    report = desk.reconcile(ReconcilePolicy.ADOPT)
    assert kinds(report) == [(FindingKind.UNKNOWN_ORDER, FindingAction.ADOPTED)]
    assert report.can_trade
    adopted = desk.journal.order("manual-1")
    assert (adopted.seq, adopted.strategies, adopted.status) == (
        -1,
        "external",
        OrderStatus.ACCEPTED,
    )
    assert desk.reconcile(ReconcilePolicy.ADOPT).findings == ()
    assert desk.reconcile().findings == ()  # once adopted, the journal holds it


def test_a_filled_unknown_order_is_adopted_with_its_fill_and_the_position_agrees(desk):
    desk.external("manual-1")
    desk.trade(101.0)
    report = desk.reconcile(ReconcilePolicy.ADOPT)
    assert kinds(report) == [
        (FindingKind.UNKNOWN_ORDER, FindingAction.ADOPTED),
        (FindingKind.MISSED_FILL, FindingAction.RECOVERED),
    ]
    assert [f.external for f in desk.fills] == [True]
    assert desk.journal.order("manual-1").status is OrderStatus.FILLED
    assert desk.reconcile().findings == ()


def test_a_filled_unknown_order_is_not_journaled_under_the_flag_policy(desk):
    desk.external("manual-1")
    desk.trade(101.0)
    report = desk.reconcile()
    assert kinds(report) == [
        (FindingKind.UNKNOWN_ORDER, FindingAction.FLAGGED),
        (FindingKind.POSITION_MISMATCH, FindingAction.NOTED),  # explained by that order
    ]
    assert not report.can_trade
    assert desk.journal.fills(desk.run_id) == []
    assert desk.fills == []


def _phantom_fill(desk) -> None:
    """A fill the journal holds and the venue never made (the positions then differ)."""
    desk.journal.record_order(
        desk.run_id,
        OrderRecord(
            seq=0,
            ts_created=T0,
            market=MARKET,
            symbol=SYMBOL,
            side="buy",
            order_type="market",
            quantity=2,
            status="filled",
            venue=VENUE,
        ),
    )
    desk.journal.apply_fill(
        desk.run_id,
        FillRecord(
            trade_id="GHOST-1",
            venue=VENUE,
            client_order_id=client_order_id(desk.run_id, 0),
            ts=T0,
            market=MARKET,
            symbol=SYMBOL,
            side="buy",
            qty=2,
            price=100,
        ),
    )


def test_a_position_difference_nothing_explains_blocks_the_market(desk):
    _phantom_fill(desk)
    report = desk.reconcile()
    [finding] = report.findings
    assert (finding.kind, finding.action) == (FindingKind.POSITION_MISMATCH, FindingAction.FLAGGED)
    assert (finding.instrument, finding.journal_value, finding.venue_value) == (
        f"{SYMBOL}.{VENUE}",
        "2",
        "0",
    )
    assert not report.can_trade


def test_an_adopted_position_is_kept_so_the_next_pass_is_clean(desk):
    _phantom_fill(desk)
    report = desk.reconcile(ReconcilePolicy.ADOPT)
    [finding] = report.findings
    assert (finding.action, finding.adjust_qty) == (FindingAction.ADOPTED, Decimal(-2))
    assert report.can_trade
    desk.reopen()
    assert desk.reconcile().findings == ()


def test_a_venue_that_cannot_be_asked_blocks_its_market(desk):
    desk.venue.disconnect()
    report = desk.reconcile()
    assert kinds(report) == [(FindingKind.VENUE_UNAVAILABLE, FindingAction.FLAGGED)]
    assert not report.can_trade
    assert "disconnected" in report.findings[0].venue_value


def test_reconcile_at_start_takes_the_policy_by_name(desk):
    desk.external("manual-1", OrderType.LIMIT, price="50")
    report = reconcile_at_start(
        desk.journal, desk.run_id, [desk.route], clock=FixedClock(), policy="adopt"
    )
    assert report.can_trade
    assert desk.journal.order("manual-1") is not None
    assert report.ts == FixedClock().now()


def test_the_schedule_is_due_at_once_then_every_interval():
    schedule = ReconcileSchedule(every_minutes=5)
    clock = FixedClock(T0)
    assert schedule.is_due(None, clock)
    assert schedule.next_due(T0) == T0 + timedelta(minutes=5)
    clock.instant = T0 + timedelta(minutes=4, seconds=59)
    assert not schedule.is_due(T0, clock)
    clock.instant = T0 + timedelta(minutes=5)
    assert schedule.is_due(T0, clock)


@pytest.mark.parametrize("minutes", [0, -1, float("nan"), float("inf"), True])
def test_the_schedule_refuses_an_interval_that_is_not_a_positive_number(minutes):
    with pytest.raises(TradewindError, match="every_minutes"):
        ReconcileSchedule(every_minutes=minutes)
