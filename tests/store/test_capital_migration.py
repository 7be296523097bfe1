"""Journals created before the capital tables existed (schema 0001) upgrade to the head
revision when opened, keep their data, and then take capital records."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import tradewind.store.runs as runs
from tradewind.store import CapitalEventRecord, Journal, client_order_id
from tradewind.store.models import Base
from tradewind.store.schema import HEAD_REVISION, create_journal_engine

from ._helpers import CONFIG, T0, migration_config, order, populate

CAPITAL_TABLES = {"sizing_decisions", "allocations", "capital_events", "capital_status"}


class _NoLease:
    def release(self) -> None:
        return None


def _create_at_0001(target: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A journal at schema 0001 holding one complete run (written by the 0001 code paths,
    which had no writer lease: its table is newer)."""
    monkeypatch.setattr(runs, "acquire_lease", lambda *_: _NoLease())
    config = migration_config()
    engine = create_journal_engine(target)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        journal = Journal(engine)  # the schema is at 0001: only its tables are touched
        assert not CAPITAL_TABLES & set(inspect(engine).get_table_names())
        run_id = journal.start_run("paper", CONFIG, run_id="before-capital")
        populate(journal, run_id)
    finally:
        engine.dispose()
        monkeypatch.undo()
    return run_id


def test_a_0001_journal_upgrades_keeps_its_data_and_takes_capital_records(
    journal_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _create_at_0001(journal_target, monkeypatch)
    with Journal.open(journal_target) as journal:
        with journal.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == HEAD_REVISION
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(journal.engine).get_table_names()) >= CAPITAL_TABLES
        assert [o.client_order_id for o in journal.orders(run_id)] == [
            client_order_id(run_id, 1),
            client_order_id(run_id, 2),
        ]
        assert journal.load_risk_state(run_id) == {
            "day": "2024-01-02",
            "high_water_mark": "100250.5",
            "trading_state": "ACTIVE",
        }
        journal.record_capital_events(
            run_id, [CapitalEventRecord(ts=T0, kind="halt_reset", detail="halt reset by operator")]
        )
        journal.save_capital_status(run_id, T0, "resumed", {"halted": False})
        journal.record_order(run_id, order(3))
        assert journal.capital_events(run_id)["kind"].tolist() == ["halt_reset"]
        assert journal.latest_capital_run().run_id == run_id  # type: ignore[union-attr]
