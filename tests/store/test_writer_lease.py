"""One writer per run: the writer lease of `start_run`, `resume_run` and `write_row`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tradewind.store import Journal, JournalError
from tradewind.store.errors import WriterBusyError
from tradewind.store.row_batch import RowBatch
from tradewind.store.writer_lease import lock_path

from ._helpers import CONFIG, at, order

# Takes the lease of run "r" of the journal in argv[1], says so, and waits to be killed.
HOLDER = """
import sys, time
from tradewind.store import Journal
journal = Journal.open(sys.argv[1])
journal.resume_run("r")
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_writer_of_a_run_is_refused_and_told_who_holds_it(journal_target: str) -> None:
    with Journal.open(journal_target) as first, Journal.open(journal_target) as second:
        first.start_run("paper", CONFIG, run_id="r")
        with pytest.raises(WriterBusyError) as refused:
            second.resume_run("r")
        message = str(refused.value)
        assert "run r in journal" in message
        assert second.label in message
        assert f"pid {os.getpid()} on {socket.gethostname()} since " in message
        assert "wait for that session to finish or stop it" in message
        assert not second.holds_writer("r")


def test_a_refused_writer_writes_nothing(journal_target: str) -> None:
    with Journal.open(journal_target) as first, Journal.open(journal_target) as second:
        run = first.start_run("paper", CONFIG, run_id="r")
        first.finish_run(run, "interrupted")
        before = first.digest(run)
        with pytest.raises(WriterBusyError):
            second.resume_run(run)
        with pytest.raises(WriterBusyError):
            second.write_row(run, RowBatch(row=0, ts=at(0), risk_state={}, orders=[order(1)]))
        assert first.digest(run) == before
        assert first.run(run).status.value == "interrupted"


def test_readers_are_not_blocked_by_the_writer(journal_target: str) -> None:
    with Journal.open(journal_target) as writer, Journal.open(journal_target) as reader:
        run = writer.start_run("paper", CONFIG, run_id="r")
        writer.write_row(run, RowBatch(row=0, ts=at(0), risk_state={}, orders=[order(1)]))
        assert [o.seq for o in reader.orders(run)] == [1]
        assert reader.load_risk_state(run) == {"row": 0}
        assert reader.digest(run) == writer.digest(run)


def test_closing_the_journal_gives_the_lease_up(journal_target: str) -> None:
    with Journal.open(journal_target) as first:
        first.start_run("paper", CONFIG, run_id="r")
        recorded = first.recorded_writer("r")
        assert recorded is not None
        assert recorded.pid == os.getpid()
    with Journal.open(journal_target) as second:
        second.resume_run("r")
        assert second.holds_writer("r")
    with Journal.open(journal_target) as third:
        assert third.recorded_writer("r") is None


def test_runs_have_leases_of_their_own(journal_target: str) -> None:
    with Journal.open(journal_target) as first, Journal.open(journal_target) as second:
        first.start_run("paper", CONFIG, run_id="a")
        second.start_run("paper", CONFIG, run_id="b")
        assert first.holds_writer("a")
        assert second.holds_writer("b")


def test_the_lease_file_of_a_sqlite_journal_is_beside_it_and_removed_on_close(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.start_run("paper", CONFIG, run_id="r")
        lock = lock_path(journal.engine, "r")
        assert lock == tmp_path / "journal.db.writer-r.lock"
        assert lock.exists()
    assert not lock.exists()


def test_an_in_memory_journal_needs_no_lease() -> None:
    with Journal.open(":memory:") as journal:
        run = journal.start_run("paper", CONFIG)
        assert journal.recorded_writer(run) is None
        assert journal.write_row(run, RowBatch(row=0, ts=at(0), risk_state={})) is True


def test_a_killed_writer_leaves_its_lease_to_the_next(journal_target: str) -> None:
    with Journal.open(journal_target) as journal:
        journal.start_run("paper", CONFIG, run_id="r")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, journal_target], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with Journal.open(journal_target) as journal, pytest.raises(WriterBusyError):
            journal.resume_run("r")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    with Journal.open(journal_target) as journal:
        journal.resume_run("r")  # the operating system (or the server) dropped the lock
        assert journal.holds_writer("r")


def test_a_lease_beside_a_read_only_directory_is_a_journal_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.start_run("paper", CONFIG, run_id="r")
    tmp_path.chmod(0o555)
    try:
        with Journal.open(path) as journal, pytest.raises(JournalError, match="cannot write"):
            journal.resume_run("r")
    finally:
        tmp_path.chmod(0o755)
