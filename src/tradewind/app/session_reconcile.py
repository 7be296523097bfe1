"""A session's check of the venues that work its orders themselves (not the simulator)
before it trades: the venue is the truth, and a market whose state cannot be
reconciled does not trade (`app.reconciliation`, policy FLAG).

Resuming an interrupted run is refused when such a venue is involved: the resume replays
the run's rows through its venues, which a real venue must not see twice. Such a run is
finished by starting a new one, which reconciles first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tradewind.app.reconciliation import reconcile_at_start
from tradewind.app.reconciliation_findings import ReconciliationReport
from tradewind.app.venue_bridge import BarDrivenVenue
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal

__all__ = ["reconcile_venues"]


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def reconcile_venues(
    journal: Journal, run_id: str, routes: Sequence[MarketRoute], *, resumed: bool
) -> ReconciliationReport | None:
    """Reconcile the routes whose venue is not bar-driven; None when there are none.

    Raises:
        TradewindError: `resumed` with such a venue (see the module docstring).
    """
    live = [route for route in routes if not isinstance(route.venue, BarDrivenVenue)]
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
