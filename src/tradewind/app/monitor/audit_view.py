"""The control audit: the latest control commands with their acknowledgements."""

from __future__ import annotations

from sqlalchemy import select

from tradewind.app.monitor.views import AuditAck, AuditEntry, MonitorError
from tradewind.store import ControlRecord, Journal
from tradewind.store.control_records import ControlCommandRow

__all__ = ["audit"]


def audit(journal: Journal, *, limit: int = 50) -> tuple[AuditEntry, ...]:
    """The newest `limit` control commands, newest first, each with its acks (oldest
    first) and how long after the command each came, in ms.

    Raises:
        MonitorError: `limit` below 1.
    """
    if limit < 1:
        raise MonitorError(f"invalid limit {limit}: expected a count of at least 1")
    query = (
        select(ControlCommandRow.command_id)
        .order_by(ControlCommandRow.command_id.desc())
        .offset(limit - 1)
        .limit(1)
    )
    with journal.engine.connect() as connection:
        oldest = connection.scalar(query)
    records = journal.control_commands(after_id=0 if oldest is None else oldest - 1)
    return tuple(_entry(record) for record in reversed(records))


def _entry(record: ControlRecord) -> AuditEntry:
    command = record.command
    return AuditEntry(
        id=record.id,
        issued_at=record.issued_at,
        action=command.action.value,
        market=command.market,
        user=command.user,
        reason=command.reason,
        source=command.source,
        acks=tuple(
            AuditAck(
                run_id=ack.run_id,
                outcome=ack.outcome,
                at=ack.applied_at,
                latency_ms=round((ack.applied_at - record.issued_at).total_seconds() * 1000),
            )
            for ack in record.acks
        ),
    )
