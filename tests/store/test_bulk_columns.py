"""Bulk writes from columns: repeated values, array-wise checks and multi-row inserts store
exactly what one record per row stores, and bad values still name their row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tradewind.store import Journal, JournalError, OrderRecord, client_order_id, writes

from ._helpers import CONFIG

T0_NS = int(np.datetime64("2024-01-02T21:00", "ns").astype(np.int64))
HOUR_NS = 3_600_000_000_000


def _order_columns(count: int) -> dict[str, Any]:
    seq = np.arange(1, count + 1)
    return {
        "seq": seq,
        "ts_created": T0_NS + seq * HOUR_NS,
        "market": np.full(count, "crypto", dtype=object),  # one value in every row
        "symbol": np.where(seq % 3 == 0, "ETH-USD", "BTC-USD"),
        "side": np.where(seq % 2 == 0, "buy", "sell"),
        "order_type": "limit",
        "quantity": np.full(count, 0.5),
        "price": np.round(42000.0 + seq * 0.37, 4),
        "trigger_price": np.where(seq % 4 == 0, 41000.5, np.nan),
        "status": "filled",
        "filled_qty": np.full(count, 0.5),
        "strategies": "sma_cross",
        "reason": np.array([f"reason {i % 5}" for i in range(count)], dtype=object),
        "venue": None,
    }


def _equity_columns(count: int) -> dict[str, Any]:
    rows = np.arange(count)
    return {
        "ts": T0_NS + rows * HOUR_NS,
        "equity": np.full(count, 100_000.25),
        "cash": 100_000.0,
        "gross_exposure": np.zeros(count),
        "net_exposure": np.where(rows % 2 == 0, 0.0, -0.0),  # equal, but not the same bits
        "leverage": np.where(rows % 2 == 0, 0.0, -0.0),
        "drawdown": np.full(count, 0.0125),
    }


def _records(columns: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The same rows as one mapping each, with plain Python values (NaN as None)."""
    rows = []
    for index in range(count):
        row: dict[str, Any] = {}
        for name, values in columns.items():
            value = values[index] if isinstance(values, np.ndarray) else values
            value = value.item() if isinstance(value, np.generic) else value
            row[name] = None if isinstance(value, float) and np.isnan(value) else value
        rows.append(row)
    return rows


def test_repeated_and_constant_looking_columns_store_what_records_store(journal: Journal) -> None:
    count = 40
    digests = []
    for shape in ("columns", "records"):
        run = journal.start_run("backtest", CONFIG)
        orders, equity = _order_columns(count), _equity_columns(count)
        if shape == "records":
            journal.record_orders(run, [OrderRecord(**row) for row in _records(orders, count)])
            journal.record_equity(run, _records(equity, count))
        else:
            journal.record_orders(run, orders)
            journal.record_equity(run, equity)
        digests.append(journal.digest(run))
    assert digests[0] == digests[1]
    stored = journal.orders(run)
    assert [order.seq for order in stored] == list(range(1, count + 1))
    assert {order.market for order in stored} == {"crypto"}
    assert all(order.updated_at == order.ts_created for order in stored)


def test_multi_row_inserts_split_at_the_parameter_limit(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 53
    reference = journal.start_run("backtest", CONFIG)
    journal.record_orders(reference, _order_columns(count))
    monkeypatch.setattr(writes, "SQLITE_ROWS_PER_INSERT", 7)
    monkeypatch.setattr(writes, "_sqlite_max_parameters", lambda _connection: 29)
    split = journal.start_run("backtest", CONFIG)
    journal.record_orders(split, _order_columns(count))
    fills = {
        "trade_id": [f"{client_order_id(split, seq)}-T1" for seq in range(1, count + 1)],
        "venue": "SIM",
        "client_order_id": [client_order_id(split, seq) for seq in range(1, count + 1)],
        "ts": T0_NS,
        "market": "crypto",
        "symbol": "BTC-USD",
        "side": "buy",
        "qty": 0.5,
        "price": 42000.0,
        "commission": 0.0,
        "strategies": "sma_cross",
    }
    assert journal.record_fills(split, fills) == count
    assert [fill.trade_id for fill in journal.fills(split)] == fills["trade_id"]
    assert [order.seq for order in journal.orders(split)] == list(range(1, count + 1))
    assert (
        journal.record_positions(
            split,
            {
                "ts": T0_NS,
                "market": "crypto",
                "symbol": ["BTC-USD"] * 9,
                "qty": 1.0,
                "avg_price": 2.0,
                "realized_pnl": 0.0,
                "unrealized_pnl": 0.0,
            },
        )
        == 9
    )  # every column repeated: only shared parameters
    journal.record_fills(
        reference,
        {**fills, "trade_id": [f"{t}-r" for t in fills["trade_id"]], "client_order_id": None},
    )
    reference_orders = [(o.seq, o.price, o.symbol) for o in journal.orders(reference)]
    assert reference_orders == [(o.seq, o.price, o.symbol) for o in journal.orders(split)]


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        (
            "symbol",
            ["BTC-USD", "ETH-USD", "BTC-USD", "X" * 65],
            r"orders\.symbol 'X+' in row 3: "
            "expected at most 64 characters",
        ),
        ("reason", ["a", "b", None, "c"], r"orders\.reason None in row 2: expected a string"),
        (
            "side",
            np.array(["buy", "sell", "sell", "hold"]),
            r"orders\.side 'hold' in row 3: "
            "expected one of buy, sell",
        ),
        (
            "price",
            np.array([1.0, np.inf, 2.0, 3.0]),
            r"orders\.price inf in row 1: expected a "
            "finite number",
        ),
    ],
)
def test_a_bad_value_in_a_column_names_its_row(
    journal: Journal, column: str, values: Any, message: str
) -> None:
    run = journal.start_run("backtest", CONFIG)
    with pytest.raises(JournalError, match=message):
        journal.record_orders(run, {**_order_columns(4), column: values})
    assert journal.orders(run) == []


def test_ratio_columns_are_checked_array_wise_and_name_the_row(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    signals = {
        "ts": np.full(3, T0_NS),
        "market": "crypto",
        "symbol": "BTC-USD",
        "strategy": "sma_cross",
        "direction": np.array([1, -1, 0]),
        "strength": np.array([0.5, 1.0, 1.5]),
        "confidence": np.ones(3),
        "advisory": np.array([True, False, True]),
    }
    with pytest.raises(JournalError, match=r"signals\.strength 1\.5 in row 2: expected a number"):
        journal.record_signals(run, signals)
    equity = _equity_columns(3)
    with pytest.raises(JournalError, match=r"equity\.leverage nan in row 1: expected a finite"):
        journal.record_equity(run, {**equity, "leverage": np.array([0.1, np.nan, 0.2])})
    assert journal.record_signals(run, {**signals, "strength": np.array([0.5, 1.0, 0.0])}) == 3
    stored = journal.signals(run)
    assert [s.direction for s in stored] == ["long", "short", "flat"]
    assert [s.advisory for s in stored] == [True, False, True]
    assert [s.confidence for s in stored] == [1.0, 1.0, 1.0]
