"""Parameter sweeps and their trials in the journal (0007)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect

from tradewind.store import Journal, JournalError, SweepRecord, SweepTrialEntry
from tradewind.store.schema import create_journal_engine
from tradewind.store.sweep_records import new_sweep_id

from ._helpers import CONFIG, migration_config, populate

SWEEP_TABLES = {"sweeps", "sweep_trials"}
FINGERPRINT = hashlib.sha256(b"examples/backtest.yaml + grid sharpe").hexdigest()
OTHER_FINGERPRINT = hashlib.sha256(b"another request").hexdigest()
LABEL = "sma_cross on examples/backtest.yaml (grid, sharpe)"
REQUEST: dict[str, Any] = {"strategy": "sma_cross", "method": "grid", "objective": "sharpe"}
T0 = datetime(2026, 1, 2, 21, 0, tzinfo=UTC)


@pytest.fixture
def memory() -> Iterator[Journal]:
    """An in-memory journal, for checks that do not depend on the backend."""
    with Journal.open(":memory:") as opened:
        yield opened


def _open(journal: Journal, fingerprint: str = FINGERPRINT) -> SweepRecord:
    sweep, _ = journal.open_sweep(fingerprint, LABEL, REQUEST, total_trials=4)
    return sweep


def _trial(
    sweep_id: str, number: int, params: dict[str, Any], segment: str = "search"
) -> SweepTrialEntry:
    return SweepTrialEntry(
        sweep_id=sweep_id,
        segment=segment,
        number=number,
        params=params,
        payload={"trial": {"number": number}, "summary": {"sharpe": 1.25 + number}},
        worker="pid 4242",
        finished_at=T0 + timedelta(seconds=number),
    )


# -- sweeps -------------------------------------------------------------------------------


def test_a_new_sweep_reads_back_unfinished_with_a_dated_id(journal: Journal) -> None:
    before = datetime.now(UTC)
    sweep, resumed = journal.open_sweep(FINGERPRINT, LABEL, REQUEST, total_trials=4)
    assert resumed is False
    assert journal.sweeps() == [sweep]
    assert journal.sweep(sweep.sweep_id) == sweep
    assert (sweep.fingerprint, sweep.label, sweep.request, sweep.total_trials) == (
        FINGERPRINT,
        LABEL,
        REQUEST,
        4,
    )
    assert sweep.finished_at is None
    assert before <= sweep.created_at <= datetime.now(UTC)
    assert sweep.created_at.utcoffset() == timedelta(0)
    assert sweep.sweep_id.startswith(f"sw-{sweep.created_at:%Y%m%dT%H}")


def test_opening_the_same_sweep_again_resumes_it(journal: Journal) -> None:
    first, _ = journal.open_sweep(FINGERPRINT, LABEL, REQUEST, total_trials=4)
    again, resumed = journal.open_sweep(FINGERPRINT, "renamed", {"other": 1}, total_trials=9)
    assert resumed is True
    assert again == first
    assert len(journal.sweeps()) == 1


def test_a_different_fingerprint_opens_a_different_sweep(journal: Journal) -> None:
    first = _open(journal)
    other, resumed = journal.open_sweep(OTHER_FINGERPRINT, LABEL, REQUEST, total_trials=4)
    assert resumed is False
    assert other.sweep_id != first.sweep_id


def test_after_finishing_the_same_fingerprint_opens_a_new_sweep(journal: Journal) -> None:
    first = _open(journal)
    journal.finish_sweep(first.sweep_id)
    finished = journal.sweep(first.sweep_id)
    assert finished is not None
    assert finished.finished_at is not None
    assert finished.finished_at >= first.created_at
    second, resumed = journal.open_sweep(FINGERPRINT, LABEL, REQUEST, total_trials=4)
    assert resumed is False
    assert second.sweep_id != first.sweep_id
    assert [s.sweep_id for s in journal.sweeps()] == [second.sweep_id, first.sweep_id]
    assert journal.open_sweep(FINGERPRINT, LABEL, REQUEST, total_trials=4) == (second, True)


def test_finishing_twice_keeps_the_first_finish_time(journal: Journal) -> None:
    sweep = _open(journal)
    journal.finish_sweep(sweep.sweep_id)
    first = journal.sweep(sweep.sweep_id)
    journal.finish_sweep(sweep.sweep_id)
    assert journal.sweep(sweep.sweep_id) == first


def test_finishing_an_unknown_sweep_is_refused_naming_it(journal: Journal) -> None:
    with pytest.raises(JournalError, match="unknown sweep 'sw-20260102T210000-abcd'"):
        journal.finish_sweep("sw-20260102T210000-abcd")


def test_sweeps_are_listed_newest_first_up_to_the_limit(journal: Journal) -> None:
    opened = [_open(journal, hashlib.sha256(str(n).encode()).hexdigest()) for n in range(3)]
    newest_first = [s.sweep_id for s in reversed(opened)]
    assert [s.sweep_id for s in journal.sweeps()] == newest_first
    assert [s.sweep_id for s in journal.sweeps(limit=2)] == newest_first[:2]


@pytest.mark.parametrize("limit", [0, -1, True, 2.5])
def test_a_limit_that_is_not_a_positive_integer_is_refused(memory: Journal, limit: Any) -> None:
    with pytest.raises(JournalError, match="invalid sweeps limit"):
        memory.sweeps(limit=limit)


@pytest.mark.parametrize(
    "fingerprint",
    ["", "abc", FINGERPRINT.upper(), FINGERPRINT + "0"],
    ids=["empty", "short", "upper", "long"],
)
def test_a_fingerprint_that_is_not_sha256_hex_is_refused(memory: Journal, fingerprint: str) -> None:
    with pytest.raises(JournalError, match="invalid fingerprint"):
        memory.open_sweep(fingerprint, LABEL, REQUEST, total_trials=4)
    assert memory.sweeps() == []


@pytest.mark.parametrize("label", ["", "   ", "x" * 257], ids=["empty", "blank", "long"])
def test_a_blank_or_long_label_is_refused(memory: Journal, label: str) -> None:
    with pytest.raises(JournalError, match="invalid sweep label"):
        memory.open_sweep(FINGERPRINT, label, REQUEST, total_trials=4)


@pytest.mark.parametrize("total", [-1, True, 1.0])
def test_a_total_that_is_not_a_count_is_refused(memory: Journal, total: Any) -> None:
    with pytest.raises(JournalError, match="invalid total_trials"):
        memory.open_sweep(FINGERPRINT, LABEL, REQUEST, total_trials=total)


def test_a_request_with_no_json_form_is_refused_and_nothing_written(journal: Journal) -> None:
    with pytest.raises(JournalError, match="request of sweep"):
        journal.open_sweep(FINGERPRINT, LABEL, {"bad": object()}, total_trials=4)
    assert journal.sweeps() == []


def test_a_new_sweep_id_is_dated_in_utc_with_a_random_suffix() -> None:
    at = datetime(2026, 1, 2, 22, 30, 5, tzinfo=timezone(timedelta(hours=1)))
    made = {new_sweep_id(at) for _ in range(20)}
    assert all(made_id.startswith("sw-20260102T213005-") for made_id in made)
    assert len(made) > 1


# -- trials -------------------------------------------------------------------------------


def test_trials_read_back_in_the_order_written(journal: Journal) -> None:
    sweep = _open(journal)
    written = [
        _trial(sweep.sweep_id, 2, {"fast": 10, "slow": 50}),
        _trial(sweep.sweep_id, 0, {"fast": 5, "slow": 50}),
        _trial(sweep.sweep_id, 1, {"fast": 5, "slow": 30}, segment="fold 1 train"),
    ]
    assert [journal.record_sweep_trial(t) for t in written] == [True, True, True]
    assert journal.sweep_trials(sweep.sweep_id) == written


def test_a_trial_with_the_same_params_in_the_same_segment_is_refused(journal: Journal) -> None:
    sweep = _open(journal)
    assert journal.record_sweep_trial(_trial(sweep.sweep_id, 0, {"fast": 5, "slow": 50}))
    # the same parameters in another key order, another number and payload: still the same
    again = _trial(sweep.sweep_id, 7, {"slow": 50, "fast": 5})
    assert journal.record_sweep_trial(again) is False
    (stored,) = journal.sweep_trials(sweep.sweep_id)
    assert stored.number == 0


def test_the_same_params_in_another_segment_or_sweep_are_recorded(journal: Journal) -> None:
    sweep = _open(journal)
    other = _open(journal, OTHER_FINGERPRINT)
    params = {"fast": 5, "slow": 50}
    assert journal.record_sweep_trial(_trial(sweep.sweep_id, 0, params, segment="fold 1 train"))
    assert journal.record_sweep_trial(_trial(sweep.sweep_id, 0, params, segment="fold 1 test"))
    assert journal.record_sweep_trial(_trial(other.sweep_id, 0, params))
    assert len(journal.sweep_trials(sweep.sweep_id)) == 2
    assert len(journal.sweep_trials(other.sweep_id)) == 1


def test_a_trial_of_an_unknown_sweep_is_refused_naming_it(journal: Journal) -> None:
    with pytest.raises(JournalError, match="unknown sweep 'sw-20260102T210000-abcd'"):
        journal.record_sweep_trial(_trial("sw-20260102T210000-abcd", 0, {"fast": 5}))


def test_a_trial_payload_with_no_json_form_is_refused_naming_the_trial(journal: Journal) -> None:
    sweep = _open(journal)
    entry = _trial(sweep.sweep_id, 3, {"fast": 5})
    bad = SweepTrialEntry(
        entry.sweep_id, entry.segment, 3, entry.params, {"x": object()}, "w", entry.finished_at
    )
    with pytest.raises(JournalError, match=r"payload of trial 3 \(search\) of sweep"):
        journal.record_sweep_trial(bad)
    assert journal.sweep_trials(sweep.sweep_id) == []


def test_a_trials_finish_time_is_stored_in_utc(journal: Journal) -> None:
    sweep = _open(journal)
    local = datetime(2026, 1, 2, 22, 0, tzinfo=timezone(timedelta(hours=1)))
    entry = SweepTrialEntry(sweep.sweep_id, "search", 0, {"a": 1}, {}, "w", local)
    journal.record_sweep_trial(entry)
    (stored,) = journal.sweep_trials(sweep.sweep_id)
    assert stored.finished_at == T0
    assert stored.finished_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sweep_id": "nope"}, "sweep_id"),
        ({"segment": " "}, "trial segment"),
        ({"number": -1}, "trial number"),
        ({"params": [1, 2]}, "trial params"),
        ({"worker": ""}, "trial worker"),
        ({"finished_at": datetime(2026, 1, 2)}, "trial finished_at"),
    ],
)
def test_an_invalid_trial_entry_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    fields: dict[str, Any] = {
        "sweep_id": "sw-20260102T210000-abcd",
        "segment": "search",
        "number": 0,
        "params": {"fast": 5},
        "payload": {},
        "worker": "w",
        "finished_at": T0,
    }
    with pytest.raises(JournalError, match=f"invalid {field}"):
        SweepTrialEntry(**{**fields, **changes})


def test_the_unknown_sweep_has_no_trials(journal: Journal) -> None:
    assert journal.sweep_trials("sw-20260102T210000-abcd") == []
    assert journal.sweep("sw-20260102T210000-abcd") is None


def test_sweeps_and_trials_leave_the_run_digest_unchanged(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    populate(journal, run_id)
    before = journal.digest(run_id)
    sweep = _open(journal)
    journal.record_sweep_trial(_trial(sweep.sweep_id, 0, {"fast": 5}))
    journal.finish_sweep(sweep.sweep_id)
    assert journal.digest(run_id) == before


# -- upgrade ------------------------------------------------------------------------------


def test_a_0006_journal_gets_the_sweep_tables_and_keeps_its_data(journal_target: str) -> None:
    with Journal.open(journal_target) as journal:
        run_id = journal.start_run("paper", CONFIG)
        populate(journal, run_id)
        journal.finish_run(run_id)
        journal.add_user("alice", "viewer", "hash")
        digest = journal.digest(run_id)
    engine = create_journal_engine(journal_target)
    try:
        with engine.begin() as connection:
            command.downgrade(migration_config(connection), "0006")
        assert not SWEEP_TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    with Journal.open(journal_target) as upgraded:
        assert set(inspect(upgraded.engine).get_table_names()) >= SWEEP_TABLES
        assert [run.run_id for run in upgraded.runs()] == [run_id]
        assert upgraded.digest(run_id) == digest
        assert [u.name for u in upgraded.users()] == ["alice"]
        sweep = _open(upgraded)
        assert upgraded.record_sweep_trial(_trial(sweep.sweep_id, 0, {"fast": 5}))
        assert len(upgraded.sweep_trials(sweep.sweep_id)) == 1
