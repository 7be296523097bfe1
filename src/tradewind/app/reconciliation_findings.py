"""What a reconciliation pass returns: per market, its findings, the fills it recovered,
the orders it found closed at the venue, whether the market may trade, and one line.

The findings themselves are the journal's records (`store.reconciliation_records`), so
what a caller is told is exactly what the journal keeps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradewind.domain.order_enums import OrderStatus
from tradewind.domain.venue_reports import FillReport
from tradewind.store.reconciliation_records import (
    FindingAction,
    FindingKind,
    ReconciliationFinding,
)

__all__ = [
    "ClosedOrder",
    "FindingAction",
    "FindingKind",
    "MarketReconciliation",
    "ReconcilePolicy",
    "ReconciliationFinding",
    "ReconciliationReport",
    "RecoveredFill",
]


class ReconcilePolicy(StrEnum):
    """What a pass does with venue state the journal cannot explain."""

    FLAG = "flag"
    """Journal the finding and keep the market from trading (fail closed; the default)."""
    ADOPT = "adopt"
    """Take the venue's state: journal unknown orders as external ones and adopt the
    venue's positions (an operator's decision)."""


@dataclass(frozen=True, slots=True)
class RecoveredFill:
    """A fill the venue made and the journal lacked, journaled by the pass; the caller
    applies it to the engine (`engine.venue_fills.apply_venue_fill`).

    Attributes:
        market, symbol: the configured market and symbol it belongs to.
        report: the venue's record of the execution.
        external: the fill of an adopted venue order (the engine has no order for it).
    """

    market: str
    symbol: str
    report: FillReport
    external: bool = False


@dataclass(frozen=True, slots=True)
class ClosedOrder:
    """A journal order the venue no longer works (canceled or filled behind the run's
    back, or never received): journaled with `status`, and never to be sent again."""

    market: str
    client_order_id: str
    status: OrderStatus


@dataclass(frozen=True, slots=True)
class MarketReconciliation:
    """One market's pass.

    Attributes:
        market, venue: what was reconciled.
        ts: when the pass ran (UTC).
        findings: every difference found, with what was done (all journaled).
        recovered_fills: the missed fills journaled by this pass, oldest first.
        closed_orders: the journal orders this pass found no longer working.
        can_trade: False when a finding is flagged (fail closed).
    """

    market: str
    venue: str
    ts: datetime
    findings: tuple[ReconciliationFinding, ...] = ()
    recovered_fills: tuple[RecoveredFill, ...] = ()
    closed_orders: tuple[ClosedOrder, ...] = ()

    @property
    def can_trade(self) -> bool:
        """Whether no finding blocks the market."""
        return not any(finding.blocking for finding in self.findings)

    @property
    def summary(self) -> str:
        """One line: `crypto (SIM-CRYPTO): 1 missed fill recovered; may trade`."""
        head = f"{self.market} ({self.venue})"
        if not self.findings:
            return f"{head}: journal and venue agree; may trade"
        counts = Counter((f.kind, f.action) for f in self.findings)
        parts = [
            f"{n} {str(kind).replace('_', ' ')} {str(action).replace('_', ' ')}"
            for (kind, action), n in counts.items()
        ]
        verdict = "may trade" if self.can_trade else "blocked"
        return f"{head}: {', '.join(parts)}; {verdict}"


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """A pass over a run's markets, in route order."""

    run_id: str
    ts: datetime
    markets: tuple[MarketReconciliation, ...]

    @property
    def can_trade(self) -> bool:
        """Whether every market may trade."""
        return all(market.can_trade for market in self.markets)

    @property
    def blocked(self) -> tuple[str, ...]:
        """The markets that must not trade."""
        return tuple(m.market for m in self.markets if not m.can_trade)

    @property
    def findings(self) -> tuple[ReconciliationFinding, ...]:
        """Every market's findings, in market order."""
        return tuple(f for market in self.markets for f in market.findings)

    @property
    def summary(self) -> str:
        """One line: how many markets agree, how many findings, which markets are blocked."""
        n = len(self.markets)
        found = len(self.findings)
        line = f"reconciled {n} market{'s' if n != 1 else ''} of run {self.run_id}: "
        line += f"{found} finding{'s' if found != 1 else ''}"
        if self.blocked:
            return f"{line}; blocked: {', '.join(self.blocked)}"
        return f"{line}; all may trade"

    def market(self, name: str) -> MarketReconciliation:
        """The pass of market `name`.

        Raises:
            KeyError: no market of that name was reconciled.
        """
        for market in self.markets:
            if market.market == name:
                return market
        raise KeyError(f"market {name!r} was not reconciled")
