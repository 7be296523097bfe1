"""Run bookkeeping: starting, resuming and finishing runs with their configuration."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tradewind.__about__ import __version__
from tradewind.domain.redaction import redact_data
from tradewind.store.errors import JournalError, UnknownRunError
from tradewind.store.failures import write_failures
from tradewind.store.models import RunRow
from tradewind.store.reads import JournalReader
from tradewind.store.records import RunInfo, RunMode, RunStatus
from tradewind.store.start_lock import run_start_lock
from tradewind.store.writer_lease import WriterInfo, WriterLease, acquire_lease, recorded_writer

__all__ = ["RunLedger", "canonical_json"]

_MODE_PREFIX = {
    RunMode.BACKTEST: "bt",
    RunMode.PAPER: "pp",
    RunMode.ADVISORY: "ad",
    RunMode.LIVE: "lv",
}
_RUN_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")


def canonical_json(value: Any, *, what: str) -> str:
    """Sorted-key, compact JSON; `Decimal` becomes its string and datetimes ISO-8601.

    Raises:
        JournalError: a value is not JSON-serializable or a float is NaN or infinite.
    """

    def fallback(item: Any) -> Any:
        if isinstance(item, Decimal):
            return str(item)
        if isinstance(item, datetime):
            return item.isoformat()
        raise TypeError(f"{type(item).__name__} is not JSON-serializable")

    try:
        return json.dumps(
            value,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            default=fallback,
        )
    except (TypeError, ValueError) as exc:
        raise JournalError(f"cannot store {what} as JSON: {exc}") from None


class RunLedger(JournalReader):
    """Runs of a journal (the base of `Journal`, which adds the run's records).

    One writer per run: `start_run`, `resume_run` and `Journal.write_row` take the run's
    writer lease (see `tradewind.store.writer_lease`), which this journal holds until
    `release_writers` (called by `Journal.close`) or until the process ends.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._leases: dict[str, WriterLease] = {}

    def starting_run(self) -> contextlib.AbstractContextManager[None]:
        """Hold the journal's start lock while choosing the run to continue or starting
        one (`store.start_lock`): of two sessions started at once, the second waits, then
        finds the first's run leased and is refused.

        Raises:
            JournalError: the journal cannot be locked.
        """
        return run_start_lock(self._engine, self._label)

    def acquire_writer(self, run_id: str) -> None:
        """Take the writer lease of `run_id` (nothing to do if this journal holds it).

        Raises:
            WriterBusyError: another process, or another `Journal` object, holds it; the
                message names the run, the journal and the holder's pid, host and start.
            JournalError: the lease cannot be recorded (a read-only journal).
        """
        if run_id not in self._leases:
            self._leases[run_id] = acquire_lease(self._engine, self._label, run_id)

    def holds_writer(self, run_id: str) -> bool:
        """Whether this journal holds the writer lease of `run_id`."""
        return run_id in self._leases

    def recorded_writer(self, run_id: str) -> WriterInfo | None:
        """Who last took the writer lease of `run_id` (pid, host, since), or None; the
        record outlives a killed holder, so it does not prove the holder is alive."""
        return recorded_writer(self._engine, run_id)

    def release_writers(self) -> None:
        """Give up every writer lease this journal holds."""
        while self._leases:
            _, lease = self._leases.popitem()
            lease.release()

    def start_run(
        self,
        mode: RunMode | str,
        config: Mapping[str, Any] | str,
        *,
        run_id: str | None = None,
        code_version: str | None = None,
    ) -> str:
        """Store a new run with its effective configuration and return its id.

        Without `run_id` the id is `{bt|pp|ad|lv}-{config hash[:12]}-{n:04d}`, where `n`
        counts the runs of that mode and configuration in this journal, so it is
        deterministic for a fresh journal. `config` is a JSON-compatible mapping or JSON
        text; it is stored as canonical JSON (with the password of any URL in it masked as
        `***`) and hashed with SHA-256.

        The journal takes the new run's writer lease (see `acquire_writer`).

        Raises:
            WriterBusyError: another process holds the lease of `run_id`.
            JournalError: invalid mode, run id or configuration, or `run_id` exists.
        """
        run_mode = _parse(RunMode, mode, "run mode")
        if isinstance(config, str):
            try:
                config = json.loads(config)
            except json.JSONDecodeError as exc:
                raise JournalError(f"invalid run configuration JSON: {exc}") from None
        # Callers mask passwords already; this keeps any that slipped through off disk.
        config_json = canonical_json(redact_data(config), what="the run configuration")
        config_hash = hashlib.sha256(config_json.encode()).hexdigest()
        row = {
            "mode": run_mode.value,
            "created_at": datetime.now(UTC),
            "config_json": config_json,
            "config_hash": config_hash,
            "code_version": code_version or __version__,
            "status": RunStatus.RUNNING.value,
        }
        if run_id is not None:
            _check_run_id(run_id)
            self.acquire_writer(run_id)
            if not self._insert_run({**row, "run_id": run_id}):
                raise JournalError(f"run {run_id} already exists in the journal")
            return run_id
        with self._engine.connect() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(RunRow)
                .where(RunRow.config_hash == config_hash, RunRow.mode == run_mode.value)
            )
        number = int(count or 0) + 1
        prefix = f"{_MODE_PREFIX[run_mode]}-{config_hash[:12]}"
        while not self._insert_run({**row, "run_id": f"{prefix}-{number:04d}"}):
            number += 1  # another process took this number meanwhile
        self.acquire_writer(f"{prefix}-{number:04d}")
        return f"{prefix}-{number:04d}"

    def _insert_run(self, row: dict[str, Any]) -> bool:
        try:
            with self._transaction() as connection:
                connection.execute(insert(RunRow), [row])
        except IntegrityError:
            return False
        return True

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A write transaction, committed at the end of the block; a full disk, a
        read-only journal or a failing database becomes a `JournalError` naming the
        journal (constraint violations pass through for the caller to explain)."""
        with write_failures(self._label), self._engine.begin() as connection:
            yield connection

    def resume_run(self, run_id: str) -> RunInfo:
        """Mark a running or interrupted run as running again (after a restart), taking
        its writer lease first (see `acquire_writer`).

        Raises:
            UnknownRunError: no such run.
            WriterBusyError: another process is writing the run (nothing is changed).
            JournalError: the run already finished or failed.
        """
        info = self.run(run_id)
        if info.status in (RunStatus.FINISHED, RunStatus.FAILED):
            raise JournalError(
                f"run {run_id} is {info.status.value}; only a running or interrupted run "
                "can be resumed (start a new run instead)"
            )
        self.acquire_writer(run_id)
        with self._transaction() as connection:
            connection.execute(
                update(RunRow)
                .where(RunRow.run_id == run_id)
                .values(status=RunStatus.RUNNING.value, finished_at=None)
            )
        return self.run(run_id)

    def finish_run(
        self,
        run_id: str,
        status: RunStatus | str = RunStatus.FINISHED,
        summary: Mapping[str, Any] | None = None,
    ) -> None:
        """Record how a run ended (finished, failed or interrupted) and its summary.

        Raises:
            UnknownRunError: no such run.
            JournalError: `status` is not finished, failed or interrupted.
        """
        final = _parse(RunStatus, status, "run status")
        if final is RunStatus.RUNNING:
            raise JournalError(
                f"invalid final status for run {run_id}: 'running' "
                "(expected finished, failed or interrupted)"
            )
        summary_json = (
            None if summary is None else canonical_json(redact_data(summary), what="run summary")
        )
        with self._transaction() as connection:
            changed = connection.execute(
                update(RunRow)
                .where(RunRow.run_id == run_id)
                .values(
                    status=final.value, finished_at=datetime.now(UTC), summary_json=summary_json
                )
            ).rowcount
        if not changed:
            raise UnknownRunError(f"unknown run {run_id!r}")


def _parse(enum_type: Any, value: Any, what: str) -> Any:
    try:
        return enum_type(str(value).lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise JournalError(f"invalid {what} {value!r}: expected one of {allowed}") from None


def _check_run_id(run_id: str) -> None:
    if not isinstance(run_id, str) or not 0 < len(run_id) <= 64:
        raise JournalError(f"invalid run id {run_id!r}: expected 1 to 64 characters")
    bad = sorted(set(run_id) - _RUN_ID_CHARS)
    if bad:
        raise JournalError(
            f"invalid run id {run_id!r}: characters {''.join(bad)!r} are not allowed "
            "(letters, digits and _ . : - only)"
        )
