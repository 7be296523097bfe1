"""`journal_versions` changes with every kind of write of its topic and only then."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from tests.monitor_seed import D2, Seed

from tradewind.app.monitor import TOPICS, journal_versions
from tradewind.store import (
    ControlCommand,
    EquityRecord,
    FillRecord,
    Journal,
    PromotionRecord,
    SignalRecord,
)
from tradewind.store.row_batch import RowBatch

LATER = D2 + timedelta(days=3650)


def _changed(journal: Journal, write: Callable[[], object]) -> set[str]:
    before = journal_versions(journal)
    write()
    after = journal_versions(journal)
    return {topic for topic in TOPICS if before[topic] != after[topic]}


def test_reading_changes_nothing(fresh_copy: Journal) -> None:
    first = journal_versions(fresh_copy)
    fresh_copy.runs()
    assert journal_versions(fresh_copy) == first
    assert set(first) == set(TOPICS)


@pytest.mark.parametrize(
    ("topic", "write"),
    [
        ("controls", lambda j, s: j.issue_control(
            ControlCommand(action="resume", market=None, user="u", reason="", source="cli"))),
        ("controls", lambda j, s: j.acknowledge_control(2, s.paper_run, "in force")),
        ("sessions", lambda j, s: j.beat(s.paper_run, "paper", {"row": 2})),
        ("fills", lambda j, s: j.apply_fill(s.paper_run, FillRecord(
            trade_id="x", venue="SIM", client_order_id=None, ts=D2, market="crypto",
            symbol="BTC-USD", side="buy", qty=1, price=1))),
        ("signals", lambda j, s: j.record_signals(s.paper_run, [SignalRecord(
            ts=D2, market="crypto", symbol="ETH-USD", strategy="x", direction="long",
            strength=1.0, confidence=1.0)])),
        ("runs", lambda j, s: j.start_run("backtest", {"data": "x"}, run_id="bt-new")),
        ("runs", lambda j, s: j.finish_run(s.paper_run)),
        ("risk", lambda j, s: j.save_risk_state(s.paper_run, D2, {"state": "ACTIVE"})),
        ("risk", lambda j, s: j.record_equity(s.backtest_run, [EquityRecord(
            ts=LATER, equity=1, cash=1, gross_exposure=0, net_exposure=0, leverage=0.0,
            drawdown=0.0)])),
        ("promotions", lambda j, s: j.record_promotion(PromotionRecord(
            market="forex", strategy="*", from_stage="advisory", to_stage="paper",
            evidence={}, override=False, user="u", reason=""))),
    ],
)  # fmt: skip
def test_each_write_changes_its_topic_only(
    fresh_copy: Journal, seed: Seed, topic: str, write: Callable[[Journal, Seed], object]
) -> None:
    assert _changed(fresh_copy, lambda: write(fresh_copy, seed)) == {topic}


def test_a_session_row_changes_fills_signals_and_risk(fresh_copy: Journal, seed: Seed) -> None:
    batch = RowBatch(
        row=2,
        ts=D2,
        risk_state={"state": "ACTIVE"},
        fills=[FillRecord(trade_id="r2", venue="SIM", client_order_id=None, ts=D2,
                          market="stocks", symbol="AAPL", side="sell", qty=1, price=1)],
        signals=[SignalRecord(ts=D2, market="stocks", symbol="AAPL", strategy="y",
                              direction="flat", strength=0.0, confidence=0.0)],
    )  # fmt: skip
    changed = _changed(fresh_copy, lambda: fresh_copy.write_row(seed.paper_run, batch))
    assert changed == {"fills", "signals", "risk"}


def test_versions_is_cheap(journal: Journal) -> None:
    journal_versions(journal)
    start = time.perf_counter()
    for _ in range(20):
        journal_versions(journal)
    assert (time.perf_counter() - start) / 20 < 0.005
