"""The journal digest (byte-identical for the same inputs, different for any change) and
bulk writes from columns, records and DataFrames."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.store import (
    DuplicateOrderError,
    Journal,
    JournalError,
    OrderRecord,
    client_order_id,
)

from ._helpers import CONFIG, T0, order, populate
from .conftest import requires_postgres

REPO = Path(__file__).resolve().parents[2]


def test_two_runs_of_the_same_inputs_have_the_same_digest(journal: Journal) -> None:
    first = journal.start_run("backtest", CONFIG)
    populate(journal, first)
    journal.finish_run(first, summary={"trades": 2})
    time.sleep(0.01)  # different wall clock for created_at/finished_at
    second = journal.start_run("backtest", CONFIG)
    populate(journal, second)
    journal.finish_run(second, summary={"trades": 2})
    assert first != second
    assert journal.digest(first) == journal.digest(second)
    assert len(journal.digest(first)) == 64


def test_changing_one_value_changes_the_digest(journal: Journal) -> None:
    base = journal.start_run("backtest", CONFIG)
    populate(journal, base)
    changed_price = journal.start_run("backtest", CONFIG)
    populate(journal, changed_price, last_price="43000.26")
    extra_event = journal.start_run("backtest", CONFIG)
    populate(journal, extra_event)
    journal.update_order_status(client_order_id(extra_event, 1), "filled", T0, detail="again")
    digests = {journal.digest(run) for run in (base, changed_price, extra_event)}
    assert len(digests) == 3


@pytest.mark.slow
def test_the_digest_is_the_same_in_a_fresh_process(tmp_path: Path) -> None:
    script = (
        "import sys; from tests.store._helpers import CONFIG, populate\n"
        "from tradewind.store import Journal\n"
        "with Journal.open(sys.argv[1]) as j:\n"
        "    run = j.start_run('backtest', CONFIG, run_id=sys.argv[2])\n"
        "    populate(j, run)\n"
        "    print(j.digest(run))\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / f"j{seed}.db"), f"run-{seed}"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(result.stdout.strip())
    with Journal.open(":memory:") as journal:
        run = journal.start_run("backtest", CONFIG)
        populate(journal, run)
        digests.add(journal.digest(run))
    assert len(digests) == 1


@requires_postgres
def test_sqlite_and_postgresql_give_the_same_digest(pg_url: str, tmp_path: Path) -> None:
    digests = []
    for target in (str(tmp_path / "journal.db"), pg_url):
        with Journal.open(target) as journal:
            run = journal.start_run("backtest", CONFIG)
            populate(journal, run)
            digests.append(journal.digest(run))
    assert digests[0] == digests[1]


def _columns(run_id: str, count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = np.random.default_rng(7)
    ts = np.datetime64("2024-01-02T21:00", "ns") + np.arange(count) * np.timedelta64(1, "h")
    price = 42000 + rng.standard_normal(count).cumsum()
    side = np.where(np.arange(count) % 2 == 0, 1, -1)
    qty = np.round(rng.uniform(0.01, 2.0, count), 6)
    seq = np.arange(1, count + 1)
    ids = [client_order_id(run_id, s) for s in seq.tolist()]
    orders = {
        "seq": seq,
        "ts_created": ts.view(np.int64),
        "market": "crypto",
        "symbol": "BTC-USD",
        "side": side,
        "order_type": "market",
        "quantity": qty,
        "status": "filled",
        "filled_qty": qty,
        "strategies": "sma_cross",
        "trigger_price": np.where(side > 0, np.nan, price - 50),
    }
    fills = {
        "trade_id": [f"{i}-1" for i in ids],
        "venue": "SIM",
        "client_order_id": ids,
        "ts": ts,
        "market": "crypto",
        "symbol": "BTC-USD",
        "side": side,
        "qty": qty,
        "price": price,
        "commission": price * qty * 0.0005,
        "strategies": "sma_cross",
    }
    return orders, fills


def _records(columns: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The same data as one mapping per row with plain Python values."""
    rows: list[dict[str, Any]] = []
    for index in range(count):
        row = {}
        for name, values in columns.items():
            value = values[index] if isinstance(values, np.ndarray | list) else values
            if isinstance(value, np.datetime64):
                value = pd.Timestamp(value).tz_localize("UTC")
            row[name] = value.item() if isinstance(value, np.generic) else value
        rows.append(row)
    return rows


def test_columns_records_and_dataframes_store_identical_values(journal: Journal) -> None:
    count = 200
    digests = []
    for shape in ("columns", "records", "frame"):
        run = journal.start_run("backtest", CONFIG)
        orders, fills = _columns(run, count)
        if shape == "records":
            journal.record_orders(run, [OrderRecord(**row) for row in _records(orders, count)])
            journal.record_fills(run, _records(fills, count))
        elif shape == "frame":
            frame = pd.DataFrame(dict(fills.items()))
            frame["ts"] = frame["ts"].dt.tz_localize("UTC").dt.tz_convert("Europe/Berlin")
            journal.record_orders(run, orders)
            journal.record_fills(run, frame)
        else:
            journal.record_orders(run, orders)
            journal.record_fills(run, fills)
        digests.append(journal.digest(run))
    assert digests[0] == digests[1] == digests[2]
    stored = journal.orders(run)
    assert stored[1].trigger_price is not None
    assert stored[0].trigger_price is None


def test_bad_values_in_columns_name_the_row(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    orders, _ = _columns(run, 5)
    bad_qty = np.array(orders["quantity"], dtype=float)
    bad_qty[3] = np.inf
    with pytest.raises(JournalError, match=r"orders\.quantity inf in row 3: expected a finite"):
        journal.record_orders(run, {**orders, "quantity": bad_qty})
    with pytest.raises(JournalError, match=r"orders\.side 0 in row 0: expected one of buy, sell"):
        journal.record_orders(run, {**orders, "side": np.zeros(5, dtype=np.int8)})
    with pytest.raises(JournalError, match=r"expected equal lengths, found .*quantity=4"):
        journal.record_orders(run, {**orders, "quantity": bad_qty[:4]})
    with pytest.raises(JournalError, match="missing required column order_type"):
        journal.record_orders(run, {k: v for k, v in orders.items() if k != "order_type"})
    assert journal.orders(run) == []


def test_bulk_journaling_of_a_27000_order_backtest_is_fast() -> None:
    count = 27_000
    with Journal.open(":memory:") as journal:
        run = journal.start_run("backtest", CONFIG)
        orders, fills = _columns(run, count)
        started = time.perf_counter()
        journal.record_orders(run, orders)
        journal.record_fills(run, fills)
        elapsed = time.perf_counter() - started
        assert len(journal.fills(run)) == count
    # ~0.3 s on a typical machine; the bound only catches a pathological regression
    # (row-at-a-time inserts or commits take tens of seconds).
    assert elapsed < 5.0, f"journaling {count} orders + fills took {elapsed:.2f} s"


def test_record_orders_accepts_records_too(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    assert journal.record_orders(run, [order(1), order(2)]) == 2
    assert journal.next_order_seq(run) == 3


def test_bulk_orders_that_reuse_sequence_numbers_are_refused_whole(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    orders, fills = _columns(run, 100)  # enough rows for PostgreSQL's COPY path
    journal.record_orders(run, orders)
    journal.record_fills(run, fills)
    with pytest.raises(DuplicateOrderError, match="sequence number was already used"):
        journal.record_orders(run, {**orders, "seq": orders["seq"] + 99})
    with pytest.raises(JournalError, match="cannot store fills"):
        journal.record_fills(run, fills)
    assert len(journal.orders(run)) == 100
    assert len(journal.fills(run)) == 100
