"""Which run the dashboard shows, and the configuration it ran with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError

from tradewind.app.control_commands import running_sessions
from tradewind.app.monitor.views import RunRef
from tradewind.config import TradewindConfig
from tradewind.store import Heartbeat, RunInfo, RunMode, RunStatus

__all__ = ["SESSION_MODES", "run_config", "run_ref", "shown_run"]

SESSION_MODES = frozenset({RunMode.PAPER, RunMode.ADVISORY, RunMode.LIVE})
"""The modes of runs that are sessions (they beat; a backtest never does)."""


def shown_run(
    runs: Sequence[RunInfo], beats: Sequence[Heartbeat], now: datetime
) -> tuple[RunInfo | None, bool]:
    """The run to show and whether it runs now: the newest session run with a fresh
    heartbeat (`running_sessions`), else the newest session run, else the newest run
    (a backtest). `runs` are oldest first, as `Journal.runs` gives them."""
    alive = {beat.run_id for beat in running_sessions(beats, now)}
    sessions = [run for run in runs if run.mode in SESSION_MODES]
    for run in reversed(sessions):
        if run.run_id in alive and run.status is RunStatus.RUNNING:
            return run, True
    if sessions:
        return sessions[-1], False
    return (runs[-1], False) if runs else (None, False)


def run_ref(run: RunInfo | None, running: bool) -> RunRef | None:
    """The run's reference (None for no run); a backtest is never running."""
    if run is None:
        return None
    return RunRef(
        run_id=run.run_id,
        mode=run.mode.value,
        status=run.status.value,
        created_at=run.created_at,
        finished_at=run.finished_at,
        running=running and run.mode in SESSION_MODES,
    )


def run_config(run: RunInfo | None) -> TradewindConfig | None:
    """The configuration a run stored (sessions store the whole validated config plus
    their `venues`), or None when it holds no Tradewind config (a CLI backtest of one
    file) or no longer validates with this version."""
    if run is None:
        return None
    try:
        document = json.loads(run.config_json)
    except json.JSONDecodeError:
        return None
    if not isinstance(document, dict) or "markets" not in document:
        return None
    document.pop("venues", None)
    try:
        return TradewindConfig.model_validate(document)
    except ValidationError:
        return None
