"""Peer parity: the engine reproduces the benchmark reference exactly."""

from __future__ import annotations

import numpy as np
import pytest
from tests.engine.reference import bench_frame, run_symbol

from tradewind.engine.quick import run_single_strategy
from tradewind.engine.setup import Costs, Sizing
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.strategies.registry import get_strategy

SMA = get_strategy("sma_cross")
CASH = 1_000_000.0


def _run(frames, **kwargs):
    return run_single_strategy(
        frames, SMA, SMA.default_config(), timeframe="1m", sizing=Sizing("units", 10.0), **kwargs
    )


def _reference(frame, **kwargs):
    cols = [frame[c].to_numpy() for c in ("open", "high", "low", "close")]
    return run_symbol(*cols, **kwargs)


def test_w1_shape_run_matches_the_reference_entries_and_equity():
    frame = bench_frame(seed=42, n=60_000)
    run = _run({"W1": frame})
    ref = _reference(frame)
    assert run.entries == ref["entries"] > 500
    assert run.final_equity == pytest.approx(CASH + ref["pnl"], abs=1e-6)


def test_w3_commission_and_resting_stop_match_the_reference():
    frame = bench_frame(seed=7, n=60_000)
    costs = Costs(commission_model=CommissionModel.BPS, commission_bps=10.0)
    run = _run({"W3": frame}, costs=costs, stop_loss_pct=0.02)
    ref = _reference(frame, commission=0.001, stop=0.02)
    assert ref["stops"] > 0
    assert int((run.fills["kind"] == "stop_loss").sum()) == ref["stops"]
    assert run.entries == ref["entries"]
    assert run.final_equity == pytest.approx(CASH + ref["pnl"], abs=1e-6)


def test_w2_shape_portfolio_of_many_symbols_matches_the_sum_of_references():
    frames = {f"S{i:03d}": bench_frame(seed=100 + i, n=3_000) for i in range(12)}
    run = _run(frames)
    refs = [_reference(frame) for frame in frames.values()]
    assert run.entries == sum(r["entries"] for r in refs)
    assert run.final_equity == pytest.approx(CASH + sum(r["pnl"] for r in refs), abs=1e-6)


def test_this_close_fills_equal_next_open_when_open_is_the_previous_close():
    frame = bench_frame(seed=3, n=20_000)
    next_open = _run({"X": frame})
    this_close = _run({"X": frame}, fill_model=FillModel.THIS_CLOSE)
    # Same prices; THIS_CLOSE also fills a signal on the very last bar, if any.
    assert abs(this_close.entries - next_open.entries) <= 1
    fills = next_open.fills
    assert np.allclose(
        this_close.fills["price"].to_numpy()[: len(fills)], fills["price"].to_numpy()
    )


def test_every_fill_follows_an_order_recorded_before_it():
    frame = bench_frame(seed=11, n=20_000)
    run = _run({"X": frame}, stop_loss_pct=0.02)
    orders = run.orders.set_index("seq")
    placed = orders.loc[run.fills["order_seq"], "row"].to_numpy()
    assert (placed <= run.fills["row"].to_numpy()).all()
    assert (orders.loc[run.fills["order_seq"], "status"] == "filled").all()
