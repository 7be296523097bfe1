"""Property: whatever the signals, the engine never takes risk past its limits.

Hypothesis draws signal streams for six symbols in three markets and random limits;
the engine loop runs them (fills at the signal bar's close, so the risk check and the
fill see the same prices) and after every fill the book is re-measured independently.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.target_books import books_from_targets

from tradewind.engine.books import BookSet
from tradewind.engine.inputs import kernel_inputs, run_rows
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec, MarketRun, Sizing
from tradewind.engine.state import KernelState
from tradewind.execution.models import FillModel
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.limits import LimitField, RiskLimits, limits_vector

ROWS, SYMBOLS = 60, 6
MARKET_OF = np.array([0, 0, 1, 1, 2, 2])


def _panel(seed: int) -> MarketPanel:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, (ROWS, SYMBOLS)), axis=0))
    ts = (np.arange(ROWS, dtype=np.int64) + 1) * 86_400_000_000_000
    rows = np.arange(ROWS, dtype=np.int64)
    names = tuple(f"S{i}" for i in range(SYMBOLS))
    return MarketPanel(
        timestamps=ts, symbols=names, open=close.copy(), high=close * 1.01,
        low=close * 0.99, close=close, mark=close.copy(),
        fresh=np.ones((ROWS, SYMBOLS), dtype=bool),
        bar_rows=dict.fromkeys(names, rows), bar_times=dict.fromkeys(names, ts),
    )  # fmt: skip


def _books(targets: np.ndarray, size: float) -> BookSet:
    return books_from_targets(targets, size, MARKET_OF)


limits_st = st.fixed_dictionaries(
    {
        "position_pct": st.sampled_from([None, 0.05, 0.2, 0.5]),
        "exposure_pct": st.sampled_from([None, 0.3, 0.8, 1.5]),
        "leverage": st.sampled_from([None, 0.5, 1.0, 2.0]),
        "open_positions": st.sampled_from([None, 1, 2, 4]),
    }
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    streams=st.lists(
        st.lists(st.sampled_from([-1, 0, 1]), min_size=ROWS, max_size=ROWS),
        min_size=SYMBOLS,
        max_size=SYMBOLS,
    ),
    size=st.sampled_from([0.05, 0.3, 0.9]),
    global_limits=limits_st,
    market_exposure=st.sampled_from([None, 0.2, 0.6]),
    market_open=st.sampled_from([None, 1]),
)
def test_limits_hold_after_every_fill(seed, streams, size, global_limits, market_exposure,
                                      market_open):  # fmt: skip
    panel = _panel(seed)
    books = _books(np.array(streams), size)
    market_row = limits_vector(exposure_pct=market_exposure, open_positions=market_open)
    limits = RiskLimits(
        global_=limits_vector(**global_limits),
        markets=np.vstack([market_row] * 3),
        strategies=np.zeros((0, 0)),
        market_names=("m0", "m1", "m2"),
    )
    markets = tuple(
        MarketRun(name=f"m{m}", symbols=tuple(f"S{i}" for i in np.flatnonzero(m == MARKET_OF)),
                  strategies=(), sizing=Sizing("fraction", size))
        for m in range(3)
    )  # fmt: skip
    spec = EngineSpec(markets=markets, limits=limits, fill_model=FillModel.THIS_CLOSE)
    state = KernelState.allocate(n_rows=ROWS, n_symbols=SYMBOLS, n_books=SYMBOLS,
                                 capacity=3 * ROWS * SYMBOLS, initial_cash=1_000_000.0)  # fmt: skip
    run_rows(0, ROWS, panel, spec, kernel_inputs(panel, spec), books, 0, limits.markets,
             initial_state_vector(), state)  # fmt: skip

    g = limits.global_
    position = np.zeros(SYMBOLS)
    for j in range(state.n_fills):
        t = int(state.f_row[j])
        n = int(state.o_book[state.f_order[j]])
        before = abs(position[n])
        position[n] += state.f_qty[j]
        if abs(position[n]) <= before + 1e-9:
            continue  # reductions are always allowed
        equity = state.equity_out[t]
        value = np.abs(position * panel.close[t])
        tolerance = 1e-6 * equity
        for field, cap in ((LimitField.EXPOSURE_PCT, g[LimitField.EXPOSURE_PCT]),
                           (LimitField.LEVERAGE, g[LimitField.LEVERAGE])):  # fmt: skip
            if not np.isnan(cap):
                assert value.sum() <= cap * equity + tolerance, (field, j)
        if not np.isnan(g[LimitField.POSITION_PCT]):
            assert value[n] <= g[LimitField.POSITION_PCT] * equity + tolerance
        if not np.isnan(g[LimitField.OPEN_POSITIONS]):
            assert np.count_nonzero(np.abs(position) > 1e-9) <= g[LimitField.OPEN_POSITIONS]
        m = MARKET_OF[n]
        if market_exposure is not None:
            assert value[m == MARKET_OF].sum() <= market_exposure * equity + tolerance
        if market_open is not None:
            assert np.count_nonzero(np.abs(position[m == MARKET_OF]) > 1e-9) <= market_open
