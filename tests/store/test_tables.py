"""The journal schema is defined once (the models, with the records naming what a caller
provides); every write check, read, digest column and export column follows from it."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy import Column, Float, String, Text

from tradewind.store import Journal, RiskAction, RiskDecisionRecord, SignalRecord
from tradewind.store.column_checks import ACCEPTS
from tradewind.store.column_types import Amount
from tradewind.store.digest import DIGEST_EXCLUDED_COLUMNS, digest_tables
from tradewind.store.export import EXPORT_COLUMNS
from tradewind.store.models import Base
from tradewind.store.tables import (
    OPTIONAL_AMOUNT,
    TABLES,
    RecordTable,
    column_check,
    converter,
    written_columns,
)

from ._helpers import CONFIG, at

# Columns of a record table the journal fills in itself rather than the record.
_JOURNAL_FILLED = {"run_id", "client_order_id", "updated_at", "venue_order_id"}


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_every_record_field_is_a_column_of_its_table(table: RecordTable) -> None:
    columns = table.model.__table__.c
    assert [name for name, _ in table.columns] == [field.name for field in fields(table.record)]
    assert all(name in columns for name in table.names)


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_a_model_column_without_a_record_field_is_filled_by_the_journal(table: RecordTable) -> None:
    provided = set(table.names)
    if table.numbered:
        provided.add("seq")
    missing = set(written_columns(table.model)) - provided - _JOURNAL_FILLED
    assert not missing, f"{table.name}: no record field and no journal value for {missing}"


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda table: table.name)
def test_text_columns_refuse_more_characters_than_the_model_declares(table: RecordTable) -> None:
    columns = table.model.__table__.c
    for name, kind in table.columns:
        column = columns[name]
        if not isinstance(column.type, String) or isinstance(column.type, Text):
            continue
        if ACCEPTS in column.info:  # a vocabulary: checked by its own tests
            continue
        check = converter(kind, text_storage=True)
        assert check("a" * column.type.length) == "a" * column.type.length
        with pytest.raises(ValueError, match="at most"):
            check("a" * (column.type.length + 1))


def test_a_new_column_gets_its_check_from_its_type_and_nullability() -> None:
    note = Column("note", String(16), nullable=True)
    assert column_check(note)(None) is None
    with pytest.raises(ValueError, match="at most 16 characters"):
        column_check(note)("x" * 17)
    assert column_check(Column("stop", Amount(), nullable=True)) == OPTIONAL_AMOUNT
    with pytest.raises(ValueError, match="finite"):
        column_check(Column("score", Float, nullable=False))(float("nan"))


def test_records_read_back_with_the_enums_and_flags_their_columns_declare(
    journal: Journal,
) -> None:
    run_id = journal.start_run("paper", CONFIG)
    signal = SignalRecord(ts=at(1), market="crypto", symbol="BTC-USD", strategy="sma",
                          direction=1, strength=0.5, confidence=1.0, advisory=True)  # fmt: skip
    decision = RiskDecisionRecord(ts=at(1), market="crypto", symbol="BTC-USD", strategies="sma",
                                  requested_qty=2, approved_qty=1, action="REDUCE",
                                  reason_code=3)  # fmt: skip
    journal.record_signals(run_id, [signal])
    journal.record_risk_decisions(run_id, [decision])
    (stored_signal,) = journal.signals(run_id)
    (stored_decision,) = journal.risk_decisions(run_id)
    assert (stored_signal.direction, stored_signal.advisory) == ("long", True)
    assert type(stored_signal.advisory) is bool
    assert stored_decision.action is RiskAction.REDUCE


# Wall-clock audit records: reconciliation passes, the control channel and heartbeats,
# promotions and drift checks, accounts, and research sweeps.
NOT_DIGESTED = {"run_writers", "reconciliation_findings", "control_commands", "control_acks",
                "heartbeats", "promotions", "drift_checks", "users", "api_tokens",
                "sweeps", "sweep_trials"}  # fmt: skip


def test_the_digest_covers_every_table_but_the_writer_lease_and_audit_records() -> None:
    covered = {table.name for table, _, _ in digest_tables()}
    assert covered == set(Base.metadata.tables) - NOT_DIGESTED


def test_the_digest_leaves_out_only_wall_clock_code_version_ids_and_the_run_id() -> None:
    surrogate_ids = {
        table.autoincrement_column.name
        for table in Base.metadata.tables.values()
        if table.autoincrement_column is not None and table.name not in NOT_DIGESTED
    }
    wall_clock = {"created_at", "finished_at", "code_version"}
    assert {"run_id"} | wall_clock | surrogate_ids == DIGEST_EXCLUDED_COLUMNS


def test_the_signals_export_has_every_signal_field_but_the_aggregation_internals() -> None:
    names = [field.name for field in fields(SignalRecord)]
    assert list(EXPORT_COLUMNS) == [n for n in names if n not in ("aggregated", "contributors")]
