"""Parameter sweeps and their finished trials in the journal (migration 0007).

A sweep (`sweeps`) is identified by a fingerprint its caller computes (the SHA-256 of
the configuration's content and the request), so a sweep that was interrupted can be
found and resumed; each finished trial (`sweep_trials`) is stored at most once per
`(sweep, segment, parameters)`, the parameters compared as canonical JSON. Both are
research records on the wall clock, so neither enters a run's digest.

Every write is its own short transaction, durable when it returns, and takes no writer
lease. `SweepLedger` is the part of `Journal` that writes and reads them.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from tradewind.store.column_checks import left_out_of_digest
from tradewind.store.column_types import Instant
from tradewind.store.documents import json_document
from tradewind.store.errors import JournalError
from tradewind.store.failures import write_failures
from tradewind.store.models import Base
from tradewind.store.reads import JournalReader

__all__ = [
    "SWEEP_LABEL_CHARS",
    "SWEEP_SEGMENT_CHARS",
    "SWEEP_WORKER_CHARS",
    "SweepLedger",
    "SweepRecord",
    "SweepRow",
    "SweepTrialEntry",
    "SweepTrialRow",
    "new_sweep_id",
]

SWEEP_LABEL_CHARS = 256
"""The longest sweep label."""
SWEEP_SEGMENT_CHARS = 64
"""The longest trial segment label (`search`, `fold 1 train`, ...)."""
SWEEP_WORKER_CHARS = 128
"""The longest name of the worker that ran a trial."""

_SWEEP_ID = re.compile(r"sw-\d{8}T\d{6}-[0-9a-f]{4}")
_SWEEP_ID_CHARS = 32
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_SERIAL = BigInteger().with_variant(Integer, "sqlite")
_NEW_ID_ATTEMPTS = 5


def new_sweep_id(now: datetime | None = None) -> str:
    """A fresh sweep id, `sw-YYYYmmddTHHMMSS-xxxx` (UTC time, 4 random hex digits)."""
    instant = (now or datetime.now(UTC)).astimezone(UTC)
    return f"sw-{instant:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def _checked_sweep_id(value: object) -> str:
    if not isinstance(value, str) or not _SWEEP_ID.fullmatch(value):
        raise JournalError(f"invalid sweep_id {value!r}: expected sw-YYYYmmddTHHMMSS-xxxx")
    return value


def _checked_text(value: object, *, what: str, chars: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > chars:
        raise JournalError(f"invalid {what} {value!r}: expected 1 to {chars} characters, not blank")
    return value


def _checked_count(value: object, *, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise JournalError(f"invalid {what} {value!r}: expected an integer >= 0")
    return value


def _checked_instant(value: object, *, what: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise JournalError(f"invalid {what} {value!r}: expected a timezone-aware datetime")
    return value.astimezone(UTC)


def _checked_mapping(value: object, *, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise JournalError(f"invalid {what}: expected a mapping, got {type(value).__name__}")
    return dict(value)


@dataclass(frozen=True, slots=True)
class SweepRecord:
    """A parameter sweep.

    Attributes:
        sweep_id: `sw-YYYYmmddTHHMMSS-xxxx`, made by the journal.
        fingerprint: the SHA-256 hex digest the caller computes from what makes two
            sweeps "the same" (configuration content and request).
        label: what a person reads, e.g. `sma_cross on examples/backtest.yaml (grid, sharpe)`.
        request: the sweep's request as a JSON-ready mapping.
        total_trials: how many trials the sweep plans.
        created_at, finished_at: wall-clock UTC instants (finished_at None: unfinished).

    Raises:
        JournalError: an invalid field; the message names it.
    """

    sweep_id: str
    fingerprint: str
    label: str
    request: dict[str, Any]
    total_trials: int
    created_at: datetime
    finished_at: datetime | None

    def __post_init__(self) -> None:
        _checked_sweep_id(self.sweep_id)
        if not isinstance(self.fingerprint, str) or not _SHA256_HEX.fullmatch(self.fingerprint):
            raise JournalError(
                f"invalid fingerprint {self.fingerprint!r} of sweep {self.sweep_id}: "
                "expected 64 lower-case hex digits (SHA-256)"
            )
        _checked_text(self.label, what="sweep label", chars=SWEEP_LABEL_CHARS)
        object.__setattr__(self, "request", _checked_mapping(self.request, what="sweep request"))
        _checked_count(self.total_trials, what="total_trials")
        created_at = _checked_instant(self.created_at, what="created_at")
        object.__setattr__(self, "created_at", created_at)
        if self.finished_at is not None:
            finished_at = _checked_instant(self.finished_at, what="finished_at")
            object.__setattr__(self, "finished_at", finished_at)


@dataclass(frozen=True, slots=True)
class SweepTrialEntry:
    """One finished trial of a sweep.

    Attributes:
        sweep_id: the sweep it belongs to.
        segment: the caller's label of the part of the sweep (`search`, `fold 1 train`, ...).
        number: the trial's number within its segment (>= 0).
        params: the trial's parameters (a JSON-ready mapping; compared as canonical JSON).
        payload: the trial's record and return summary (JSON-ready; opaque to the journal).
        worker: what ran it (e.g. `pid 4242`).
        finished_at: when it finished (timezone-aware; stored in UTC).

    Raises:
        JournalError: an invalid field; the message names it.
    """

    sweep_id: str
    segment: str
    number: int
    params: dict[str, Any]
    payload: dict[str, Any]
    worker: str
    finished_at: datetime

    def __post_init__(self) -> None:
        _checked_sweep_id(self.sweep_id)
        _checked_text(self.segment, what="trial segment", chars=SWEEP_SEGMENT_CHARS)
        _checked_count(self.number, what="trial number")
        object.__setattr__(self, "params", _checked_mapping(self.params, what="trial params"))
        object.__setattr__(self, "payload", _checked_mapping(self.payload, what="trial payload"))
        _checked_text(self.worker, what="trial worker", chars=SWEEP_WORKER_CHARS)
        finished_at = _checked_instant(self.finished_at, what="trial finished_at")
        object.__setattr__(self, "finished_at", finished_at)


_RESEARCH = {"info": left_out_of_digest()}  # research on the wall clock, not what was traded


class SweepRow(Base):
    """A parameter sweep."""

    __tablename__ = "sweeps"
    __table_args__ = (Index(None, "fingerprint"), _RESEARCH)

    sweep_id: Mapped[str] = mapped_column(String(_SWEEP_ID_CHARS), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(SWEEP_LABEL_CHARS))
    request_json: Mapped[str] = mapped_column(Text)
    total_trials: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Instant())
    finished_at: Mapped[datetime | None] = mapped_column(Instant())


class SweepTrialRow(Base):
    """A finished trial of a sweep (`params_key`: SHA-256 of its canonical params JSON)."""

    __tablename__ = "sweep_trials"
    __table_args__ = (UniqueConstraint("sweep_id", "segment", "params_key"), _RESEARCH)

    trial_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    sweep_id: Mapped[str] = mapped_column(
        String(_SWEEP_ID_CHARS), ForeignKey("sweeps.sweep_id", ondelete="CASCADE")
    )
    segment: Mapped[str] = mapped_column(String(SWEEP_SEGMENT_CHARS))
    number: Mapped[int] = mapped_column(Integer)
    params_key: Mapped[str] = mapped_column(String(64))
    params_json: Mapped[str] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(SWEEP_WORKER_CHARS))
    finished_at: Mapped[datetime] = mapped_column(Instant())


class SweepLedger(JournalReader):
    """Parameter sweeps and their trials (a base of `Journal`). Each write is its own
    short transaction, durable on return, and needs no writer lease."""

    def open_sweep(
        self, fingerprint: str, label: str, request: Mapping[str, Any], total_trials: int
    ) -> tuple[SweepRecord, bool]:
        """The newest unfinished sweep with this fingerprint and True (a resume), or a
        new sweep and False.

        Raises:
            JournalError: an invalid fingerprint, label, request or total, or the journal
                cannot be written.
        """
        now = datetime.now(UTC)
        request = _checked_mapping(request, what="sweep request")
        record = SweepRecord(
            new_sweep_id(now), fingerprint, label, request, total_trials, now, None
        )
        values = _sweep_values(record)  # checks the request has a JSON form before any write
        for _ in range(_NEW_ID_ATTEMPTS):
            try:
                with write_failures(self.label), self.engine.begin() as connection:
                    found = _unfinished_sweep(connection, fingerprint)
                    if found is not None:
                        return _sweep(found), True
                    connection.execute(insert(SweepRow).values(values))
                return _sweep(values), False  # the request as it reads back
            except IntegrityError:  # the random id was taken in the same second: draw again
                values["sweep_id"] = new_sweep_id(now)
        raise JournalError(
            f"cannot open a sweep in journal {self.label}: "
            f"{_NEW_ID_ATTEMPTS} fresh sweep ids were all taken"
        )

    def record_sweep_trial(self, entry: SweepTrialEntry) -> bool:
        """Journal one finished trial in its own transaction (durable on return); False,
        and nothing written, when a trial of the same sweep, segment and parameters
        (compared as canonical JSON) is already there.

        Raises:
            JournalError: an unknown sweep, params or payload with no JSON form, or the
                journal cannot be written.
        """
        values = _trial_values(entry)
        try:
            with write_failures(self.label), self.engine.begin() as connection:
                if _sweep_row(connection, entry.sweep_id) is None:
                    raise self._unknown_sweep(entry.sweep_id)
                if _has_trial(connection, values):
                    return False
                connection.execute(insert(SweepTrialRow).values(values))
        except IntegrityError:  # written by another process between the check and the insert
            return False
        return True

    def sweep_trials(self, sweep_id: str) -> list[SweepTrialEntry]:
        """The trials of `sweep_id` in the order they were written (none: an empty list)."""
        query = (
            select(SweepTrialRow)
            .where(SweepTrialRow.sweep_id == sweep_id)
            .order_by(SweepTrialRow.trial_id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_trial(row) for row in rows]

    def finish_sweep(self, sweep_id: str) -> None:
        """Mark `sweep_id` finished now (a finished sweep keeps its first finish time);
        the next `open_sweep` of its fingerprint starts a new sweep.

        Raises:
            JournalError: an unknown sweep (named), or the journal cannot be written.
        """
        statement = (
            update(SweepRow)
            .where(SweepRow.sweep_id == sweep_id, SweepRow.finished_at.is_(None))
            .values(finished_at=datetime.now(UTC))
        )
        with write_failures(self.label), self.engine.begin() as connection:
            changed = connection.execute(statement).rowcount
            if not changed and _sweep_row(connection, sweep_id) is None:
                raise self._unknown_sweep(sweep_id)

    def sweep(self, sweep_id: str) -> SweepRecord | None:
        """The sweep `sweep_id`, or None."""
        with self.engine.connect() as connection:
            row = _sweep_row(connection, sweep_id)
        return None if row is None else _sweep(row)

    def sweeps(self, limit: int = 50) -> list[SweepRecord]:
        """The newest `limit` sweeps (>= 1), newest first.

        Raises:
            JournalError: `limit` is not a positive integer.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise JournalError(f"invalid sweeps limit {limit!r}: expected an integer >= 1")
        query = (
            select(SweepRow)
            .order_by(SweepRow.created_at.desc(), SweepRow.sweep_id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_sweep(row) for row in rows]

    def _unknown_sweep(self, sweep_id: str) -> JournalError:
        return JournalError(f"unknown sweep {sweep_id!r} in journal {self.label}")


def _sweep_row(connection: Connection, sweep_id: str) -> Mapping[Any, Any] | None:
    query = select(SweepRow).where(SweepRow.sweep_id == sweep_id)
    return connection.execute(query).mappings().first()


def _unfinished_sweep(connection: Connection, fingerprint: str) -> Mapping[Any, Any] | None:
    query = (
        select(SweepRow)
        .where(SweepRow.fingerprint == fingerprint, SweepRow.finished_at.is_(None))
        .order_by(SweepRow.created_at.desc(), SweepRow.sweep_id.desc())
        .limit(1)
    )
    return connection.execute(query).mappings().first()


def _has_trial(connection: Connection, values: Mapping[str, Any]) -> bool:
    query = select(SweepTrialRow.trial_id).where(
        SweepTrialRow.sweep_id == values["sweep_id"],
        SweepTrialRow.segment == values["segment"],
        SweepTrialRow.params_key == values["params_key"],
    )
    return connection.execute(query.limit(1)).first() is not None


def _sweep_values(record: SweepRecord) -> dict[str, Any]:
    return {
        "sweep_id": record.sweep_id,
        "fingerprint": record.fingerprint,
        "label": record.label,
        "request_json": json_document(record.request, what=f"request of sweep {record.sweep_id}"),
        "total_trials": record.total_trials,
        "created_at": record.created_at,
        "finished_at": record.finished_at,
    }


def _trial_values(entry: SweepTrialEntry) -> dict[str, Any]:
    what = f"trial {entry.number} ({entry.segment}) of sweep {entry.sweep_id}"
    params_json = json_document(entry.params, what=f"params of {what}")
    return {
        "sweep_id": entry.sweep_id,
        "segment": entry.segment,
        "number": entry.number,
        "params_key": hashlib.sha256(params_json.encode()).hexdigest(),
        "params_json": params_json,
        "payload_json": json_document(entry.payload, what=f"payload of {what}"),
        "worker": entry.worker,
        "finished_at": entry.finished_at,
    }


def _sweep(row: Mapping[Any, Any]) -> SweepRecord:
    return SweepRecord(
        sweep_id=row["sweep_id"],
        fingerprint=row["fingerprint"],
        label=row["label"],
        request=json.loads(row["request_json"]),
        total_trials=int(row["total_trials"]),
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


def _trial(row: Mapping[Any, Any]) -> SweepTrialEntry:
    return SweepTrialEntry(
        sweep_id=row["sweep_id"],
        segment=row["segment"],
        number=int(row["number"]),
        params=json.loads(row["params_json"]),
        payload=json.loads(row["payload_json"]),
        worker=row["worker"],
        finished_at=row["finished_at"],
    )
