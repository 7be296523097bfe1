"""One market's reconciliation pass (see `tradewind.app.reconciliation` for the order
of its steps and what each does)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from tradewind.app.reconciliation_findings import (
    ClosedOrder,
    ReconcilePolicy,
    RecoveredFill,
)
from tradewind.app.reconciliation_positions import (
    PositionCheck,
    journal_positions,
    venue_positions,
)
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import DomainError
from tradewind.domain.order_enums import OrderStatus
from tradewind.domain.venue_reports import FillReport, OrderStatusReport
from tradewind.store import FillRecord, Journal, StoredOrder
from tradewind.store.reconciliation_records import (
    ExternalOrderRecord,
    FindingAction,
    FindingKind,
    ReconciliationFinding,
)

__all__ = ["CloseHook", "FillHook", "MarketPass", "PassOwner"]

FillHook = Callable[[RecoveredFill], None]
"""Applies a recovered fill to the engine (called after the fill is journaled)."""
CloseHook = Callable[[ClosedOrder], None]
"""Marks an engine order finished that its venue no longer works."""

_A, _K = FindingAction, FindingKind


class PassOwner(Protocol):
    """What a pass needs from its reconciler."""

    @property
    def journal(self) -> Journal: ...

    @property
    def run_id(self) -> str: ...

    @property
    def policy(self) -> ReconcilePolicy: ...

    @property
    def on_fill(self) -> FillHook: ...

    @property
    def on_close(self) -> CloseHook: ...

    @property
    def qty_tolerance(self) -> Decimal: ...


@dataclass(slots=True)
class MarketPass:
    """The state of one market's pass: `run()` it, then read `findings`, `recovered`
    and `closed` (`unavailable(error)` records a venue that could not be asked)."""

    owner: PassOwner
    route: MarketRoute
    since: datetime | None
    ts: datetime
    findings: list[ReconciliationFinding] = field(default_factory=list)
    recovered: list[RecoveredFill] = field(default_factory=list)
    closed: list[ClosedOrder] = field(default_factory=list)
    orders: dict[str, StoredOrder] = field(default_factory=dict)
    unadopted: set[str] = field(default_factory=set)
    unadopted_qty: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    fill_keys: set[tuple[str, str]] = field(default_factory=set)

    @property
    def venue(self) -> str:
        return str(self.route.venue.venue)

    @property
    def journal(self) -> Journal:
        return self.owner.journal

    def run(self) -> None:
        venue = self.route.venue
        reports = {str(r.client_order_id): r for r in venue.order_status_reports(self.since)}
        fills = list(venue.fill_reports(self.since))
        working = {
            str(o.client_order_id): OrderStatusReport.of_order(o, venue.venue)
            for o in venue.open_orders()
        }
        positions = venue_positions(venue.positions())
        self.orders = self._journal_orders()
        self.fill_keys = {(f.venue, f.trade_id) for f in self.journal.fills(self.owner.run_id)}
        for coid, report in (working | reports).items():
            if coid not in self.orders:
                self._unknown_order(report)
        self.orders = self._journal_orders()  # with the orders just adopted
        for fill in fills:
            self._fill(fill)
        self.orders = self._journal_orders()
        for order in self.orders.values():
            if not order.status.is_terminal:
                coid = order.client_order_id
                self._working_order(order, reports.get(coid) or working.get(coid))
        self._positions(positions)

    def unavailable(self, error: DomainError) -> None:
        self.findings.append(
            self._finding(
                _K.VENUE_UNAVAILABLE,
                _A.FLAGGED,
                venue_value=str(error),
                detail="the venue could not be asked; nothing was compared",
            )
        )

    # -- steps --------------------------------------------------------------------

    def _unknown_order(self, report: OrderStatusReport) -> None:
        coid, instrument = str(report.client_order_id), str(report.instrument_id)
        seen = f"{report.status.value} {report.filled_qty}/{report.quantity}"
        common = {
            "client_order_id": coid,
            "instrument": instrument,
            "venue_value": seen,
            "journal_value": "absent",
        }
        if report.status.is_terminal and report.filled_qty == 0:
            detail = "closed at the venue without a fill; nothing to adopt"
            self.findings.append(self._finding(_K.UNKNOWN_ORDER, _A.NOTED, **common, detail=detail))
            return
        if self.owner.policy is ReconcilePolicy.ADOPT:
            if self.journal.adopt_order(self.owner.run_id, self._external(report)):
                self.findings.append(
                    self._finding(
                        _K.UNKNOWN_ORDER,
                        _A.ADOPTED,
                        **common,
                        detail="journaled as an external order",
                    )
                )
                return
            detail = "the journal holds this client order id in another run; not adopted"
        else:
            detail = "not in the journal; the market does not trade until it is adopted"
        self.unadopted.add(coid)
        self.findings.append(self._finding(_K.UNKNOWN_ORDER, _A.FLAGGED, **common, detail=detail))

    def _fill(self, fill: FillReport) -> None:
        coid = str(fill.client_order_id)
        instrument = str(fill.instrument_id)
        if coid in self.unadopted:  # flagged with its order; explains its position
            self.unadopted_qty[instrument] += fill.side.sign * fill.last_qty
            return
        if self._journaled(fill):
            return
        order = self.orders.get(coid)
        seen = f"{fill.side.value} {fill.last_qty} @ {fill.last_price}"
        common = {
            "client_order_id": coid,
            "trade_id": str(fill.trade_id),
            "instrument": instrument,
            "venue_value": seen,
            "journal_value": "absent",
        }
        if order is None:
            self.unadopted_qty[instrument] += fill.side.sign * fill.last_qty
            detail = "a fill of an order neither the journal nor the venue's reports hold"
            self.findings.append(self._finding(_K.MISSED_FILL, _A.FLAGGED, **common, detail=detail))
            return
        if not self.journal.apply_fill(self.owner.run_id, self._fill_record(fill, order)):
            detail = "the journal holds this trade id in another run; not recovered"
            self.findings.append(self._finding(_K.MISSED_FILL, _A.FLAGGED, **common, detail=detail))
            return
        recovered = RecoveredFill(self.route.market, order.symbol, fill, external=order.seq < 0)
        self.recovered.append(recovered)
        self.findings.append(
            self._finding(
                _K.MISSED_FILL, _A.RECOVERED, **common, detail="journaled and applied to the engine"
            )
        )
        self.owner.on_fill(recovered)

    def _working_order(self, order: StoredOrder, report: OrderStatusReport | None) -> None:
        coid = order.client_order_id
        held = f"{order.status.value} {order.filled_qty}/{order.quantity}"
        common = {"client_order_id": coid, "journal_value": held}
        if report is None:
            self._order_not_at_venue(order, common)
            return
        if report.status is order.status:
            return
        seen = f"{report.status.value} {report.filled_qty}/{report.quantity}"
        closed = report.status.is_terminal
        kind = _K.ORDER_CLOSED_AT_VENUE if closed else _K.ORDER_STATUS
        detail = f"reconciliation: venue {self.venue} reports {report.status.value}"
        venue_order_id = None if report.venue_order_id is None else str(report.venue_order_id)
        self.journal.update_order_status(
            coid, report.status, report.ts_last, detail=detail, venue_order_id=venue_order_id
        )
        if closed:
            detail += "; not sent again"
            self._close(coid, report.status)
        self.findings.append(
            self._finding(
                kind,
                _A.JOURNALED_VENUE_STATUS,
                **common,
                venue_value=seen,
                instrument=str(report.instrument_id),
                detail=detail,
            )
        )

    def _order_not_at_venue(self, order: StoredOrder, common: dict[str, str]) -> None:
        if self.since is not None and order.updated_at < self.since:
            detail = (
                f"not reported since {self.since.isoformat()}: its state at the venue "
                "is unknown; reconcile from an earlier instant"
            )
            self.findings.append(
                self._finding(
                    _K.ORDER_NOT_AT_VENUE,
                    _A.FLAGGED,
                    **common,
                    venue_value="not reported",
                    detail=detail,
                )
            )
            return
        detail = f"venue {self.venue} does not know the order: it never arrived; not sent again"
        self.journal.update_order_status(
            order.client_order_id, OrderStatus.CANCELED, self.ts, detail=f"reconciliation: {detail}"
        )
        self._close(order.client_order_id, OrderStatus.CANCELED)
        self.findings.append(
            self._finding(
                _K.ORDER_NOT_AT_VENUE,
                _A.JOURNALED_VENUE_STATUS,
                **common,
                venue_value="unknown",
                detail=detail,
            )
        )

    def _positions(self, at_venue: Mapping[str, Decimal]) -> None:
        instrument_of = {symbol: str(i.id) for symbol, i in self.route.instruments.items()}
        journal = self.journal
        run_id, market = self.owner.run_id, self.route.market
        held = journal_positions(
            journal.fills(run_id),
            journal.reconciliation_findings(run_id, market),
            instrument_of,
            market,
        )
        check = PositionCheck(self.route.instruments, self.owner.qty_tolerance)
        for key, venue_qty, journal_qty, unexplained in check.differences(
            at_venue, held, self.unadopted_qty
        ):
            common = {
                "instrument": key,
                "venue_value": str(venue_qty),
                "journal_value": str(journal_qty),
            }
            if unexplained == 0:
                detail = "explained by fills of venue orders the journal does not hold (flagged)"
                action, adjust = _A.NOTED, None
            elif self.owner.policy is ReconcilePolicy.ADOPT:
                detail = f"the venue's position adopted: {unexplained:+} added to the journal's"
                action, adjust = _A.ADOPTED, unexplained
            else:
                detail = "no fill explains it; the market does not trade until it is adopted"
                action, adjust = _A.FLAGGED, None
            self.findings.append(
                self._finding(
                    _K.POSITION_MISMATCH, action, **common, adjust_qty=adjust, detail=detail
                )
            )

    # -- helpers ------------------------------------------------------------------

    def _journal_orders(self) -> dict[str, StoredOrder]:
        return {
            o.client_order_id: o
            for o in self.journal.orders(self.owner.run_id)
            if o.market == self.route.market
        }

    def _journaled(self, fill: FillReport) -> bool:
        return (self.venue, str(fill.trade_id)) in self.fill_keys

    def _close(self, coid: str, status: OrderStatus) -> None:
        closed = ClosedOrder(self.route.market, coid, status)
        self.closed.append(closed)
        self.owner.on_close(closed)

    def _symbol(self, report: OrderStatusReport | FillReport) -> str:
        for symbol, instrument in self.route.instruments.items():
            if instrument.id == report.instrument_id:
                return symbol
        return report.instrument_id.symbol

    def _external(self, report: OrderStatusReport) -> ExternalOrderRecord:
        return ExternalOrderRecord(
            client_order_id=str(report.client_order_id),
            ts_created=report.ts_last,
            market=self.route.market,
            symbol=self._symbol(report),
            side=report.side.value,
            order_type=report.order_type.value,
            quantity=report.quantity,
            status=report.status,
            venue=self.venue,
            price=report.price,
            trigger_price=report.trigger_price,
            venue_order_id=None if report.venue_order_id is None else str(report.venue_order_id),
            reason=f"adopted from venue {self.venue} by reconciliation",
        )

    def _fill_record(self, fill: FillReport, order: StoredOrder) -> FillRecord:
        return FillRecord(
            trade_id=str(fill.trade_id),
            venue=self.venue,
            client_order_id=order.client_order_id,
            ts=fill.ts,
            market=self.route.market,
            symbol=order.symbol,
            side=fill.side.value,
            qty=fill.last_qty,
            price=fill.last_price,
            commission=fill.commission,
            strategies=order.strategies,
        )

    def _finding(
        self, kind: FindingKind, action: FindingAction, **values: object
    ) -> ReconciliationFinding:
        return ReconciliationFinding(
            ts=self.ts,
            market=self.route.market,
            venue=self.venue,
            kind=kind,
            action=action,
            **values,  # type: ignore[arg-type]
        )
