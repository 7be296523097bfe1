"""Reconciliation: a run's journal against its venues, with the venue as the truth.

For each market (`MarketRoute`), one pass, in this order:
1. venue orders the journal lacks: adopted as external orders under `ReconcilePolicy.ADOPT`,
   else flagged, and the market does not trade (fail closed). One that closed without a
   fill is only noted;
2. fills by `(venue, trade id)`: a fill the venue made and the journal lacks is journaled
   once (`Journal.apply_fill` refuses a stored key, so a restart never duplicates it) and
   handed to `on_fill`, which applies it to the engine (`engine.venue_fills`);
3. journal orders still working: the venue's status is journaled where it differs; one
   the venue has closed (canceled or filled by hand, or never received) is handed to
   `on_close` and is never sent again;
4. positions: the venue's net position per instrument against the one the journal's
   fills imply; a difference nothing explains blocks the market unless adopted.

Every finding is journaled (`Journal.record_findings`) with what was done about it. A
venue that cannot be asked blocks its market. The reconciler places and cancels nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tradewind.app.reconciliation_findings import (
    MarketReconciliation,
    ReconcilePolicy,
    ReconciliationReport,
)
from tradewind.app.reconciliation_pass import CloseHook, FillHook, MarketPass
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import DomainError, TradewindError
from tradewind.ports.clock import Clock
from tradewind.store import Journal

__all__ = ["ReconcileSchedule", "Reconciler", "reconcile_at_start"]

_DEFAULT_TOLERANCE = Decimal("1e-9")


def _ignore(_: object) -> None:
    return None


@dataclass(slots=True)
class Reconciler:
    """Reconciles the markets of run `run_id` with their venues.

    Args:
        journal: the run's journal (the session's, holding the run's writer lease).
        run_id: the run.
        clock: stamps each pass.
        policy: FLAG (default: fail closed) or ADOPT (take the venue's state).
        on_fill: applies a recovered fill to the engine; called after it is journaled.
        on_close: marks an engine order finished that the venue no longer works.
        qty_tolerance: the least position difference that counts (see `PositionCheck`).
    """

    journal: Journal
    run_id: str
    clock: Clock
    policy: ReconcilePolicy = ReconcilePolicy.FLAG
    on_fill: FillHook = _ignore
    on_close: CloseHook = _ignore
    qty_tolerance: Decimal = _DEFAULT_TOLERANCE

    def reconcile(
        self, routes: Iterable[MarketRoute], since: datetime | None = None
    ) -> ReconciliationReport:
        """One pass over every market, reading the venues' reports from `since` on (all
        of them when None; a live venue may take the run's start)."""
        ts = self.clock.now()
        markets = tuple(self.reconcile_market(route, since, ts=ts) for route in routes)
        return ReconciliationReport(run_id=self.run_id, ts=ts, markets=markets)

    def reconcile_market(
        self, route: MarketRoute, since: datetime | None = None, *, ts: datetime | None = None
    ) -> MarketReconciliation:
        """One market's pass (see the module docstring); its findings are journaled."""
        market_pass = MarketPass(self, route, since, ts or self.clock.now())
        try:
            market_pass.run()
        except DomainError as error:  # the venue refused a query (disconnected, ...)
            market_pass.unavailable(error)
        self.journal.record_findings(self.run_id, market_pass.findings)
        return MarketReconciliation(
            market=route.market,
            venue=market_pass.venue,
            ts=market_pass.ts,
            findings=tuple(market_pass.findings),
            recovered_fills=tuple(market_pass.recovered),
            closed_orders=tuple(market_pass.closed),
        )


def reconcile_at_start(
    journal: Journal,
    run_id: str,
    routes: Iterable[MarketRoute],
    *,
    clock: Clock,
    policy: ReconcilePolicy | str = ReconcilePolicy.FLAG,
    since: datetime | None = None,
    on_fill: FillHook = _ignore,
    on_close: CloseHook = _ignore,
) -> ReconciliationReport:
    """The pass a session makes before it trades again (after a restart: once its
    engine state has caught up with the journal). Markets it reports as blocked must
    not trade until an operator adopts the venue's state or resolves the findings."""
    reconciler = Reconciler(journal, run_id, clock, ReconcilePolicy(policy), on_fill, on_close)
    return reconciler.reconcile(routes, since)


@dataclass(frozen=True, slots=True)
class ReconcileSchedule:
    """When the next periodic pass is due: every `every_minutes` after the last one.

    Raises:
        TradewindError: `every_minutes` is not a positive finite number.
    """

    every_minutes: float

    def __post_init__(self) -> None:
        minutes = self.every_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int | float):
            raise TradewindError(f"invalid every_minutes {minutes!r}: expected a number > 0")
        if not (math.isfinite(minutes) and minutes > 0):
            raise TradewindError(f"invalid every_minutes {minutes!r}: expected a number > 0")

    def next_due(self, last_pass: datetime | None) -> datetime | None:
        """When the pass after `last_pass` is due; None (at once) when none ran yet."""
        if last_pass is None:
            return None
        return last_pass + timedelta(minutes=self.every_minutes)

    def is_due(self, last_pass: datetime | None, clock: Clock) -> bool:
        """Whether a pass is due now on `clock`."""
        due = self.next_due(last_pass)
        return due is None or clock.now() >= due
