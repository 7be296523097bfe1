"""`Journal.write_row`: a session row in one transaction, each record at most once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from tradewind.domain.order_enums import OrderStatus
from tradewind.store import (
    CapitalEventRecord,
    EquityRecord,
    Journal,
    JournalError,
    RiskDecisionRecord,
    UnknownRunError,
    client_order_id,
)
from tradewind.store.row_batch import CapitalStatus, RowBatch, StatusUpdate

from ._helpers import CONFIG, at, fill, order, signal


def _batch(run_id: str, row: int = 1, **changes: object) -> RowBatch:
    """Everything a row produces: two orders (one filled, one accepted), their risk
    decisions, signals, equity, a capital event and status, and the risk state."""
    fields: dict[str, object] = {
        "row": row,
        "ts": at(row),
        "risk_state": {"high_water_mark": "100000", "paused": {}},
        "orders": [order(1, ts_created=at(row)), order(2, ts_created=at(row))],
        "risk_decisions": [_decision(run_id, 1), _decision(run_id, 2)],
        "fills": [fill(run_id, 1)],
        "status_updates": [
            StatusUpdate(
                client_order_id=client_order_id(run_id, 2),
                status="accepted",
                ts=at(row),
                venue_order_id="V2",
            )
        ],
        "signals": [signal(row), signal(row, strategy="rsi_reversion")],
        "equity": [_equity(row)],
        "capital_events": [CapitalEventRecord(ts=at(row), kind="halt_reset", detail="reset")],
        "capital_status": CapitalStatus(ts=at(row), summary="ok", status={"halted": False}),
    }
    fields.update(changes)
    return RowBatch(**fields)  # type: ignore[arg-type]


def _decision(run_id: str, seq: int) -> RiskDecisionRecord:
    return RiskDecisionRecord(
        ts=at(1),
        market="crypto",
        symbol="BTC-USD",
        strategies="sma_cross",
        requested_qty=Decimal("0.5"),
        approved_qty=Decimal("0.5"),
        action="approve",
        reason_code=0,
        client_order_id=client_order_id(run_id, seq),
    )


def _equity(row: int) -> EquityRecord:
    return EquityRecord(
        ts=at(row),
        equity=Decimal(100_000 + row),
        cash=Decimal(90_000),
        gross_exposure=Decimal(10_000),
        net_exposure=Decimal(10_000),
        leverage=0.1,
        drawdown=0.0,
    )


def _counts(journal: Journal, run_id: str) -> dict[str, int]:
    return {
        "orders": len(journal.orders(run_id)),
        "fills": len(journal.fills(run_id)),
        "risk_decisions": len(journal.risk_decisions(run_id)),
        "signals": len(journal.signals(run_id)),
        "equity": len(journal.equity(run_id)),
        "capital_events": len(journal.capital_events(run_id)),
        "events": sum(
            len(journal.order_history(o.client_order_id)) for o in journal.orders(run_id)
        ),
    }


def test_a_row_is_written_whole_with_its_marker(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    assert journal.write_row(run, _batch(run)) is True
    orders = {o.seq: o for o in journal.orders(run)}
    assert orders[1].status is OrderStatus.FILLED
    assert orders[1].filled_qty == Decimal("0.5")
    assert (orders[2].status, orders[2].venue_order_id) == (OrderStatus.ACCEPTED, "V2")
    assert [d.client_order_id for d in journal.risk_decisions(run)] == [
        client_order_id(run, 1),
        client_order_id(run, 2),
    ]
    assert [s.strategy for s in journal.signals(run)] == ["sma_cross", "rsi_reversion"]
    assert journal.capital_status(run) is not None
    assert journal.load_risk_state(run) == {"high_water_mark": "100000", "paused": {}, "row": 1}


def test_writing_a_row_again_changes_nothing(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.write_row(run, _batch(run))
    before = journal.digest(run)
    assert journal.write_row(run, _batch(run)) is False
    assert journal.digest(run) == before


def test_rows_follow_each_other_and_an_older_row_is_not_written_again(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.write_row(run, _batch(run))
    later = _batch(run, row=2, orders=[order(3, ts_created=at(2))], risk_decisions=[],
                   fills=[fill(run, 2), fill(run, 3)], status_updates=[])  # fmt: skip
    assert journal.write_row(run, later) is True
    after_two = journal.digest(run)
    assert journal.write_row(run, _batch(run)) is False
    assert journal.digest(run) == after_two
    assert [s.seq for s in journal.orders(run)] == [1, 2, 3]
    assert len(journal.signals(run)) == 4
    assert journal.load_risk_state(run)["row"] == 2  # type: ignore[index]


def test_a_row_cut_short_by_separate_writes_is_completed_without_duplicates(
    journal: Journal,
) -> None:
    """What the per-table writers of a killed session left (an order, its fill, one
    signal, the status) is skipped by key; the rest is added, and the run ends up as
    one written by `write_row` alone."""
    whole = journal.start_run("paper", CONFIG, run_id="whole")
    journal.write_row(whole, _batch(whole))
    cut = journal.start_run("paper", CONFIG, run_id="cut")
    journal.record_order(cut, order(1, ts_created=at(1)))
    journal.record_order(cut, order(2, ts_created=at(1)))
    journal.record_risk_decisions(cut, [_decision(cut, 1)])
    journal.apply_fill(cut, fill(cut, 1))
    journal.update_order_status(client_order_id(cut, 2), "accepted", at(1), venue_order_id="V2")
    journal.record_signals(cut, [signal(1)])
    assert journal.write_row(cut, _batch(cut)) is True
    assert _counts(journal, cut) == _counts(journal, whole)
    assert journal.digest(cut) == journal.digest(whole)


def test_a_failure_inside_a_row_leaves_nothing_of_it(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.write_row(run, _batch(run))
    before = journal.digest(run)
    bad = _batch(run, row=2, orders=[order(3, ts_created=at(2))], risk_decisions=[], fills=[],
                 status_updates=[], signals=[signal(2, strength=1.5)])  # fmt: skip
    with pytest.raises(JournalError, match=r"signals\.strength 1\.5 in row 0"):
        journal.write_row(run, bad)
    assert journal.digest(run) == before
    assert journal.load_risk_state(run)["row"] == 1  # type: ignore[index]


def test_a_status_update_of_an_unknown_order_is_refused(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    update = StatusUpdate(client_order_id=f"{run}-00000099", status="canceled", ts=at(1))
    with pytest.raises(JournalError, match=rf"unknown order '{run}-00000099'"):
        journal.write_row(run, _batch(run, status_updates=[update]))
    assert journal.orders(run) == []
    assert journal.load_risk_state(run) is None


def test_a_status_update_is_a_set(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.write_row(run, _batch(run))
    coid = client_order_id(run, 2)
    same = StatusUpdate(client_order_id=coid, status="accepted", ts=at(2), venue_order_id="V2")
    journal.write_row(run, _batch(run, row=2, orders=[], risk_decisions=[], fills=[],
                                  signals=[], equity=[], status_updates=[same, same]))  # fmt: skip
    assert [status for _, status, _ in journal.order_history(coid)] == [
        OrderStatus.INITIALIZED,
        OrderStatus.ACCEPTED,
    ]


def test_two_records_of_one_key_in_a_row_are_refused(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    with pytest.raises(
        JournalError, match=r"cannot write equity: two records of one row have the key \{'ts'"
    ):
        journal.write_row(run, _batch(run, equity=[_equity(1), _equity(1)]))
    assert journal.load_risk_state(run) is None


def test_a_risk_state_naming_another_row_is_refused(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    with pytest.raises(JournalError, match=r"invalid risk state of row 1: it holds row 7"):
        journal.write_row(run, _batch(run, risk_state={"row": 7}))


@pytest.mark.parametrize("row", [-1, True, "3"])
def test_a_row_number_must_be_a_count(journal: Journal, row: object) -> None:
    run = journal.start_run("paper", CONFIG)
    with pytest.raises(JournalError, match=r"invalid row batch row .*: expected an integer >= 0"):
        journal.write_row(run, dataclasses.replace(_batch(run), row=row))


def test_a_row_of_an_unknown_run_is_refused(journal: Journal) -> None:
    with pytest.raises(UnknownRunError, match="unknown run 'nope'"):
        journal.write_row("nope", _batch("nope", status_updates=[]))


def test_records_given_as_mappings_are_accepted(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    batch = RowBatch(
        row=0,
        ts=at(0),
        risk_state={},
        signals=[
            {
                "ts": at(0),
                "market": "crypto",
                "symbol": "ETH-USD",
                "strategy": "s",
                "direction": 1,
                "strength": 0.5,
                "confidence": 0.5,
            }
        ],
        equity=[
            {
                "ts": at(0) + timedelta(hours=1),
                "equity": 1,
                "cash": 1,
                "gross_exposure": 0,
                "net_exposure": 0,
                "leverage": 0.0,
                "drawdown": 0.0,
            }
        ],
    )
    assert journal.write_row(run, batch) is True
    assert [s.symbol for s in journal.signals(run)] == ["ETH-USD"]
