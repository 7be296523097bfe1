"""One request budget per API key, shared by processes through a locked file."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from pathlib import Path

from tradewind.venues.ccxt.rate_budget import RateBudget, budget_key

INTERVAL_MS = 40.0


def _spend(directory: str, count: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    budget = RateBudget(Path(directory), "binance", "shared-key", INTERVAL_MS)
    for _ in range(count):
        budget.acquire()
        out.put(time.time() * 1000.0)


def test_two_processes_on_one_key_space_their_requests(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [context.Process(target=_spend, args=(str(tmp_path), 5, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    stamps = sorted(out.get(timeout=1) for _ in range(10))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= INTERVAL_MS * 0.8
    assert len(list(tmp_path.iterdir())) == 1


def test_the_file_is_named_by_a_hash_never_the_key(tmp_path: Path) -> None:
    budget = RateBudget(tmp_path, "binance", "my-secret-key", 10)
    budget.acquire()
    (only,) = tmp_path.iterdir()
    assert "my-secret-key" not in only.name
    assert only.name.startswith(budget_key("binance", "my-secret-key"))


def test_a_pause_holds_every_request_until_it_has_passed(tmp_path: Path) -> None:
    now = [1_000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds * 1000.0

    budget = RateBudget(tmp_path, "binance", "k", 10, clock_ms=lambda: now[0], sleep_s=sleep)
    other = RateBudget(tmp_path, "binance", "k", 10, clock_ms=lambda: now[0], sleep_s=sleep)
    budget.pause(2.5)
    assert other.acquire() == 2_500.0
    assert slept == [2.5]


def test_different_keys_do_not_share_a_budget(tmp_path: Path) -> None:
    clock = [0.0]
    first = RateBudget(
        tmp_path, "binance", "a", 100, clock_ms=lambda: clock[0], sleep_s=lambda s: None
    )
    second = RateBudget(
        tmp_path, "binance", "b", 100, clock_ms=lambda: clock[0], sleep_s=lambda s: None
    )
    assert first.acquire() == 0
    assert second.acquire() == 0
    assert first.acquire() == 100


def test_a_caller_asleep_on_its_slot_waits_out_a_pause_begun_meanwhile(tmp_path: Path) -> None:
    now = [0.0]
    other = RateBudget(tmp_path, "binance", "k", 100, clock_ms=lambda: now[0])
    paused_once = []

    def sleep(seconds: float) -> None:  # another process gets a 429 while we sleep
        now[0] += seconds * 1000.0
        if not paused_once:
            paused_once.append(True)
            other.pause(2.0)

    budget = RateBudget(tmp_path, "binance", "k", 100, clock_ms=lambda: now[0], sleep_s=sleep)
    budget.acquire()  # slot at 0: no sleep, no pause yet
    waited = budget.acquire()  # slot at 100 ms; the pause begins while it sleeps
    assert now[0] >= 2_100.0  # sent only after the pause, never during it
    assert waited >= 2_000.0
