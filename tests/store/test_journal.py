"""Runs, signals, risk decisions, orders, fills and state: what goes in comes back out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from tradewind.domain.order_enums import OrderStatus
from tradewind.store import (
    DuplicateOrderError,
    EquityRecord,
    Journal,
    JournalError,
    PositionRecord,
    RiskAction,
    RunMode,
    RunStatus,
    UnknownRunError,
    client_order_id,
)

from ._helpers import CONFIG, T0, at, fill, order, populate, signal

# -- runs ---------------------------------------------------------------------------------


def test_derived_run_ids_are_deterministic_per_config_and_count_up(journal: Journal) -> None:
    first = journal.start_run("backtest", CONFIG)
    second = journal.start_run(RunMode.BACKTEST, dict(reversed(list(CONFIG.items()))))
    other = journal.start_run("backtest", {**CONFIG, "mode": "live"})
    assert first.startswith("bt-")
    assert first.endswith("-0001")
    assert second == first[:-4] + "0002"  # same canonical config, key order ignored
    assert other.endswith("-0001")
    assert other[:15] != first[:15]
    info = journal.run(first)
    assert info.mode is RunMode.BACKTEST
    assert info.status is RunStatus.RUNNING
    assert (
        info.config_json
        == '{"markets":{"crypto":{"symbols":["BTC-USD","ETH-USD"]}},"mode":"paper"}'
    )
    assert info.created_at.tzinfo is not None


def test_an_explicit_run_id_is_used_once(journal: Journal) -> None:
    assert journal.start_run("paper", CONFIG, run_id="golden-1") == "golden-1"
    with pytest.raises(JournalError, match="run golden-1 already exists"):
        journal.start_run("paper", CONFIG, run_id="golden-1")
    with pytest.raises(JournalError, match="characters ' /' are not allowed"):
        journal.start_run("paper", CONFIG, run_id="bad id/1")
    with pytest.raises(JournalError, match="invalid run mode 'yolo'"):
        journal.start_run("yolo", CONFIG)


def test_finish_resume_and_latest_run(journal: Journal) -> None:
    assert journal.latest_run() is None
    older = journal.start_run("paper", CONFIG, run_id="p1")
    newer = journal.start_run("advisory", CONFIG, run_id="a1")
    assert journal.latest_run().run_id == newer  # type: ignore[union-attr]
    assert journal.latest_run("paper").run_id == older  # type: ignore[union-attr]
    journal.finish_run(older, "interrupted", {"reason": "SIGTERM"})
    assert journal.run(older).status is RunStatus.INTERRUPTED
    assert journal.resume_run(older).status is RunStatus.RUNNING
    journal.finish_run(older, summary={"trades": 2, "pnl": Decimal("12.5")})
    finished = journal.run(older)
    assert finished.status is RunStatus.FINISHED
    assert finished.finished_at is not None
    assert finished.summary == {"pnl": "12.5", "trades": 2}
    with pytest.raises(JournalError, match="p1 is finished"):
        journal.resume_run(older)
    with pytest.raises(UnknownRunError):
        journal.finish_run("nope")


# -- signals and risk decisions -------------------------------------------------------


def test_signals_come_back_in_order_with_their_aggregation_decision(journal: Journal) -> None:
    run_id = journal.start_run("advisory", CONFIG)
    journal.record_signals(run_id, [signal(1), signal(2, advisory=True)])
    journal.record_signals(
        run_id,
        [
            {
                "ts": at(2),
                "market": "crypto",
                "symbol": "BTC-USD",
                "strategy": "aggregate",
                "direction": np.int8(-1),
                "strength": 1.0,
                "confidence": 0.5,
                "advisory": True,
                "aggregated": True,
                "decision": "CONSENSUS 2/3 -> SHORT",
                "contributors": "sma_cross,rsi_reversion",
            }
        ],
    )
    stored = journal.signals(run_id)
    assert [s.direction for s in stored] == ["long", "short", "short"]
    assert stored[0].stop == Decimal("41000.5")
    assert stored[0].target is None
    assert stored[0].ts == at(1)
    assert stored[2].decision == "CONSENSUS 2/3 -> SHORT"
    assert stored[2].aggregated
    assert [s.strategy for s in journal.signals(run_id, advisory_only=True)] == [
        "sma_cross",
        "aggregate",
    ]


def test_risk_decisions_keep_codes_and_exact_quantities(journal: Journal) -> None:
    run_id = journal.start_run("backtest", CONFIG)
    populate(journal, run_id)
    (decision,) = journal.risk_decisions(run_id)
    assert decision.action is RiskAction.REDUCE
    assert decision.reason_code == 3
    assert (decision.requested_qty, decision.approved_qty) == (Decimal("0.8"), Decimal("0.5"))
    assert decision.client_order_id == client_order_id(run_id, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"strength": 1.5}, r"signals\.strength 1\.5 in row 0: expected a number in \[0, 1\]"),
        ({"direction": "up"}, r"signals\.direction 'up' in row 0: expected one of long"),
        ({"ts": datetime(2024, 1, 2)}, r"signals\.ts .* expected a timezone-aware datetime"),
        ({"stop": "abc"}, r"signals\.stop 'abc' in row 0: expected a number"),
        ({"stop": float("inf")}, r"signals\.stop inf in row 0: expected a finite number"),
    ],
)
def test_invalid_values_are_refused_with_table_column_and_row(
    journal: Journal, changes: dict[str, object], message: str
) -> None:
    run_id = journal.start_run("backtest", CONFIG)
    with pytest.raises(JournalError, match=message):
        journal.record_signals(run_id, [signal(1), signal(2, **changes)][1:])
    assert journal.signals(run_id) == []


def test_unknown_fields_in_a_mapping_row_are_named(journal: Journal) -> None:
    run_id = journal.start_run("backtest", CONFIG)
    with pytest.raises(JournalError, match=r"signals row 0: unknown field\(s\) colour"):
        journal.record_signals(run_id, [{"colour": "red"}])


def test_writing_to_an_unknown_run_says_so(journal: Journal) -> None:
    with pytest.raises(UnknownRunError, match="unknown run 'ghost'"):
        journal.record_order("ghost", order(1))


# -- orders -------------------------------------------------------------------------------


def test_recorded_order_is_visible_to_another_connection_immediately(
    journal: Journal, journal_target: str
) -> None:
    run_id = journal.start_run("paper", CONFIG)
    coid = journal.record_order(run_id, order(1, price=Decimal("42000.5"), order_type="limit"))
    assert coid == f"{run_id}-00000001"
    with Journal.open(journal_target, create=False) as other:
        (stored,) = other.orders(run_id)
    assert stored.client_order_id == coid
    assert stored.status is OrderStatus.INITIALIZED
    assert stored.price == Decimal("42000.5")
    assert stored.quantity == Decimal("0.5")
    assert stored.ts_created == at(1)
    assert stored.updated_at == at(1)


def test_an_order_sequence_number_is_stored_once(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    journal.record_order(run_id, order(1))
    with pytest.raises(DuplicateOrderError, match="sequence number was already used"):
        journal.record_order(run_id, order(1, quantity=Decimal(9)))
    (stored,) = journal.orders(run_id)
    assert stored.quantity == Decimal("0.5")
    assert journal.next_order_seq(run_id) == 2


def test_status_updates_are_kept_as_history(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    coid = journal.record_order(run_id, order(1))
    journal.update_order_status(coid, OrderStatus.SUBMITTED, at(1))
    journal.update_order_status(coid, "accepted", at(2), venue_order_id="V-77", detail="ack")
    stored = journal.order(coid)
    assert stored is not None
    assert stored.status is OrderStatus.ACCEPTED
    assert stored.venue_order_id == "V-77"
    assert stored.updated_at == at(2)
    assert [status for _, status, _ in journal.order_history(coid)] == [
        OrderStatus.INITIALIZED,
        OrderStatus.SUBMITTED,
        OrderStatus.ACCEPTED,
    ]
    with pytest.raises(JournalError, match="unknown order 'nope'"):
        journal.update_order_status("nope", "accepted", at(2))
    with pytest.raises(JournalError, match=r"orders\.status 'teleported'"):
        journal.update_order_status(coid, "teleported", at(2))


def test_open_orders_include_unsent_ones_and_exclude_terminal_ones(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    for seq in (1, 2, 3):
        journal.record_order(run_id, order(seq))
    journal.update_order_status(client_order_id(run_id, 2), "accepted", at(2))
    journal.update_order_status(client_order_id(run_id, 3), "canceled", at(3))
    assert [o.seq for o in journal.open_orders(run_id)] == [1, 2]


# -- fills --------------------------------------------------------------------------------


def test_the_same_fill_applied_twice_is_stored_once(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    journal.record_order(run_id, order(1))
    assert journal.apply_fill(run_id, fill(run_id, 1)) is True
    assert journal.apply_fill(run_id, fill(run_id, 1, price=Decimal(1))) is False
    (stored,) = journal.fills(run_id)
    assert stored.price == Decimal("42001.125")
    assert stored.commission == Decimal("10.50003")
    (placed,) = journal.orders(run_id)
    assert placed.filled_qty == Decimal("0.5")
    assert placed.status is OrderStatus.FILLED


def test_partial_fills_add_up_to_filled(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    coid = journal.record_order(run_id, order(1, quantity=Decimal("1.0")))
    journal.apply_fill(run_id, fill(run_id, 1, part=1, qty=Decimal("0.25")))
    assert journal.order(coid).status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]
    journal.apply_fill(run_id, fill(run_id, 1, part=2, qty=0.75))
    done = journal.order(coid)
    assert done is not None
    assert done.status is OrderStatus.FILLED
    assert done.filled_qty == Decimal(1)
    assert [status for _, status, _ in journal.order_history(coid)][-2:] == [
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.FILLED,
    ]


def test_a_fill_after_cancel_is_recorded_but_the_order_stays_canceled(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    coid = journal.record_order(run_id, order(1, quantity=Decimal(1)))
    journal.update_order_status(coid, "canceled", at(1))
    assert journal.apply_fill(run_id, fill(run_id, 1, qty=Decimal("0.4")))
    stored = journal.order(coid)
    assert stored is not None
    assert stored.status is OrderStatus.CANCELED
    assert stored.filled_qty == Decimal("0.4")


def test_a_fill_of_an_unknown_order_is_refused(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    with pytest.raises(JournalError, match="cannot store fills"):
        journal.apply_fill(run_id, fill(run_id, 5))
    assert journal.fills(run_id) == []


def test_concurrent_writers_apply_a_fill_exactly_once(journal_target: str) -> None:
    with Journal.open(journal_target) as setup:
        run_id = setup.start_run("paper", CONFIG)
        setup.record_order(run_id, order(1))
    writers = [Journal.open(journal_target) for _ in range(4)]
    barrier = threading.Barrier(len(writers))
    results: list[bool] = []

    def apply(writer: Journal) -> None:
        barrier.wait()
        results.append(writer.apply_fill(run_id, fill(run_id, 1)))

    threads = [threading.Thread(target=apply, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert sorted(results) == [False, False, False, True]
        assert len(writers[0].fills(run_id)) == 1
        assert writers[0].orders(run_id)[0].filled_qty == Decimal("0.5")
    finally:
        for writer in writers:
            writer.close()


# -- portfolio and risk state -------------------------------------------------------------


def test_equity_and_positions_round_trip_exactly(journal: Journal) -> None:
    run_id = journal.start_run("backtest", CONFIG)
    journal.record_equity(
        run_id,
        [
            EquityRecord(
                ts=T0,
                equity="100000.000000000001",
                cash=0.1 + 0.2,
                gross_exposure=Decimal("1E+3"),
                net_exposure=-250,
                leverage=0.01,
                drawdown=0.0,
            )
        ],
    )
    (point,) = journal.equity(run_id)
    assert point.equity == Decimal("100000.000000000001")
    assert point.cash == Decimal("0.3")  # floats keep 12 decimal places
    assert (point.gross_exposure, point.net_exposure) == (Decimal(1000), Decimal(-250))
    journal.record_positions(
        run_id,
        [
            PositionRecord(
                ts=1_704_229_200_123_456_789,  # integer nanoseconds: kept to the microsecond
                market="crypto",
                symbol="ETH-USD",
                qty=Decimal("-3.25"),
                avg_price=Decimal("2250.1"),
                realized_pnl=0,
                unrealized_pnl=Decimal("-12.75"),
            )
        ],
    )
    (position,) = journal.positions(run_id)
    assert position.ts == datetime(2024, 1, 2, 21, 0, 0, 123456, tzinfo=UTC)
    assert position.qty == Decimal("-3.25")
    assert str(position.realized_pnl) == "0"


def test_risk_state_survives_reopening(journal_target: str) -> None:
    state = {
        "high_water_mark": Decimal("125000.5"),
        "day_start_equity": 118000.25,
        "day": "2024-01-03",
        "trading_state": "REDUCING",
        "frozen": False,
    }
    with Journal.open(journal_target) as journal:
        run_id = journal.start_run("paper", CONFIG)
        assert journal.load_risk_state(run_id) is None
        journal.save_risk_state(run_id, at(1), {"high_water_mark": "1", "trading_state": "ACTIVE"})
        journal.save_risk_state(run_id, at(2), state)
    with Journal.open(journal_target, create=False) as reopened:
        assert reopened.load_risk_state(run_id) == {
            "day": "2024-01-03",
            "day_start_equity": 118000.25,
            "frozen": False,
            "high_water_mark": "125000.5",
            "trading_state": "REDUCING",
        }


def test_risk_state_must_be_json(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    with pytest.raises(JournalError, match="cannot store risk state as JSON"):
        journal.save_risk_state(run_id, at(1), {"high_water_mark": float("nan")})
