"""Hypothesis: random order streams across three markets never breach a limit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewind.risk import LimitField, RiskReason, StateCode

from .book import Book, no_limits

F = LimitField
N_MARKETS, N_STRATEGIES = 3, 2
MARKET_OF = [0, 0, 1, 1, 2, 2]
STRATEGY_OF = [0, 1, 0, 1, 0, 1]
N_INSTRUMENTS = len(MARKET_OF)


def maybe(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.one_of(st.just(np.nan), st.floats(lo, hi))


@st.composite
def scope_limits(draw: st.DrawFn, global_: bool) -> np.ndarray:
    row = no_limits()
    row[F.POSITION_PCT] = draw(maybe(0.01, 0.6))
    row[F.POSITION_ABS] = draw(maybe(1_000, 80_000))
    row[F.LEVERAGE] = draw(st.floats(0.2, 3.0) if global_ else maybe(0.1, 2.0))
    row[F.EXPOSURE_PCT] = draw(maybe(0.1, 2.0))
    row[F.OPEN_POSITIONS] = draw(st.one_of(st.just(np.nan), st.integers(1, 5).map(float)))
    if global_:
        row[F.CORRELATED_PCT] = draw(maybe(0.05, 1.5))
    return row


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "global": draw(scope_limits(True)),
        "markets": np.stack([draw(scope_limits(False)) for _ in range(N_MARKETS)]),
        "strategies": np.stack([draw(scope_limits(False)) for _ in range(N_STRATEGIES)]),
        "budget": np.array([draw(maybe(2_000, 100_000)) for _ in range(N_MARKETS)]),
        "lot": draw(st.sampled_from([1.0, 0.5, 0.01])),
        "orders": draw(
            st.lists(
                st.tuples(
                    st.integers(0, N_INSTRUMENTS - 1),
                    st.sampled_from([1, -1]),
                    st.floats(0.01, 3_000),
                    st.floats(-0.05, 0.05),  # price move before the order
                ),
                min_size=1,
                max_size=40,
            )
        ),
    }


def correlated(book: Book, prices: np.ndarray, instrument: int, side: int) -> float:
    # stand-in for the intelligence hook: same-market positions on the order's side
    same = (np.asarray(MARKET_OF) == MARKET_OF[instrument]) & (np.sign(book.qty) == side)
    same[instrument] = False
    return float(book.notional(prices)[same].sum())


def measures(
    scn: dict[str, Any], book: Book, prices: np.ndarray, instrument: int, side: int
) -> dict[str, float]:
    """Every limited quantity minus its cap (> 0 = breached)."""
    eq = book.equity
    g, m, s = scn["global"], scn["markets"], scn["strategies"]
    notional = book.notional(prices)
    mkt, strat = book.market_gross(prices), book.strategy_gross(prices)
    n_open, open_m, open_s = book.open_counts()
    out: dict[str, float] = {}

    def put(name: str, value: float, cap: float) -> None:
        if np.isfinite(cap):
            out[name] = value - cap

    put("gross/lev", notional.sum(), g[F.LEVERAGE] * eq)
    put("gross/exp", notional.sum(), g[F.EXPOSURE_PCT] * eq)
    put("open", n_open, g[F.OPEN_POSITIONS])
    for i in range(N_INSTRUMENTS):
        for scope in (g, m[MARKET_OF[i]], s[STRATEGY_OF[i]]):
            put(f"pos_pct{i}", notional[i], scope[F.POSITION_PCT] * eq)
            put(f"pos_abs{i}", notional[i], scope[F.POSITION_ABS])
    for k in range(N_MARKETS):
        put(f"m_lev{k}", mkt[k], m[k, F.LEVERAGE] * eq)
        put(f"m_exp{k}", mkt[k], m[k, F.EXPOSURE_PCT] * eq)
        put(f"m_budget{k}", mkt[k], scn["budget"][k])
        put(f"m_open{k}", open_m[k], m[k, F.OPEN_POSITIONS])
    for k in range(N_STRATEGIES):
        put(f"s_lev{k}", strat[k], s[k, F.LEVERAGE] * eq)
        put(f"s_exp{k}", strat[k], s[k, F.EXPOSURE_PCT] * eq)
        put(f"s_open{k}", open_s[k], s[k, F.OPEN_POSITIONS])
    put("corr", correlated(book, prices, instrument, side) + notional[instrument],
        g[F.CORRELATED_PCT] * eq)  # fmt: skip
    return out


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def run_stream(scn: dict[str, Any], move_prices: bool, state: int = StateCode.ACTIVE) -> None:
    book = Book(list(MARKET_OF), list(STRATEGY_OF), N_MARKETS, N_STRATEGIES)
    prices = np.array([100.0, 20.0, 1.1, 150.0, 30.0, 2_000.0])
    for instrument, side, qty, move in scn["orders"]:
        if move_prices:
            prices = prices * (1.0 + move)
        before = measures(scn, book, prices, instrument, side)
        approved, reason = book.check(
            instrument, side, qty, prices,
            limits_global=scn["global"], limits_market=scn["markets"],
            limits_strategy=scn["strategies"], market_budget=scn["budget"],
            lot_size=scn["lot"], corr_exposure=correlated(book, prices, instrument, side),
            state=state,
        )  # fmt: skip
        assert 0.0 <= approved <= qty + 1e-12
        assert (approved == qty) == (
            reason == RiskReason.APPROVED
        ) or reason == RiskReason.BELOW_LOT
        gross_before, pos_before = book.gross(prices), abs(book.qty[instrument])
        book.apply(instrument, side, approved)
        after = measures(scn, book, prices, instrument, side)
        for name, excess in after.items():
            tolerance = 1e-6 + 1e-9 * book.equity
            # an order may never push a measure past its cap, nor deepen a breach that
            # price moves caused
            assert excess <= tolerance or excess <= before[name] + tolerance, (name, reason)
        if state >= StateCode.REDUCING:
            assert book.gross(prices) <= gross_before + 1e-9
            assert abs(book.qty[instrument]) <= pos_before + 1e-12


@PROPERTY_SETTINGS
@given(scenario())
def test_order_streams_at_fixed_prices_never_exceed_any_limit(scn: dict[str, Any]) -> None:
    run_stream(scn, move_prices=False)


@PROPERTY_SETTINGS
@given(scenario())
def test_order_streams_with_moving_prices_never_push_a_measure_past_its_limit(
    scn: dict[str, Any],
) -> None:
    run_stream(scn, move_prices=True)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(scenario(), st.lists(st.floats(-500, 500), min_size=N_INSTRUMENTS, max_size=N_INSTRUMENTS))
def test_reducing_never_increases_absolute_exposure(
    scn: dict[str, Any], start: list[float]
) -> None:
    book = Book(list(MARKET_OF), list(STRATEGY_OF), N_MARKETS, N_STRATEGIES)
    book.qty[:] = np.round(start)
    prices = np.array([100.0, 20.0, 1.1, 150.0, 30.0, 2_000.0])
    for state in (StateCode.REDUCING, StateCode.HALTED):
        for instrument, side, qty, _ in scn["orders"]:
            gross, pos = book.gross(prices), abs(book.qty[instrument])
            approved, _ = book.check(
                instrument, side, qty, prices,
                limits_global=scn["global"], limits_market=scn["markets"],
                limits_strategy=scn["strategies"], state=state,
            )  # fmt: skip
            book.apply(instrument, side, approved)
            assert abs(book.qty[instrument]) <= pos + 1e-12
            assert book.gross(prices) <= gross + 1e-9
