"""A sweep's trials in the journal: each finished trial is written as it finishes, and
a sweep run again with the same config, data and request resumes from them.

"The same sweep" is a fingerprint of the config, the request, the walk-forward plan
and the data the engine sees (timestamps and closes of the prepared panel), so a
changed input starts a new sweep instead of mixing results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewind.app.optimize_results import TrialRecord
from tradewind.app.trial_pool import TrialOutcome, TrialTask
from tradewind.research.overfitting import ReturnSummary

if TYPE_CHECKING:
    from tradewind.app.optimize import TrialRunner
    from tradewind.store.journal import Journal
    from tradewind.store.sweep_records import SweepRecord

__all__ = ["SweepLog", "sweep_fingerprint"]


def sweep_fingerprint(runner: TrialRunner, plan: Mapping[str, Any] | None) -> str:
    """SHA-256 of the config, the request, `plan` and the prepared data."""
    digest = hashlib.sha256()
    digest.update(runner.config.model_dump_json().encode())
    request = runner.request
    described = {
        "strategy": request.strategy, "method": request.method,
        "objective": request.objective, "trials": request.trials, "seed": request.seed,
        "space": [d.describe() for d in request.space], "plan": dict(plan or {}),
    }  # fmt: skip
    digest.update(json.dumps(described, sort_keys=True, separators=(",", ":")).encode())
    panel = runner.panel
    digest.update(np.ascontiguousarray(panel.timestamps).tobytes())
    digest.update(np.ascontiguousarray(panel.close).tobytes())
    return digest.hexdigest()


@dataclass(slots=True)
class SweepLog:
    """One sweep in the journal: what it finished before, and each trial it finishes."""

    journal: Journal
    sweep: SweepRecord
    _finished: dict[str, dict[str, TrialOutcome]]

    @classmethod
    def open(
        cls, journal: Journal, fingerprint: str, label: str,
        request: Mapping[str, Any], total_trials: int,
    ) -> SweepLog:  # fmt: skip
        """The unfinished sweep with this fingerprint (resumed) or a new one.

        Raises:
            JournalError: the journal cannot be written.
        """
        from tradewind.app.trial_search import params_key

        sweep, resumed = journal.open_sweep(fingerprint, label, request, total_trials)
        finished: dict[str, dict[str, TrialOutcome]] = {}
        for entry in journal.sweep_trials(sweep.sweep_id) if resumed else []:
            outcome = _outcome(entry.payload, entry.worker)
            finished.setdefault(entry.segment, {})[params_key(entry.params)] = outcome
        return cls(journal, sweep, finished)

    @property
    def sweep_id(self) -> str:
        return self.sweep.sweep_id

    @property
    def reusable(self) -> int:
        """Trials of an interrupted run available to this one."""
        return sum(len(found) for found in self._finished.values())

    def finished(self, segment: str) -> dict[str, TrialOutcome]:
        """The trials of `segment` finished before, by their parameters' key."""
        return dict(self._finished.get(segment, {}))

    def record(self, segment: str, outcome: TrialOutcome) -> None:
        """Journal one finished trial (durable when this returns)."""
        from tradewind.store.sweep_records import SweepTrialEntry

        payload = {"record": outcome.record.as_dict(), "returns": outcome.returns.as_dict(),
                   "rows": outcome.task.rows}  # fmt: skip
        entry = SweepTrialEntry(
            sweep_id=self.sweep_id, segment=segment, number=outcome.task.number,
            params=dict(outcome.task.params), payload=payload, worker=outcome.worker,
            finished_at=datetime.now(UTC),
        )  # fmt: skip
        self.journal.record_sweep_trial(entry)

    def finish(self) -> None:
        """Mark the sweep finished (a later run of it starts afresh)."""
        self.journal.finish_sweep(self.sweep_id)


def _outcome(payload: Mapping[str, Any], worker: str) -> TrialOutcome:
    record = TrialRecord.from_dict(payload["record"])
    rows = payload.get("rows")
    task = TrialTask(record.number, dict(record.params), None if rows is None else tuple(rows))
    return TrialOutcome(task, record, ReturnSummary.from_dict(payload["returns"]), worker)
