"""Where the trials of `tradewind optimize` run: `TrialPool` is the port, `InlinePool`
runs them in this process, `app.dask_pool.DaskPool` on a Dask cluster.

A pool receives the prepared `TrialRunner` once (`start`), then only small
`TrialTask`s (a number, the parameters, the rows scored); `run_task` is what runs one
of them wherever the runner lives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from tradewind.research.optimize_space import Choice
from tradewind.research.overfitting import ReturnSummary, summarize_returns

if TYPE_CHECKING:
    from tradewind.app.optimize import TrialRunner
    from tradewind.app.optimize_results import TrialRecord

__all__ = ["InlinePool", "TrialOutcome", "TrialPool", "TrialTask", "run_task"]


@dataclass(frozen=True, slots=True)
class TrialTask:
    """One trial to run: its number, parameters and the rows (start, stop) it is scored
    on (None: the whole run)."""

    number: int
    params: dict[str, Choice]
    rows: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class TrialOutcome:
    """A finished trial: its record and the summary of its scored returns (for the
    overfitting statistics); `worker` names where it ran."""

    task: TrialTask
    record: TrialRecord
    returns: ReturnSummary
    worker: str = "inline"


class TrialPool(Protocol):
    """Runs `TrialTask`s of one prepared runner, `width` of them at a time."""

    @property
    def width(self) -> int:
        """How many tasks to keep in flight."""
        ...

    @property
    def description(self) -> str:
        """Where the tasks run, in words."""
        ...

    def start(self, runner: TrialRunner) -> None:
        """Ship the prepared data (once; every later task refers to it)."""
        ...

    def submit(self, task: TrialTask) -> None:
        """Start `task` (returns at once)."""
        ...

    def finished(self) -> list[TrialOutcome]:
        """Block until at least one submitted task finished; the finished ones."""
        ...

    def close(self) -> None:
        """Release the workers and the data (the pool cannot be used after)."""
        ...


class InlinePool:
    """Runs each task in this process when `finished` is called (width 1)."""

    def __init__(self) -> None:
        self._runner: TrialRunner | None = None
        self._queue: list[TrialTask] = []

    @property
    def width(self) -> int:
        return 1

    @property
    def description(self) -> str:
        return "this process"

    def start(self, runner: TrialRunner) -> None:
        self._runner = runner

    def submit(self, task: TrialTask) -> None:
        self._queue.append(task)

    def finished(self) -> list[TrialOutcome]:
        if self._runner is None:
            raise RuntimeError("InlinePool.finished before start")
        done = [run_task(self._runner, task) for task in self._queue]
        self._queue.clear()
        return done

    def close(self) -> None:
        self._runner = None
        self._queue.clear()


_ROW_RUNNERS: dict[tuple[int, tuple[int, int]], tuple[TrialRunner, TrialRunner]] = {}
_KEPT_ROW_RUNNERS = 8


def run_task(runner: TrialRunner, task: TrialTask, worker: str = "inline") -> TrialOutcome:
    """Run `task` with `runner` (cut to `task.rows` when given): the record numbered
    as the task, timed, and the summary of the scored rows' returns."""
    started = time.perf_counter()
    scoped = runner if task.rows is None else _rows_runner(runner, task.rows)
    record, equity = scoped.run_params(task.params)
    returns = np.diff(equity) / equity[:-1] if len(equity) > 1 else np.zeros(0)
    record = replace(record, number=task.number, seconds=time.perf_counter() - started)
    return TrialOutcome(task, record, summarize_returns(returns), worker)


def _rows_runner(runner: TrialRunner, rows: tuple[int, int]) -> TrialRunner:
    # A fold's tasks share one cut of the panel per process (cutting is cheap but not
    # free). The entry holds the runner itself, so its id cannot be reused by another.
    key = (id(runner), rows)
    found = _ROW_RUNNERS.get(key)
    if found is not None and found[0] is runner:
        return found[1]
    while len(_ROW_RUNNERS) >= _KEPT_ROW_RUNNERS:
        _ROW_RUNNERS.pop(next(iter(_ROW_RUNNERS)))
    cut = runner.for_rows(*rows)
    _ROW_RUNNERS[key] = (runner, cut)
    return cut
