"""A session's check of the venues that work its orders themselves (not the simulator)
before it trades and then every `RECONCILE_EVERY_MINUTES` on the wall clock: the venue
is the truth, and a market whose state cannot be reconciled does not trade
(`app.reconciliation`, policy FLAG). A missed fill or an order the venue closed behind
the run's back reaches the engine as the venue event it should have been.

Resuming an interrupted run is refused when such a venue is involved: the resume replays
the run's rows through its venues, which a real venue must not see twice. Such a run is
finished by starting a new one, which reconciles first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tradewind.app.reconciliation import Reconciler, ReconcileSchedule, reconcile_at_start
from tradewind.app.reconciliation_findings import (
    ClosedOrder,
    ReconciliationReport,
    RecoveredFill,
)
from tradewind.app.venue_bridge import BarDrivenVenue, VenueBridge
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import TradewindError
from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order_events import OrderCanceled
from tradewind.ports.clock import Clock
from tradewind.store import Journal

__all__ = ["RECONCILE_EVERY_MINUTES", "PeriodicReconciliation", "reconcile_venues"]

RECONCILE_EVERY_MINUTES = 5.0
"""How often a running session reconciles its venues, in wall-clock minutes."""


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def venue_routes(routes: Sequence[MarketRoute]) -> list[MarketRoute]:
    """The routes whose venue works orders itself (not bar-driven like the simulator)."""
    return [route for route in routes if not isinstance(route.venue, BarDrivenVenue)]


def reconcile_venues(
    journal: Journal, run_id: str, routes: Sequence[MarketRoute], *, resumed: bool
) -> ReconciliationReport | None:
    """Reconcile the routes whose venue is not bar-driven; None when there are none.

    Raises:
        TradewindError: `resumed` with such a venue (see the module docstring).
    """
    live = venue_routes(routes)
    if not live:
        return None
    if resumed:
        names = ", ".join(route.market for route in live)
        raise TradewindError(
            f"run {run_id} cannot resume: markets {names} send orders to a venue, and a "
            "resume would replay them there; start a new run instead (`--run-id` of a new "
            "run, or a fresh journal): it reconciles with the venue before it trades"
        )
    return reconcile_at_start(journal, run_id, live, clock=_WallClock())


@dataclass(slots=True)
class PeriodicReconciliation:
    """The passes after the first: due every `schedule`, each feeding what it recovers
    to the order path (`VenueBridge.recover`) and blocking markets it cannot reconcile."""

    journal: Journal
    run_id: str
    routes: Sequence[MarketRoute]
    last: ReconciliationReport
    schedule: ReconcileSchedule = field(
        default_factory=lambda: ReconcileSchedule(RECONCILE_EVERY_MINUTES)
    )
    clock: Clock = field(default_factory=lambda: _WallClock())  # looked up when built

    def run_if_due(self, bridge: VenueBridge) -> ReconciliationReport | None:
        """A pass when one is due (None otherwise)."""
        if not self.schedule.is_due(self.last.ts, self.clock):
            return None
        by_market = {route.market: route for route in self.routes}

        def on_fill(recovered: RecoveredFill) -> None:
            if not recovered.external:
                bridge.recover(by_market[recovered.market], recovered.report.to_event())

        def on_close(closed: ClosedOrder) -> None:
            event = OrderCanceled(
                client_order_id=ClientOrderId(closed.client_order_id), ts=self.clock.now()
            )
            bridge.recover(by_market[closed.market], event)

        reconciler = Reconciler(self.journal, self.run_id, self.clock, on_fill=on_fill,
                                on_close=on_close)  # fmt: skip
        self.last = reconciler.reconcile(self.routes)
        return self.last
