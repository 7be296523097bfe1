"""A cash account never overdraws and never sells short; a margin account may borrow.

The orders are sized at the signal bar's close and fill at the next open, which gaps
(the overdraft a user found: all-in sizing on BTC daily left cash at -27,677).
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.target_books import books_from_targets

from tradewind.engine.books import BookSet
from tradewind.engine.inputs import kernel_inputs, run_rows
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import Costs, EngineSpec, MarketRun, Sizing
from tradewind.engine.state import KernelState
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.limits import RiskLimits, limits_vector
from tradewind.risk.reasons import RiskReason

ROWS, SYMBOLS = 80, 3


def _panel(seed: int, gap: float, gap_up_rows: tuple[int, ...] = ()) -> MarketPanel:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.03, (ROWS, SYMBOLS)), axis=0))
    open_ = np.empty_like(close)
    open_[0] = close[0]
    # Each open jumps away from the previous close by up to `gap` (mostly upwards).
    open_[1:] = close[:-1] * (1 + rng.uniform(-gap / 2, gap, (ROWS - 1, SYMBOLS)))
    for row in gap_up_rows:
        open_[row] = close[row - 1] * 1.05
    high = np.maximum(open_, close) * 1.01
    low = np.minimum(open_, close) * 0.99
    ts = (np.arange(ROWS, dtype=np.int64) + 1) * 86_400_000_000_000
    rows = np.arange(ROWS, dtype=np.int64)
    names = tuple(f"S{i}" for i in range(SYMBOLS))
    return MarketPanel(
        timestamps=ts, symbols=names, open=open_, high=high, low=low, close=close,
        mark=close.copy(), fresh=np.ones((ROWS, SYMBOLS), dtype=bool),
        bar_rows=dict.fromkeys(names, rows), bar_times=dict.fromkeys(names, ts),
    )  # fmt: skip


def _books(targets: np.ndarray, size: float) -> BookSet:
    return books_from_targets(targets, size, np.zeros(SYMBOLS, dtype=np.int64))


def _run(
    streams: np.ndarray, size: float, *, cash_account: bool, seed: int = 1, gap: float = 0.06,
    commission_bps: float = 10.0, lot: float = 0.0, gap_up_rows: tuple[int, ...] = (),
) -> KernelState:  # fmt: skip
    panel = _panel(seed, gap, gap_up_rows)
    limits = RiskLimits(
        global_=limits_vector(cash_account=1.0 if cash_account else 0.0),
        markets=np.zeros((0, 0)),
        strategies=np.zeros((0, 0)),
        market_names=("m",),
    )
    costs = Costs(lot=lot, commission_model=CommissionModel.BPS, commission_bps=commission_bps,
                  slippage_bps=5.0)  # fmt: skip
    market = MarketRun(name="m", symbols=panel.symbols, strategies=(),
                       sizing=Sizing("fraction", size), costs=costs)  # fmt: skip
    spec = EngineSpec(markets=(market,), limits=limits, fill_model=FillModel.NEXT_OPEN)
    state = KernelState.allocate(n_rows=ROWS, n_symbols=SYMBOLS, n_books=SYMBOLS,
                                 capacity=3 * ROWS * SYMBOLS, initial_cash=100_000.0)  # fmt: skip
    run_rows(0, ROWS, panel, spec, kernel_inputs(panel, spec), _books(streams, size), 0,
             limits.markets, initial_state_vector(), state)  # fmt: skip
    return state


def _all_in_then_out() -> np.ndarray:
    streams = np.zeros((SYMBOLS, ROWS), dtype=np.int64)
    streams[0, 5:40] = 1
    streams[0, 45:70] = 1
    return streams


def test_all_in_sizing_on_a_margin_account_borrows_at_a_gap_up() -> None:
    state = _run(_all_in_then_out(), 1.0, cash_account=False, gap_up_rows=(6, 46))
    assert state.cash_out.min() < 0.0  # the overdraft the cash account must prevent


def test_all_in_sizing_on_a_cash_account_never_overdraws() -> None:
    state = _run(_all_in_then_out(), 1.0, cash_account=True, gap_up_rows=(6, 46))
    assert state.cash_out.min() >= 0.0
    reasons = state.o_reason[: state.n_orders]
    assert (reasons == RiskReason.INSUFFICIENT_CASH).any()
    assert state.n_fills >= 4  # it still trades: cut, not refused


def test_a_cash_account_denies_short_entries_and_a_margin_account_takes_them() -> None:
    streams = np.zeros((SYMBOLS, ROWS), dtype=np.int64)
    streams[1, 10:30] = -1
    cash = _run(streams, 0.2, cash_account=True)
    short = np.flatnonzero(cash.o_side[: cash.n_orders] < 0)
    assert len(short)
    assert (cash.o_reason[short] == RiskReason.SHORT_NOT_ALLOWED).all()
    assert cash.n_fills == 0
    margin = _run(streams, 0.2, cash_account=False)
    assert margin.n_fills == 2  # in and out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    streams=st.lists(
        st.lists(st.sampled_from([0, 0, 1]), min_size=ROWS, max_size=ROWS),
        min_size=SYMBOLS,
        max_size=SYMBOLS,
    ),
    size=st.sampled_from([0.2, 0.5, 0.9, 1.0]),
    gap=st.sampled_from([0.0, 0.03, 0.1]),
    commission_bps=st.sampled_from([0.0, 10.0, 100.0]),
    lot=st.sampled_from([0.0, 1.0]),
)
def test_cash_never_goes_negative_whatever_the_signals_and_gaps(
    seed, streams, size, gap, commission_bps, lot
):  # fmt: skip
    state = _run(np.array(streams), size, cash_account=True, seed=seed, gap=gap,
                 commission_bps=commission_bps, lot=lot)  # fmt: skip
    assert np.nanmin(state.cash_out) >= 0.0
    assert (state.pos >= 0.0).all()
    filled = state.f_order[: state.n_fills]
    # An order cut at its fill is journaled with the quantity that filled.
    assert np.allclose(np.abs(state.f_qty[: state.n_fills]), state.o_ok[filled])
