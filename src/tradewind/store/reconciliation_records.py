"""What reconciling a run with its venues leaves in the journal (migration 0004).

Two things: every finding of a reconciliation pass (`reconciliation_findings`, one row
per finding, kept out of the run digest: it records what was checked and when, not what
was traded), and the venue orders a pass adopted. An adopted order is an ordinary row
of `orders` that keeps the venue's client order id, so its fills and status updates
use the journal's usual writers; it is numbered -1, -2, ... in its run, never taking
the number of an engine order (0, 1, ...), and its `strategies` is `external`.

`ReconciliationLedger` is the part of `Journal` that writes and reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.order_enums import OrderStatus
from tradewind.store.column_checks import left_out_of_digest, one_of
from tradewind.store.column_types import Amount, Instant
from tradewind.store.errors import JournalError, UnknownRunError
from tradewind.store.failures import write_failures
from tradewind.store.models import Base, OrderEventRow, OrderRow, RunRow
from tradewind.store.reads import JournalReader
from tradewind.store.records import InstantLike
from tradewind.store.tables import column_check, converter

__all__ = [
    "EXTERNAL_STRATEGY",
    "ExternalOrderRecord",
    "FindingAction",
    "FindingKind",
    "ReconciliationFinding",
    "ReconciliationFindingRow",
    "ReconciliationLedger",
]

EXTERNAL_STRATEGY = "external"
"""The `strategies` of an order adopted from a venue (no strategy of the run placed it)."""


class FindingKind(StrEnum):
    """What a reconciliation pass found different between the journal and a venue."""

    MISSED_FILL = "missed_fill"
    """The venue filled, the journal lacked the fill."""
    ORDER_STATUS = "order_status"
    """A working order's status differs (e.g. journal submitted, venue accepted)."""
    ORDER_CLOSED_AT_VENUE = "order_closed_at_venue"
    """The journal has the order working, the venue has it final (canceled, filled...)."""
    ORDER_NOT_AT_VENUE = "order_not_at_venue"
    """The journal has the order working, the venue does not know it."""
    UNKNOWN_ORDER = "unknown_order"
    """The venue has an order the journal lacks."""
    POSITION_MISMATCH = "position_mismatch"
    """The venue's position differs from the one the journal's fills imply."""
    VENUE_UNAVAILABLE = "venue_unavailable"
    """The venue could not be asked (disconnected, an error): nothing was compared."""


class FindingAction(StrEnum):
    """What a reconciliation pass did about a finding."""

    RECOVERED = "recovered"
    """A missed fill was journaled (and handed to the engine)."""
    JOURNALED_VENUE_STATUS = "journaled_venue_status"
    """The journal now holds the venue's status of the order."""
    ADOPTED = "adopted"
    """The venue's state was taken as the journal's (an external order, a position)."""
    FLAGGED = "flagged"
    """Nothing changed and the market must not trade until an operator decides."""
    NOTED = "noted"
    """Nothing to do (e.g. a venue order that closed without a fill)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconciliationFinding:
    """One finding of a reconciliation pass.

    Attributes:
        ts: when the pass ran (UTC; read back as a datetime).
        market, venue: the market reconciled and its venue.
        kind, action: what was found and what was done (`FLAGGED` blocks the market).
        client_order_id, trade_id, instrument: what it is about, where that applies.
        journal_value, venue_value: each side's view, as short text.
        adjust_qty: for an adopted position, the quantity added to the position the
            journal's fills imply (venue minus journal); None otherwise.
        detail: one human-readable sentence.

    Raises:
        JournalError: an unknown kind or action.
    """

    ts: InstantLike
    market: str
    venue: str
    kind: FindingKind | str
    action: FindingAction | str
    client_order_id: str | None = None
    trade_id: str | None = None
    instrument: str | None = None
    journal_value: str = ""
    venue_value: str = ""
    adjust_qty: DecimalLike | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        for name, vocabulary in (("kind", FindingKind), ("action", FindingAction)):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, vocabulary(str(value)))
            except ValueError:
                allowed = ", ".join(member.value for member in vocabulary)
                raise JournalError(
                    f"invalid reconciliation finding {name} {value!r}: expected one of {allowed}"
                ) from None

    @property
    def blocking(self) -> bool:
        """Whether this finding keeps the market from trading."""
        return self.action is FindingAction.FLAGGED


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalOrderRecord:
    """A venue order to adopt into a run, with the venue's client order id and terms.

    `quantity` is unsigned (`side` gives the direction); `status` is the venue's. The
    order is stored with nothing filled: its fills are journaled one by one afterwards.
    """

    client_order_id: str
    ts_created: InstantLike
    market: str
    symbol: str
    side: str
    order_type: str
    quantity: DecimalLike
    status: OrderStatus | str
    venue: str
    price: DecimalLike | None = None
    trigger_price: DecimalLike | None = None
    venue_order_id: str | None = None
    reason: str = ""


class ReconciliationFindingRow(Base):
    """A finding of a reconciliation pass (what differed between journal and venue)."""

    __tablename__ = "reconciliation_findings"
    __table_args__ = (
        Index(None, "run_id", "market", "kind"),
        {"info": left_out_of_digest()},  # what was checked and when, not what was traded
    )

    finding_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, info=left_out_of_digest()
    )
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.run_id"))
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    venue: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), info=one_of(FindingKind))
    action: Mapped[str] = mapped_column(String(32), info=one_of(FindingAction))
    client_order_id: Mapped[str | None] = mapped_column(String(96))
    trade_id: Mapped[str | None] = mapped_column(String(128))
    instrument: Mapped[str | None] = mapped_column(String(128))
    journal_value: Mapped[str] = mapped_column(Text)
    venue_value: Mapped[str] = mapped_column(Text)
    adjust_qty: Mapped[Decimal | None] = mapped_column(Amount())
    detail: Mapped[str] = mapped_column(Text)


_FINDING_NAMES = tuple(field.name for field in fields(ReconciliationFinding))
_ORDER_NAMES = tuple(field.name for field in fields(ExternalOrderRecord))


def _checked(
    model: type[Any], names: Iterable[str], values: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """`values` through the checks the journal schema declares for `model`'s columns."""
    columns = model.__table__.c
    checked = {}
    for name in names:
        convert = converter(column_check(columns[name]), text_storage=False)
        try:
            checked[name] = convert(values[name])
        except ValueError as exc:
            raise JournalError(
                f"invalid {model.__tablename__}.{name} {values[name]!r} in {where}: {exc}"
            ) from None
    return checked


class ReconciliationLedger(JournalReader):
    """Reconciliation findings and adopted venue orders (a base of `Journal`)."""

    def record_findings(self, run_id: str, findings: Iterable[ReconciliationFinding]) -> int:
        """Append a pass's findings in one transaction; returns how many.

        Raises:
            UnknownRunError: no such run.
            JournalError: an invalid value, named with its column and finding.
        """
        rows = [
            _checked(
                ReconciliationFindingRow,
                _FINDING_NAMES,
                {name: getattr(finding, name) for name in _FINDING_NAMES},
                f"finding {index}",
            )
            | {"run_id": run_id}
            for index, finding in enumerate(findings)
        ]
        if not rows:
            return 0
        self._require_run(run_id)
        with write_failures(self.label), self.engine.begin() as connection:
            connection.execute(insert(ReconciliationFindingRow), rows)
        return len(rows)

    def reconciliation_findings(
        self, run_id: str, market: str | None = None
    ) -> list[ReconciliationFinding]:
        """The run's findings (of `market`, if given) in the order they were journaled."""
        where = [ReconciliationFindingRow.run_id == run_id]
        if market is not None:
            where.append(ReconciliationFindingRow.market == market)
        return self._records(
            ReconciliationFinding,
            ReconciliationFindingRow,
            where,
            ReconciliationFindingRow.finding_id,
        )

    def adopt_order(self, run_id: str, order: ExternalOrderRecord) -> bool:
        """Store a venue order in run `run_id` under the venue's client order id, numbered
        below the run's lowest (-1, -2, ...), with its first status event. False, with
        nothing written, when the journal already holds that client order id (in any run).

        Raises:
            UnknownRunError: no such run.
            JournalError: an invalid value, named with its column.
        """
        where = f"adopted order {order.client_order_id}"
        values = _checked(
            OrderRow, _ORDER_NAMES, {n: getattr(order, n) for n in _ORDER_NAMES}, where
        )
        self._require_run(run_id)
        with write_failures(self.label), self.engine.begin() as connection:
            known = connection.scalar(
                select(OrderRow.client_order_id).where(
                    OrderRow.client_order_id == values["client_order_id"]
                )
            )
            if known is not None:
                return False
            lowest = connection.scalar(
                select(func.min(OrderRow.seq)).where(OrderRow.run_id == run_id)
            )
            seq = min(int(lowest or 0), 0) - 1
            row = values | {
                "run_id": run_id,
                "seq": seq,
                "filled_qty": Decimal(0),
                "strategies": EXTERNAL_STRATEGY,
                "updated_at": values["ts_created"],
            }
            connection.execute(insert(OrderRow), [row])
            connection.execute(
                insert(OrderEventRow).values(
                    run_id=run_id,
                    client_order_id=values["client_order_id"],
                    ts=values["ts_created"],
                    status=values["status"],
                    detail=order.reason,
                )
            )
        return True

    def _require_run(self, run_id: str) -> None:
        with self.engine.connect() as connection:
            found = connection.scalar(select(RunRow.run_id).where(RunRow.run_id == run_id))
        if found is None:
            raise UnknownRunError(f"unknown run {run_id!r}")
