"""Journals of schema 0002 upgrade to the keys of `write_row` (0003) when opened, even
one that already holds duplicates a killed session left behind."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

import tradewind.store.runs as runs
from tradewind.store import EquityRecord, Journal
from tradewind.store.row_batch import RowBatch
from tradewind.store.schema import create_journal_engine

from ._helpers import CONFIG, at, migration_config, populate


class _NoLease:
    def release(self) -> None:
        return None


def _equity(hour: int) -> EquityRecord:
    return EquityRecord(ts=at(hour), equity=1, cash=1, gross_exposure=0, net_exposure=0,
                        leverage=0.0, drawdown=0.0)  # fmt: skip


def _create_at_0002(target: str, monkeypatch: pytest.MonkeyPatch, *, duplicated: bool) -> str:
    """A journal at schema 0002 with one run (its equity point at hour 2 stored twice when
    `duplicated`, as a session killed between two writes and resumed could leave it)."""
    config = migration_config()
    monkeypatch.setattr(runs, "acquire_lease", lambda *_: _NoLease())  # 0002 had no lease
    engine = create_journal_engine(target)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
        journal = Journal(engine)
        run_id = journal.start_run("paper", CONFIG, run_id="before-keys")
        populate(journal, run_id)
        if duplicated:
            journal.record_equity(run_id, [_equity(2)])
    finally:
        engine.dispose()
        monkeypatch.undo()
    return run_id


def _equity_index_is_unique(journal: Journal) -> bool:
    indexes = inspect(journal.engine).get_indexes("equity")
    (index,) = [i for i in indexes if i["name"] == "ix_equity_run_id_ts"]
    return bool(index["unique"])


def test_a_0002_journal_gets_unique_keys(
    journal_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _create_at_0002(journal_target, monkeypatch, duplicated=False)
    with Journal.open(journal_target) as journal:
        assert _equity_index_is_unique(journal)
        assert len(journal.equity(run_id)) == 3
        assert "run_writers" in inspect(journal.engine).get_table_names()


def test_a_0002_journal_holding_duplicates_still_opens_and_keeps_them(
    journal_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _create_at_0002(journal_target, monkeypatch, duplicated=True)
    with Journal.open(journal_target) as journal:
        assert not _equity_index_is_unique(journal)
        assert [e.ts for e in journal.equity(run_id)] == [at(0), at(1), at(2), at(2)]
        journal.resume_run(run_id)
        # write_row checks the key itself where the database cannot
        journal.write_row(run_id, RowBatch(row=5, ts=at(2), risk_state={}, equity=[_equity(2)]))
        assert len(journal.equity(run_id)) == 4
