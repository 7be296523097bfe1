"""The control channel, heartbeats, promotions and drift checks in the journal (0005)."""

from __future__ import annotations

import math
import os
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from tradewind.store import (
    ControlAction,
    ControlCommand,
    DriftCheckRecord,
    EquityRecord,
    Journal,
    JournalError,
    PromotionRecord,
    UnknownRunError,
)
from tradewind.store.control_records import ControlCommandRow
from tradewind.store.row_batch import RowBatch
from tradewind.store.schema import create_journal_engine

from ._helpers import CONFIG, at, migration_config, populate

OPERATOR_TABLES = {"control_commands", "control_acks", "heartbeats", "promotions", "drift_checks"}


def _stop(action: str = "soft", market: str | None = None, **changes: object) -> ControlCommand:
    fields: dict[str, object] = {
        "action": action,
        "market": market,
        "user": "alice",
        "reason": "manual check",
        "source": "cli",
    }
    fields.update(changes)
    return ControlCommand(**fields)  # type: ignore[arg-type]


def _promotion(**changes: object) -> PromotionRecord:
    fields: dict[str, object] = {
        "market": "crypto",
        "strategy": "*",
        "from_stage": "advisory",
        "to_stage": "paper",
        "evidence": {"paper_days": 15.5, "fills": 31},
        "override": False,
        "user": "alice",
        "reason": "",
    }
    fields.update(changes)
    return PromotionRecord(**fields)  # type: ignore[arg-type]


def _drift(run: str, **changes: object) -> DriftCheckRecord:
    fields: dict[str, object] = {
        "run_id": run,
        "market": "*",
        "rows": 50,
        "metrics": {"pnl_gap_pct": 0.25, "slippage_bps": 3.0},
        "breaches": (),
        "within_bounds": True,
    }
    fields.update(changes)
    return DriftCheckRecord(**fields)  # type: ignore[arg-type]


# -- control commands -----------------------------------------------------------------------


def test_issued_commands_read_back_in_order_with_their_issue_time(journal: Journal) -> None:
    before = datetime.now(UTC)
    first = journal.issue_control(_stop("hard", "crypto"))
    second = journal.issue_control(_stop("resume"))
    assert (first.id, second.id) == (1, 2)
    assert before <= first.issued_at <= second.issued_at <= datetime.now(UTC)
    stored = journal.control_commands()
    assert stored == [first, second]
    assert stored[0].command.action is ControlAction.HARD
    assert stored[0].command.market == "crypto"
    assert stored[1].command.market is None


def test_commands_are_read_after_an_id_and_up_to_a_limit(journal: Journal) -> None:
    ids = [journal.issue_control(_stop()).id for _ in range(5)]
    assert [r.id for r in journal.control_commands(after_id=ids[1])] == ids[2:]
    assert [r.id for r in journal.control_commands(after_id=ids[1], limit=2)] == ids[2:4]
    assert journal.control_commands(after_id=ids[-1]) == []


def test_acknowledgements_come_back_with_their_command(journal: Journal) -> None:
    stop = journal.issue_control(_stop("freeze"))
    other = journal.issue_control(_stop("resume"))
    ack_a = journal.acknowledge_control(stop.id, "pp-run-a", "applied")
    ack_b = journal.acknowledge_control(stop.id, "pp-run-b", "already stopped")
    assert ack_a.applied_at >= stop.issued_at
    read_stop, read_other = journal.control_commands()
    assert read_stop.acks == (ack_a, ack_b)
    assert read_other.acks == ()
    assert journal.control_commands(after_id=other.id - 1)[0].id == other.id


def test_every_acknowledgement_of_a_run_is_kept_in_order(journal: Journal) -> None:
    stop = journal.issue_control(_stop("hard"))
    taken_in = journal.acknowledge_control(stop.id, "pp-run-a", "in force")
    done = journal.acknowledge_control(stop.id, "pp-run-a", "done: flattened 2 positions")
    assert done.applied_at >= taken_in.applied_at
    assert journal.control_commands()[0].acks == (taken_in, done)


def test_acknowledging_an_unknown_command_names_it(journal: Journal) -> None:
    with pytest.raises(JournalError, match="unknown control command 42"):
        journal.acknowledge_control(42, "pp-run-a", "applied")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"user": ""}, "control command user ''"),
        ({"user": "   "}, "control command user"),
        ({"action": "pause"}, "control command action 'pause': expected one of soft, hard"),
        ({"source": "email"}, "control command source 'email'"),
        ({"action": "disable"}, "market None: disable needs a market"),
        ({"market": ""}, "control command market"),
        ({"market": "m" * 33}, "control command market: 33 characters"),
    ],
)
def test_invalid_commands_are_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(JournalError, match=message):
        _stop(**changes)


def test_action_text_is_accepted_in_any_case() -> None:
    assert _stop("HARD").action is ControlAction.HARD


def test_a_stored_action_this_version_does_not_know_is_named_on_read(journal: Journal) -> None:
    journal.issue_control(_stop())
    with journal.engine.begin() as connection:
        connection.execute(
            ControlCommandRow.__table__.insert().values(
                issued_at=datetime.now(UTC),
                action="pause",
                market=None,
                user_name="bob",
                reason="",
                source="api",
            )
        )
    with pytest.raises(JournalError, match=r"control command 2: .*action 'pause'"):
        journal.control_commands()
    assert [r.id for r in journal.control_commands(limit=1)] == [1]


def test_invalid_acknowledgements_are_refused(journal: Journal) -> None:
    stop = journal.issue_control(_stop())
    with pytest.raises(JournalError, match="control ack run_id"):
        journal.acknowledge_control(stop.id, "", "applied")
    with pytest.raises(JournalError, match="control ack outcome"):
        journal.acknowledge_control(stop.id, "pp-run-a", "")
    with pytest.raises(JournalError, match="invalid limit -1"):
        journal.control_commands(limit=-1)


def test_a_command_is_durable_when_issue_returns(journal_target: str) -> None:
    with Journal.open(journal_target) as journal:
        issued = journal.issue_control(_stop("hard", "forex", reason="news at 14:30"))
    with Journal.open(journal_target, create=False) as reopened:
        assert reopened.control_commands() == [issued]


# -- heartbeats ---------------------------------------------------------------------------


def test_a_heartbeat_is_one_row_per_run_replaced_by_the_next(journal: Journal) -> None:
    journal.beat("pp-run-a", "paper", {"row": 1})
    (first,) = journal.heartbeats()
    journal.beat("pp-run-a", "paper", {"row": 2, "markets": ["crypto"]})
    journal.beat("lv-run-b", "LIVE", {})
    beats = {beat.run_id: beat for beat in journal.heartbeats()}
    assert set(beats) == {"pp-run-a", "lv-run-b"}
    latest = beats["pp-run-a"]
    assert latest.detail == {"row": 2, "markets": ["crypto"]}
    assert latest.beat_at >= first.beat_at
    assert (latest.mode, latest.pid, latest.host) == ("paper", os.getpid(), socket.gethostname())
    assert beats["lv-run-b"].mode == "live"


def test_invalid_heartbeats_are_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="heartbeat mode 'replay'"):
        journal.beat("pp-run-a", "replay", {})
    with pytest.raises(JournalError, match="heartbeat run_id"):
        journal.beat("", "paper", {})
    with pytest.raises(JournalError, match="heartbeat detail"):
        journal.beat("pp-run-a", "paper", {"lock": threading.Lock()})
    assert journal.heartbeats() == []


# -- promotions and drift checks ----------------------------------------------------------


def test_promotions_read_back_with_id_time_and_evidence(journal: Journal) -> None:
    before = datetime.now(UTC)
    first = journal.record_promotion(_promotion())
    second = journal.record_promotion(
        _promotion(
            market="forex",
            to_stage="operator",
            from_stage="paper",
            override=True,
            reason="reviewed by hand",
            strategy="sma_cross",
        )
    )
    assert first.id < second.id
    assert first.at is not None
    assert first.at >= before
    assert journal.promotions() == [first, second]
    assert journal.promotions("forex") == [second]
    (read,) = journal.promotions("crypto")
    assert read.evidence == {"paper_days": 15.5, "fills": 31}
    assert (read.from_stage, read.to_stage, read.override) == ("advisory", "paper", False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"to_stage": "live"}, "promotion to_stage 'live': expected one of advisory, paper"),
        ({"from_stage": ""}, "promotion from_stage"),
        ({"user": ""}, "promotion user"),
        ({"market": ""}, "promotion market"),
        ({"evidence": [1, 2]}, "promotion evidence"),
        ({"override": "yes"}, "promotion override"),
    ],
)
def test_invalid_promotions_are_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(JournalError, match=message):
        _promotion(**changes)


def test_evidence_without_a_json_form_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="promotion evidence"):
        journal.record_promotion(_promotion(evidence={"lock": threading.Lock()}))
    assert journal.promotions() == []


def test_drift_checks_read_back_by_run(journal: Journal) -> None:
    run_a = journal.start_run("paper", CONFIG, run_id="pp-a")
    run_b = journal.start_run("paper", CONFIG, run_id="pp-b")
    ok = journal.record_drift_check(_drift(run_a))
    breached = journal.record_drift_check(
        _drift(
            run_b,
            market="crypto",
            metrics={"pnl_gap_pct": 3.5, "slippage_bps": math.nan},
            breaches=("pnl_gap_pct",),
            within_bounds=False,
        )
    )
    assert ok.checked_at is not None
    assert ok.id < breached.id
    assert journal.drift_checks(run_a) == [ok]
    (read,) = journal.drift_checks(run_b)
    assert (read.rows, read.breaches, read.within_bounds) == (50, ("pnl_gap_pct",), False)
    assert read.metrics["pnl_gap_pct"] == 3.5
    assert math.isnan(read.metrics["slippage_bps"])  # stored as null, read back as NaN
    assert [c.id for c in journal.drift_checks()] == [ok.id, breached.id]


def test_a_drift_check_of_an_unknown_run_is_refused(journal: Journal) -> None:
    with pytest.raises(UnknownRunError, match="unknown run 'pp-nowhere'"):
        journal.record_drift_check(_drift("pp-nowhere"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics": {"pnl_gap_pct": math.inf}}, "metric pnl_gap_pct: inf"),
        ({"metrics": {"pnl_gap_pct": "2"}}, "metric pnl_gap_pct: '2' is not a number"),
        ({"rows": -1}, "drift check rows -1"),
        ({"run_id": ""}, "drift check run_id"),
        ({"breaches": ("",)}, "drift check breach"),
        ({"within_bounds": 1}, "drift check within_bounds"),
    ],
)
def test_invalid_drift_checks_are_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(JournalError, match=message):
        _drift("pp-a", **changes)


# -- alongside a session ------------------------------------------------------------------


def _equity_batch(row: int) -> RowBatch:
    point = EquityRecord(
        ts=at(row),
        equity=100_000 + row,
        cash=100_000,
        gross_exposure=0,
        net_exposure=0,
        leverage=0.0,
        drawdown=0.0,
    )
    return RowBatch(row=row, ts=at(row), risk_state={"day": row}, equity=[point])


def test_operators_write_while_a_session_holds_the_lease_and_writes_rows(
    journal_target: str,
) -> None:
    commands, rows = 10, [0]
    with Journal.open(journal_target) as session, Journal.open(journal_target) as operator:
        run_id = session.start_run("paper", CONFIG, run_id="pp-busy")
        failures: list[BaseException] = []

        def write_rows() -> None:
            """Rows, each with a heartbeat and the new commands acknowledged, until every
            command was acknowledged (at least 20 rows, at most 2000)."""
            acked, last_id = 0, 0
            try:
                while (rows[0] < 20 or acked < commands) and rows[0] < 2000:
                    rows[0] += 1
                    session.write_row(run_id, _equity_batch(rows[0]))
                    session.beat(run_id, "paper", {"row": rows[0]})
                    for record in session.control_commands(after_id=last_id):
                        session.acknowledge_control(record.id, run_id, "applied")
                        acked, last_id = acked + 1, record.id
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)

        writer = threading.Thread(target=write_rows)
        writer.start()
        issued = [
            operator.issue_control(_stop("hard" if i % 2 else "soft")) for i in range(commands)
        ]
        operator.record_promotion(_promotion())
        operator.record_drift_check(_drift(run_id))
        writer.join(timeout=60)
        assert not failures
        assert not writer.is_alive()
        assert session.holds_writer(run_id)
        assert len(session.equity(run_id)) == rows[0]
        assert [r.id for r in operator.control_commands()] == [r.id for r in issued]
        assert all(len(r.acks) == 1 for r in operator.control_commands())
        assert [b.detail for b in operator.heartbeats()] == [{"row": rows[0]}]


def test_a_command_waits_for_a_session_transaction_rather_than_failing(tmp_path: Path) -> None:
    target = tmp_path / "journal.db"
    with Journal.open(target) as session, Journal.open(target) as operator:
        done = threading.Event()
        with session.engine.begin() as connection:  # a session's row transaction, held open
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            thread = threading.Thread(
                target=lambda: (operator.issue_control(_stop("freeze")), done.set())
            )
            thread.start()
            assert not done.wait(0.2)  # SQLite: one writer at a time; the command waits
        thread.join(timeout=10)
        assert done.is_set()
        assert [r.command.action for r in session.control_commands()] == [ControlAction.FREEZE]


def test_operator_records_leave_the_run_digest_unchanged(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG, run_id="pp-digest")
    populate(journal, run_id)
    before = journal.digest(run_id)
    stop = journal.issue_control(_stop("hard"))
    journal.acknowledge_control(stop.id, run_id, "flattened")
    journal.beat(run_id, "paper", {"row": 3})
    journal.record_promotion(_promotion())
    journal.record_drift_check(_drift(run_id))
    assert journal.digest(run_id) == before


# -- upgrade ------------------------------------------------------------------------------


def test_a_0004_journal_gets_the_operator_tables_when_opened(journal_target: str) -> None:
    config = migration_config()
    engine = create_journal_engine(journal_target)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")
        assert not OPERATOR_TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    with Journal.open(journal_target) as journal:
        assert set(inspect(journal.engine).get_table_names()) >= OPERATOR_TABLES
        issued = journal.issue_control(_stop())
        assert journal.control_commands() == [issued]


def test_issue_times_are_utc_instants(journal: Journal) -> None:
    issued = journal.issue_control(_stop())
    (read,) = journal.control_commands()
    assert read.issued_at.utcoffset() == timedelta(0)
    assert read.issued_at == issued.issued_at
