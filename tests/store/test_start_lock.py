"""The journal's start lock: a second session waits while the first picks or starts
its run, then finds that run leased."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tradewind.store import Journal


def test_a_second_start_waits_until_the_first_has_started(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    first, second = Journal.open(path), Journal.open(path)
    events: list[str] = []
    entered = threading.Event()

    def other() -> None:
        entered.wait()
        with second.starting_run():
            events.append("second")

    thread = threading.Thread(target=other)
    thread.start()
    try:
        with first.starting_run():
            entered.set()
            time.sleep(0.3)  # the other thread is blocked meanwhile
            events.append("first")
        thread.join(timeout=10)
    finally:
        first.close()
        second.close()
    assert events == ["first", "second"]
    assert (tmp_path / "j.sqlite.start.lock").exists()


def test_an_in_memory_journal_needs_no_start_lock() -> None:
    journal = Journal.open(":memory:")
    try:
        with journal.starting_run(), journal.starting_run():
            pass  # not even against itself
    finally:
        journal.close()
