"""The compiled loop takes its arrays as records, and its allocation-free helpers (run
without numba's reference counting) neither leak nor drop references to them."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from dataclasses import replace

import numpy as np
import pytest
from tests.engine.target_books import books_from_targets

from tradewind.engine import cash, kernel, kernel_bar, kernel_decide, kernel_fill
from tradewind.engine.books import BookSet
from tradewind.engine.inputs import kernel_inputs, run_rows
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import Costs, EngineSpec, MarketRun, Sizing
from tradewind.engine.state import KernelState
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.risk import check
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.limits import RiskLimits, limits_vector

ROWS, SYMBOLS = 120, 3


def _panel() -> MarketPanel:
    rng = np.random.default_rng(7)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.03, (ROWS, SYMBOLS)), axis=0))
    open_ = np.r_[close[:1], close[:-1]] * (1 + rng.normal(0, 0.01, (ROWS, SYMBOLS)))
    ts = (np.arange(ROWS, dtype=np.int64) + 1) * 86_400_000_000_000
    rows = np.arange(ROWS, dtype=np.int64)
    names = tuple(f"S{i}" for i in range(SYMBOLS))
    return MarketPanel(
        timestamps=ts, symbols=names, open=open_, high=np.maximum(open_, close) * 1.02,
        low=np.minimum(open_, close) * 0.98, close=close, mark=close.copy(),
        fresh=np.ones((ROWS, SYMBOLS), dtype=bool), bar_rows=dict.fromkeys(names, rows),
        bar_times=dict.fromkeys(names, ts),
    )  # fmt: skip


def _books() -> BookSet:
    rng = np.random.default_rng(11)
    targets = rng.choice([-1, 0, 1], size=(SYMBOLS, ROWS), p=[0.1, 0.5, 0.4])
    targets = np.repeat(targets[:, ::6], 6, axis=1)[:, :ROWS]  # hold each target 6 bars
    books = books_from_targets(targets, 0.2, np.zeros(SYMBOLS, dtype=np.int64))
    return replace(books, stop_pct=np.full(SYMBOLS, 0.02), take_pct=np.full(SYMBOLS, 0.04))


def _run(fill_model: FillModel, *, cash_account: bool) -> KernelState:
    panel = _panel()
    limits = RiskLimits(
        global_=limits_vector(cash_account=1.0 if cash_account else 0.0, leverage=1.5),
        markets=limits_vector()[None, :],
        strategies=np.zeros((0, 0)),
        market_names=("m",),
    )
    costs = Costs(commission_model=CommissionModel.BPS, commission_bps=10.0, slippage_bps=5.0)
    market = MarketRun(name="m", symbols=panel.symbols, strategies=(),
                       sizing=Sizing("fraction", 0.2), costs=costs)  # fmt: skip
    spec = EngineSpec(markets=(market,), limits=limits, fill_model=fill_model)
    state = KernelState.allocate(n_rows=ROWS, n_symbols=SYMBOLS, n_books=SYMBOLS,
                                 capacity=3 * ROWS * SYMBOLS, initial_cash=100_000.0)  # fmt: skip
    inputs, books, risk_state = kernel_inputs(panel, spec), _books(), initial_state_vector()
    before = {f.name: sys.getrefcount(getattr(state, f.name)) for f in dataclasses.fields(state)}
    run_rows(0, ROWS, panel, spec, inputs, books, 0, limits.markets, risk_state, state)
    after = {f.name: sys.getrefcount(getattr(state, f.name)) for f in dataclasses.fields(state)}
    assert after == before
    return state


@pytest.mark.parametrize("fill_model", [FillModel.NEXT_OPEN, FillModel.THIS_CLOSE])
@pytest.mark.parametrize("cash_account", [False, True])
def test_the_loop_leaves_the_reference_counts_of_its_state_arrays_as_they_were(
    fill_model: FillModel, cash_account: bool
) -> None:
    state = _run(fill_model, cash_account=cash_account)
    kinds = state.o_kind[: state.n_orders]
    # the run went through every helper: entries, exits at the open or close, and stops
    assert state.n_fills > 10
    assert (kinds > 0).any()
    assert np.isfinite(state.equity_out).all()


def test_the_loop_gives_the_same_run_twice_from_fresh_state() -> None:
    first, second = (
        _run(FillModel.NEXT_OPEN, cash_account=True),
        _run(FillModel.NEXT_OPEN, cash_account=True),
    )
    for field in dataclasses.fields(first):
        np.testing.assert_array_equal(getattr(first, field.name), getattr(second, field.name))


_HOT_PATH = (
    kernel.step_rows,
    kernel_bar.fill_at_open,
    kernel_bar.fill_exit,
    kernel_decide.decide_book,
    kernel_decide.fill_at_close,
    kernel_fill.fill_book,
    kernel_fill.after_fill,
    cash.reserved_cash,
    check.check_order,
)


@pytest.mark.parametrize("function", _HOT_PATH, ids=lambda f: f.__name__)
def test_compiled_functions_on_the_order_path_take_records_not_dozens_of_arrays(
    function: object,
) -> None:
    parameters = inspect.signature(function.py_func).parameters  # type: ignore[attr-defined]
    assert len(parameters) <= 11
