"""The control channel and session heartbeats in the journal (migration 0005).

Operators (the CLI, the web API) and sessions themselves ask running sessions to stop,
resume, enable or disable a market by journaling a `ControlCommand`
(`control_commands`); each session acknowledges it (`control_acks`: when it takes the
command in and, if it likes, again when it carried it out), and every running session
upserts its heartbeat (`heartbeats`, one row per run) so that a command's sender knows
who should answer.
Promotions and drift checks (`tradewind.store.promotion_records`) come with the same
migration and are re-exported here.

Every write is its own short transaction, durable when it returns, and takes no writer
lease: it works while a session holds its run's lease and writes rows (SQLite waits for
the other writer's transaction within the journal's busy timeout). None of these tables
enters a run's digest: they record who asked what and when, on the wall clock.

`ControlLedger` is the part of `Journal` that writes and reads them.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from tradewind.store.column_checks import left_out_of_digest
from tradewind.store.column_types import Instant
from tradewind.store.documents import json_document
from tradewind.store.errors import JournalError
from tradewind.store.failures import write_failures
from tradewind.store.models import Base
from tradewind.store.promotion_records import (
    ALL_STRATEGIES,
    MARKET_CHARS,
    USER_CHARS,
    DriftCheckRecord,
    PromotionLedger,
    PromotionRecord,
    Stage,
    checked_text,
)
from tradewind.store.records import RunMode

__all__ = [
    "ALL_STRATEGIES",
    "CONTROL_SOURCES",
    "ControlAck",
    "ControlAckRow",
    "ControlAction",
    "ControlCommand",
    "ControlCommandRow",
    "ControlLedger",
    "ControlRecord",
    "DriftCheckRecord",
    "Heartbeat",
    "HeartbeatRow",
    "PromotionRecord",
    "Stage",
]

CONTROL_SOURCES = ("cli", "api", "session")
"""Where a control command may come from."""

_TEXT_CHARS = 100_000
_RUN_ID_CHARS = 64
_HOST_CHARS = 255


def _now() -> datetime:
    return datetime.now(UTC)


class ControlAction(StrEnum):
    """What a control command asks of the running sessions."""

    SOFT = "soft"
    """Stop: no new entries; open positions are managed to their normal exits."""
    HARD = "hard"
    """Stop: cancel working orders, flatten positions, halt."""
    FREEZE = "freeze"
    """Stop: no orders and no cancels at all."""
    RESUME = "resume"
    """Lift the stops (every stop, or a market's own)."""
    ENABLE = "enable"
    """Let a disabled market trade again."""
    DISABLE = "disable"
    """Keep a market from trading (independent of stops)."""
    CONFIRM_LIVE = "confirm_live"
    """The operator confirmed a live start (an audit record; changes no stop)."""


@dataclass(frozen=True, slots=True)
class ControlCommand:
    """What an operator (or a session itself) asks the running sessions.

    Attributes:
        action: a `ControlAction` (its text is accepted and converted).
        market: the market it applies to; None for every market (enable and disable
            need a market).
        user: who asked (OS user, web user, or `session` for automatic commands).
        reason: why (may be empty).
        source: `cli`, `api` or `session`.

    Raises:
        JournalError: an unknown action or source, an empty user, enable or disable
            without a market, or a field too long; names the field.
    """

    action: ControlAction
    market: str | None
    user: str
    reason: str
    source: str

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "action", ControlAction(str(self.action).lower()))
        except ValueError:
            allowed = ", ".join(action.value for action in ControlAction)
            raise JournalError(
                f"invalid control command action {self.action!r}: expected one of {allowed}"
            ) from None
        if self.market is not None:
            checked_text(self.market, "control command market", limit=MARKET_CHARS)
        elif self.action in (ControlAction.ENABLE, ControlAction.DISABLE):
            raise JournalError(
                f"invalid control command market None: {self.action.value} needs a market"
            )
        checked_text(self.user, "control command user", limit=USER_CHARS)
        checked_text(self.reason, "control command reason", limit=_TEXT_CHARS, required=False)
        if self.source not in CONTROL_SOURCES:
            raise JournalError(
                f"invalid control command source {self.source!r}: expected one of "
                f"{', '.join(CONTROL_SOURCES)}"
            )


@dataclass(frozen=True, slots=True)
class ControlAck:
    """A session's acknowledgement: run `run_id` applied command `command_id` at
    `applied_at` (its wall clock, UTC) with `outcome` (e.g. `applied`)."""

    command_id: int
    run_id: str
    applied_at: datetime
    outcome: str


@dataclass(frozen=True, slots=True)
class ControlRecord:
    """A journaled control command: its number, when it was issued (UTC) and the
    acknowledgements received so far (in the order they were journaled)."""

    id: int
    issued_at: datetime
    command: ControlCommand
    acks: tuple[ControlAck, ...]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The latest sign of life of a running session (one per run)."""

    run_id: str
    mode: str
    pid: int
    host: str
    beat_at: datetime
    detail: dict[str, object]


_AUDIT = {"info": left_out_of_digest()}  # who asked what and when, not what was traded
_SERIAL = BigInteger().with_variant(Integer, "sqlite")


class ControlCommandRow(Base):
    """A control command (stop, resume, enable, disable, live confirmation)."""

    __tablename__ = "control_commands"
    __table_args__ = (_AUDIT,)

    command_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(Instant())
    action: Mapped[str] = mapped_column(String(16))
    market: Mapped[str | None] = mapped_column(String(MARKET_CHARS))
    user_name: Mapped[str] = mapped_column(String(USER_CHARS))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))


class ControlAckRow(Base):
    """A session's acknowledgement of a control command."""

    __tablename__ = "control_acks"
    __table_args__ = (Index(None, "command_id"), _AUDIT)

    ack_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    command_id: Mapped[int] = mapped_column(_SERIAL, ForeignKey("control_commands.command_id"))
    run_id: Mapped[str] = mapped_column(String(_RUN_ID_CHARS))
    applied_at: Mapped[datetime] = mapped_column(Instant())
    outcome: Mapped[str] = mapped_column(Text)


class HeartbeatRow(Base):
    """The latest heartbeat of a session's run."""

    __tablename__ = "heartbeats"
    __table_args__ = (_AUDIT,)

    run_id: Mapped[str] = mapped_column(String(_RUN_ID_CHARS), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(_HOST_CHARS))
    beat_at: Mapped[datetime] = mapped_column(Instant())
    detail_json: Mapped[str] = mapped_column(Text)


class ControlLedger(PromotionLedger):
    """The control channel, heartbeats, promotions and drift checks (a base of
    `Journal`). Writes take no writer lease; each is one short transaction."""

    def issue_control(self, command: ControlCommand) -> ControlRecord:
        """Journal a control command (durable when this returns); returns it with its
        number and issue time.

        Raises:
            JournalError: the journal cannot be written.
        """
        issued_at = _now()
        values = {
            "issued_at": issued_at,
            "action": command.action.value,
            "market": command.market,
            "user_name": command.user,
            "reason": command.reason,
            "source": command.source,
        }
        with write_failures(self.label), self.engine.begin() as connection:
            key = connection.execute(insert(ControlCommandRow).values(values)).inserted_primary_key
        command_id = int(key[0]) if key else 0
        return ControlRecord(id=command_id, issued_at=issued_at, command=command, acks=())

    def control_commands(self, after_id: int = 0, limit: int | None = None) -> list[ControlRecord]:
        """The commands numbered above `after_id` (at most `limit`), oldest first, each
        with its acknowledgements.

        Raises:
            JournalError: a negative limit, or a stored command this version cannot read
                (an unknown action); names the command and the field.
        """
        if limit is not None and limit < 0:
            raise JournalError(f"invalid limit {limit}: expected a count >= 0")
        query = (
            select(ControlCommandRow)
            .where(ControlCommandRow.command_id > after_id)
            .order_by(ControlCommandRow.command_id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            if not rows:
                return []
            last_id = rows[-1]["command_id"]
            acks = connection.execute(
                select(ControlAckRow)
                .where(ControlAckRow.command_id > after_id, ControlAckRow.command_id <= last_id)
                .order_by(ControlAckRow.ack_id)
            ).mappings()
            by_command: dict[int, list[ControlAck]] = {}
            for ack in acks:
                by_command.setdefault(ack["command_id"], []).append(_ack(ack))
        return [_record(row, by_command.get(row["command_id"], ())) for row in rows]

    def acknowledge_control(self, command_id: int, run_id: str, outcome: str) -> ControlAck:
        """Journal that run `run_id` took in or carried out command `command_id`, with
        `outcome`, at the wall clock now. A run may acknowledge a command several times
        (in force when read, done when carried out): every acknowledgement is kept, in
        order.

        Raises:
            JournalError: an unknown command, an empty run id or outcome.
        """
        checked_text(run_id, "control ack run_id", limit=_RUN_ID_CHARS)
        checked_text(outcome, "control ack outcome", limit=_TEXT_CHARS)
        with write_failures(self.label), self.engine.begin() as connection:
            known = connection.scalar(
                select(ControlCommandRow.command_id).where(
                    ControlCommandRow.command_id == command_id
                )
            )
            if known is None:
                raise JournalError(f"unknown control command {command_id} in journal {self.label}")
            values = {
                "command_id": command_id,
                "run_id": run_id,
                "applied_at": _now(),
                "outcome": outcome,
            }
            connection.execute(insert(ControlAckRow).values(values))
        return _ack(values)

    def beat(self, run_id: str, mode: str, detail: Mapping[str, object]) -> None:
        """Record that run `run_id` (a session of `mode`) is alive now, with this
        process's pid and host and a JSON-compatible `detail` (replaces its last beat).

        Raises:
            JournalError: an empty run id, an unknown mode, a detail with no JSON form.
        """
        checked_text(run_id, "heartbeat run_id", limit=_RUN_ID_CHARS)
        try:
            run_mode = RunMode(str(mode).lower())
        except ValueError:
            allowed = ", ".join(m.value for m in RunMode)
            raise JournalError(
                f"invalid heartbeat mode {mode!r}: expected one of {allowed}"
            ) from None
        values = {
            "run_id": run_id,
            "mode": run_mode.value,
            "pid": os.getpid(),
            "host": socket.gethostname()[:_HOST_CHARS],
            "beat_at": _now(),
            "detail_json": json_document(detail, what="heartbeat detail"),
        }
        dialect = postgresql if self.backend == "postgresql" else sqlite
        statement = dialect.insert(HeartbeatRow).values(values)
        changed = {name: statement.excluded[name] for name in values if name != "run_id"}
        upsert = statement.on_conflict_do_update(index_elements=["run_id"], set_=changed)
        with write_failures(self.label), self.engine.begin() as connection:
            connection.execute(upsert)

    def heartbeats(self) -> list[Heartbeat]:
        """The latest heartbeat of every run that ever beat, oldest beat first."""
        query = select(HeartbeatRow).order_by(HeartbeatRow.beat_at, HeartbeatRow.run_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            Heartbeat(
                run_id=row["run_id"],
                mode=row["mode"],
                pid=int(row["pid"]),
                host=row["host"],
                beat_at=row["beat_at"],
                detail=json.loads(row["detail_json"]),
            )
            for row in rows
        ]


def _ack(row: Mapping[Any, Any]) -> ControlAck:
    return ControlAck(
        command_id=int(row["command_id"]),
        run_id=row["run_id"],
        applied_at=row["applied_at"],
        outcome=row["outcome"],
    )


def _record(row: Mapping[Any, Any], acks: Sequence[ControlAck]) -> ControlRecord:
    try:
        command = ControlCommand(
            action=row["action"],
            market=row["market"],
            user=row["user_name"],
            reason=row["reason"],
            source=row["source"],
        )
    except JournalError as exc:
        raise JournalError(f"control command {row['command_id']}: {exc}") from None
    return ControlRecord(
        id=int(row["command_id"]), issued_at=row["issued_at"], command=command, acks=tuple(acks)
    )
