"""`DaskPool`: the trials of a search run on Dask workers give the records and return
summaries of the inline pool, the runner is shipped once (tasks stay small), a trial
that fails names its number and params, and bad or unreachable schedulers are refused
fast. Optionally also against an external scheduler (TRADEWIND_TEST_DASK_SCHEDULER)."""

from __future__ import annotations

import pickle
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from tests.dask_cluster import external_scheduler
from tests.optimize_configs import ONE_MARKET

from tradewind.app import dask_pool
from tradewind.app.dask_pool import DaskPool, DaskPoolError, DaskSettings, open_pool
from tradewind.app.optimize import OptimizeRequest, TrialRunner, parse_space
from tradewind.app.trial_pool import InlinePool, TrialOutcome, TrialPool, TrialTask
from tradewind.config.loader import load_config_text
from tradewind.data.catalog import Catalog

REQUEST = OptimizeRequest(
    strategy="sma_cross", space=parse_space(["fast=2,6", "slow=8,12,20"]), method="grid"
)
TASKS = [
    TrialTask(number, {"fast": fast, "slow": slow})
    for number, (fast, slow) in enumerate((f, s) for f in (2, 6) for s in (8, 12, 20))
]
SCORED_ROWS = (100, 300)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> TrialRunner:
    catalog = Catalog(tmp_path_factory.mktemp("catalog"))
    return TrialRunner.prepare(load_config_text(ONE_MARKET), catalog, REQUEST, ("crypto",))


@pytest.fixture(scope="module")
def inline(runner: TrialRunner) -> list[tuple[Any, ...]]:
    return comparable(run_all(InlinePool(), runner, TASKS))


@pytest.fixture(scope="module")
def local_pool(runner: TrialRunner) -> Iterator[DaskPool]:
    with open_pool(DaskSettings(workers=2)) as pool:
        pool.start(runner)
        yield pool


def run_all(
    pool: TrialPool, runner: TrialRunner | None, tasks: list[TrialTask]
) -> list[TrialOutcome]:
    if runner is not None:
        pool.start(runner)
    for task in tasks:
        pool.submit(task)
    outcomes: list[TrialOutcome] = []
    while len(outcomes) < len(tasks):
        outcomes.extend(pool.finished())
    return sorted(outcomes, key=lambda o: o.task.number)


def comparable(outcomes: list[TrialOutcome]) -> list[tuple[Any, ...]]:
    return [(o.task, replace(o.record, seconds=0.0), o.returns) for o in outcomes]


def runners_held(dask_worker: Any) -> int:
    return sum(isinstance(value, TrialRunner) for value in dask_worker.data.values())


def task_spec_bytes(dask_scheduler: Any) -> list[int]:
    return [len(pickle.dumps(ts.run_spec)) for key, ts in dask_scheduler.tasks.items()
            if str(key).startswith("_run_on_worker")]  # fmt: skip


def spec_sizes_once_submitted(observer: Any, count: int) -> list[int]:
    # Submissions reach the scheduler asynchronously; their futures keep them there.
    deadline = time.monotonic() + 10
    while len(sizes := observer.run_on_scheduler(task_spec_bytes)) < count:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return list(sizes)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_a_local_cluster_runs_the_trials_as_the_inline_pool_does(
    local_pool: DaskPool, inline: list[tuple[Any, ...]]
) -> None:
    outcomes = run_all(local_pool, None, TASKS)
    assert comparable(outcomes) == inline
    assert {o.worker for o in outcomes} <= set(local_pool.workers)
    assert local_pool.description == "local cluster, 2 process workers"
    assert local_pool.width == 4


@pytest.mark.slow
def test_trials_on_scored_rows_match_the_inline_pool_too(
    local_pool: DaskPool, runner: TrialRunner
) -> None:
    tasks = [replace(t, rows=SCORED_ROWS) for t in TASKS]
    assert comparable(run_all(local_pool, None, tasks)) == comparable(
        run_all(InlinePool(), runner, tasks)
    )


@pytest.mark.slow
def test_the_runner_is_shipped_once_and_each_task_is_small(local_pool: DaskPool) -> None:
    from distributed import Client

    assert local_pool.shipped_bytes > 20_000
    tasks = [replace(task, number=task.number + 100) for task in TASKS]
    with Client(local_pool.address, set_as_default=False) as observer:
        for task in tasks:
            local_pool.submit(task)
        sizes = spec_sizes_once_submitted(observer, len(tasks))
        done: list[TrialOutcome] = []
        while len(done) < len(tasks):
            done.extend(local_pool.finished())
        held = observer.run(runners_held)
    assert len(sizes) == len(tasks)
    assert max(sizes) < 2_000
    assert held == dict.fromkeys(local_pool.workers, 1)


@pytest.mark.slow
def test_a_trial_that_fails_on_a_worker_names_its_number_params_and_reason(
    local_pool: DaskPool,
) -> None:
    local_pool.submit(TrialTask(7, {"fast": 10, "slow": 4}))
    with pytest.raises(DaskPoolError, match=r"trial 7 \(fast=10, slow=4\).*must be below slow"):
        local_pool.finished()


@pytest.mark.slow
def test_a_pool_on_a_running_scheduler_leaves_the_cluster_up_when_closed(
    local_pool: DaskPool, runner: TrialRunner, inline: list[tuple[Any, ...]]
) -> None:
    pool = open_pool(DaskSettings(local_pool.address))
    with pool:
        assert pool.description == f"{local_pool.address}, 2 workers"
        assert comparable(run_all(pool, runner, TASKS[:2])) == inline[:2]
    pool.close()  # idempotent
    assert len(local_pool.workers) == 2


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (DaskSettings("localhost"), "--scheduler localhost: expected local or tcp://HOST:PORT"),
        (DaskSettings("http://127.0.0.1:8786"), "--scheduler http://127.0.0.1:8786: expected"),
        (DaskSettings(workers=0), "--workers 0: expected at least 1"),
        (
            DaskSettings("tcp://127.0.0.1:8786", 2),
            "--workers 2 with --scheduler tcp://.*own workers",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_option(settings: DaskSettings, expected: str) -> None:
    with pytest.raises(DaskPoolError, match=expected):
        open_pool(settings)


def test_an_unreachable_scheduler_is_refused_fast_with_what_to_do() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.perf_counter()
    with pytest.raises(
        DaskPoolError, match=f"cannot reach the Dask scheduler at {address}: .*dask scheduler"
    ):
        open_pool(DaskSettings(address))
    assert time.perf_counter() - started < 15


@pytest.mark.slow
def test_a_scheduler_without_workers_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import LocalCluster

    monkeypatch.setattr(dask_pool, "CONNECT_TIMEOUT_S", 1)
    empty = LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None,
                         scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})  # fmt: skip
    with empty, pytest.raises(DaskPoolError, match="has no workers after 1 s"):
        open_pool(DaskSettings(empty.scheduler_address))


@pytest.mark.slow
def test_an_external_scheduler_runs_the_trials_as_the_inline_pool_does(
    runner: TrialRunner, inline: list[tuple[Any, ...]]
) -> None:
    with open_pool(DaskSettings(external_scheduler())) as pool:
        assert len(pool.workers) >= 2
        assert comparable(run_all(pool, runner, TASKS)) == inline
