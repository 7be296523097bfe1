"""Aggregation and cross-market confirmation one bar at a time equal their vectorized forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.signals import AggregationMethod, AggregationRule, StrategySignals, aggregate
from tradewind.signals.aggregate import AggregationError
from tradewind.signals.aggregate_stream import AggregationStream
from tradewind.signals.confirmation import confirm_row, confirm_targets

NAMES = ("a", "b", "c", "d")
RULES = {
    "consensus": AggregationRule(AggregationMethod.CONSENSUS, threshold=0.5),
    "consensus_two_thirds": AggregationRule(AggregationMethod.CONSENSUS, threshold=0.667),
    "weighted_by_confidence": AggregationRule(AggregationMethod.WEIGHTED, min_score=0.1),
    "weighted_by_weights": AggregationRule(
        AggregationMethod.WEIGHTED, weights={"a": 1.0, "b": 2.0, "c": 0.5}
    ),
    "priority": AggregationRule(AggregationMethod.PRIORITY, priorities={"c": 2, "a": 1}),
    "independent": AggregationRule(AggregationMethod.INDEPENDENT),
}


def _random_signals(seed: int, n_strategies: int, n_symbols: int, n_bars: int):
    rng = np.random.default_rng(seed)
    active = rng.random((n_strategies, n_symbols, n_bars)) < 0.2
    direction = np.where(active, rng.integers(-1, 2, active.shape), 0).astype(np.int8)
    confidence = np.where(active, rng.random(active.shape), 0.0)
    fresh = rng.random((n_symbols, n_bars)) < 0.7  # a symbol without a bar is not updated
    return active, direction, confidence, fresh


@pytest.mark.parametrize("rule_name", sorted(RULES))
@given(seed=st.integers(0, 2**32 - 1), n_strategies=st.integers(1, 4))
@settings(max_examples=25, deadline=None)
def test_bar_by_bar_aggregation_equals_aggregate_over_each_symbols_bars(
    rule_name: str, seed: int, n_strategies: int
) -> None:
    rule, names = RULES[rule_name], NAMES[:n_strategies]
    active, direction, confidence, fresh = _random_signals(seed, n_strategies, 3, 40)
    stream = AggregationStream(names, rule, 3)
    got: dict[int, list] = {n: [] for n in range(3)}
    for t in range(40):
        symbols = np.flatnonzero(fresh[:, t])
        rows = stream.update(symbols, active[:, symbols, t], direction[:, symbols, t],
                             confidence[:, symbols, t])  # fmt: skip
        for i, n in enumerate(symbols):
            got[int(n)].append((rows.target[:, i], rows.edge[:, i], rows.contributors[:, i]))
    for n in range(3):
        bars = fresh[n]
        want = aggregate(
            [
                StrategySignals(
                    name, active[s, n, bars], direction[s, n, bars], confidence[s, n, bars]
                )
                for s, name in enumerate(names)
            ],
            rule,
        )
        assert len(want) == stream.per_symbol
        for j, book in enumerate(want):
            assert [int(g[0][j]) for g in got[n]] == book.target.tolist()
            assert [bool(g[1][j]) for g in got[n]] == book.edge.tolist()
            assert [int(g[2][j]) for g in got[n]] == book.contributors.tolist()
            assert stream.decision == book.decision


def test_an_active_signal_with_a_bad_direction_is_refused_naming_the_strategy() -> None:
    stream = AggregationStream(("a", "b"), AggregationRule(), 2)
    active = np.array([[False], [True]])
    direction = np.array([[0], [2]], dtype=np.int8)
    with pytest.raises(AggregationError, match="strategy b, symbol 0 of the update: direction 2"):
        stream.update(np.array([1]), active, direction, np.ones((2, 1)))


def test_a_rule_that_cannot_aggregate_is_refused_up_front() -> None:
    with pytest.raises(AggregationError, match="duplicate strategy names"):
        AggregationStream(("a", "a"), AggregationRule(), 1)
    with pytest.raises(AggregationError, match=r"consensus threshold 1\.5"):
        AggregationStream(("a",), AggregationRule(threshold=1.5), 1)


@given(seed=st.integers(0, 2**32 - 1), required=st.integers(0, 2))
@settings(max_examples=40, deadline=None)
def test_row_by_row_confirmation_equals_confirm_targets(seed: int, required: int) -> None:
    rng = np.random.default_rng(seed)
    n_books, n_symbols, n_rows = 6, 5, 60
    book_symbol = rng.integers(0, n_symbols, n_books)
    symbol_market = rng.integers(0, 3, n_symbols)
    # Targets change only on some rows and hold in between, as books do.
    change = rng.random((n_books, n_rows)) < 0.15
    target = np.where(change, rng.integers(-1, 2, (n_books, n_rows)), 0).astype(np.int8)
    for t in range(1, n_rows):
        target[:, t] = np.where(change[:, t], target[:, t], target[:, t - 1])
    fresh = rng.random((n_rows, n_symbols)) < 0.8
    matrices = rng.uniform(-1, 1, (3, n_symbols, n_symbols))
    block_of_row = np.minimum(np.arange(n_rows) // 20 - 1, 2)  # none for the first 20 rows
    want = confirm_targets(target, book_symbol, symbol_market, fresh, block_of_row, matrices,
                           0.4, required)  # fmt: skip
    confirmed = np.zeros(n_books, dtype=np.bool_)
    out = np.zeros(n_books, dtype=np.int8)
    agreeing = np.zeros(n_books, dtype=np.int16)
    for t in range(n_rows):
        block = int(block_of_row[t])
        previous = target[:, t - 1].copy() if t else np.zeros(n_books, dtype=np.int8)
        confirm_row(target[:, t].copy(), previous, t == 0, confirmed, book_symbol,
                    symbol_market, fresh[t].copy(), matrices[max(block, 0)], block >= 0, 0.4,
                    required, out, agreeing)  # fmt: skip
        assert out.tolist() == want.target[:, t].tolist(), t
        assert agreeing.tolist() == want.agreeing[:, t].tolist(), t
