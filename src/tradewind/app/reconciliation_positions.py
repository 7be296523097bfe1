"""Positions in reconciliation: the venue's net positions against the ones the journal
implies (the run's fills of the market, plus positions adopted by earlier passes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tradewind.domain.decimals import to_decimal
from tradewind.domain.instrument import Instrument
from tradewind.ports.execution import PositionView
from tradewind.store.reconciliation_records import (
    FindingAction,
    FindingKind,
    ReconciliationFinding,
)
from tradewind.store.records import FillRecord

__all__ = ["PositionCheck", "journal_positions", "venue_positions"]

_SIGN = {"buy": Decimal(1), "sell": Decimal(-1)}


def journal_positions(
    fills: Iterable[FillRecord],
    adopted: Iterable[ReconciliationFinding],
    instrument_of: Mapping[str, str],
    market: str,
) -> dict[str, Decimal]:
    """Signed net quantity per instrument (its text form) that `market`'s journaled
    fills and adopted positions imply; `instrument_of` maps a symbol to its instrument."""
    held: dict[str, Decimal] = defaultdict(Decimal)
    for fill in fills:
        if fill.market == market:
            key = instrument_of.get(fill.symbol, fill.symbol)
            held[key] += _SIGN[str(fill.side)] * to_decimal(fill.qty)
    for finding in adopted:
        if (
            finding.kind is FindingKind.POSITION_MISMATCH
            and finding.action is FindingAction.ADOPTED
            and finding.instrument is not None
            and finding.adjust_qty is not None
        ):
            held[finding.instrument] += to_decimal(finding.adjust_qty)
    return dict(held)


def venue_positions(positions: Iterable[PositionView]) -> dict[str, Decimal]:
    """Signed net quantity per instrument (its text form) as the venue reports it."""
    return {str(p.instrument_id): Decimal(p.quantity) for p in positions}


@dataclass(frozen=True, slots=True)
class PositionCheck:
    """Compares one market's positions, instrument by instrument.

    Attributes:
        instruments: the route's instruments by symbol (their lot sets the tolerance).
        qty_tolerance: the least difference that counts, in units of the instrument
            (journaled fills carry the engine's float residue); each instrument also
            tolerates half its lot.
    """

    instruments: Mapping[str, Instrument]
    qty_tolerance: Decimal

    def differences(
        self,
        venue: Mapping[str, Decimal],
        journal: Mapping[str, Decimal],
        unadopted: Mapping[str, Decimal],
    ) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """`(instrument, venue qty, journal qty, unexplained qty)` for each instrument
        whose two sides differ; `unadopted` is what fills of venue orders the journal
        does not hold account for (they explain that much of a difference)."""
        found = []
        for key in sorted(set(venue) | set(journal)):
            at_venue, journaled = venue.get(key, Decimal(0)), journal.get(key, Decimal(0))
            tolerance = self._tolerance(key)
            if abs(at_venue - journaled) <= tolerance:
                continue
            unexplained = at_venue - journaled - unadopted.get(key, Decimal(0))
            if abs(unexplained) <= tolerance:
                unexplained = Decimal(0)
            found.append((key, at_venue, journaled, unexplained))
        return found

    def _tolerance(self, key: str) -> Decimal:
        lots = [i.lot_size for i in self.instruments.values() if str(i.id) == key]
        return max([self.qty_tolerance, *(lot / 2 for lot in lots)])
