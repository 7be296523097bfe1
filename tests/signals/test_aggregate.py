"""Signal aggregation: CONSENSUS, WEIGHTED, PRIORITY, INDEPENDENT, edges and attribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.signals import (
    AggregationMethod,
    AggregationRule,
    StrategySignals,
    aggregate,
    strategy_views,
)
from tradewind.signals.aggregate import AggregationError


def _signals(name: str, events: dict[int, int], n: int = 8, conf: float = 1.0) -> StrategySignals:
    active = np.zeros(n, dtype=bool)
    direction = np.zeros(n, dtype=np.int8)
    for bar, d in events.items():
        active[bar] = True
        direction[bar] = d
    return StrategySignals(name, active, direction, np.full(n, conf))


def test_views_hold_the_last_signal_and_start_flat():
    s = _signals("a", {2: 1, 5: 0, 6: -1})
    view, emitted_at = strategy_views(s.active, s.direction)
    assert view.tolist() == [0, 0, 1, 1, 1, 0, -1, -1]
    assert emitted_at.tolist() == [-1, -1, 2, 2, 2, 5, 6, 6]


def test_single_strategy_consensus_passes_its_view_through_with_edges():
    (out,) = aggregate([_signals("a", {1: 1, 4: 0})], AggregationRule(threshold=0.5))
    assert out.target.tolist() == [0, 1, 1, 1, 0, 0, 0, 0]
    assert np.flatnonzero(out.edge).tolist() == [1, 4]


def test_repeated_signal_in_the_same_direction_is_not_an_edge():
    (out,) = aggregate([_signals("a", {1: 1, 3: 1})], AggregationRule(threshold=0.5))
    assert np.flatnonzero(out.edge).tolist() == [1]


def test_consensus_needs_the_threshold_share_of_strategies():
    a = _signals("a", {1: 1})
    b = _signals("b", {3: 1})
    c = _signals("c", {5: -1})
    (out,) = aggregate([a, b, c], AggregationRule(threshold=0.66))
    # Long once 2 of 3 agree (bar 3); c's later short leaves 2 of 3 long, so it holds.
    assert out.target.tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    assert out.contributors[3] == 0b011
    (strict,) = aggregate([a, b, c], AggregationRule(threshold=1.0))
    assert strict.target.tolist() == [0] * 8


def test_weighted_vote_follows_weights_else_confidence():
    a = _signals("a", {1: 1}, conf=0.2)
    b = _signals("b", {1: -1}, conf=0.9)
    rule = AggregationRule(AggregationMethod.WEIGHTED, weights={"a": 3.0, "b": 1.0})
    (by_weight,) = aggregate([a, b], rule)
    assert by_weight.target[1] == 1
    assert by_weight.confidence[1] == pytest.approx(0.5)
    (by_conf,) = aggregate([a, b], AggregationRule(AggregationMethod.WEIGHTED))
    assert by_conf.target[1] == -1


def test_priority_picks_the_highest_priority_non_flat_view():
    low = _signals("low", {1: 1})
    high = _signals("high", {3: -1, 6: 0})
    rule = AggregationRule(AggregationMethod.PRIORITY, priorities={"high": 10, "low": 1})
    (out,) = aggregate([low, high], rule)
    assert out.target.tolist() == [0, 1, 1, -1, -1, -1, 1, 1]
    assert out.contributors[4] == 0b10


def test_independent_keeps_one_target_per_strategy():
    outs = aggregate(
        [_signals("a", {1: 1}), _signals("b", {2: -1})],
        AggregationRule(AggregationMethod.INDEPENDENT),
    )
    assert [o.strategies for o in outs] == [("a",), ("b",)]
    assert outs[1].target.tolist() == [0, 0, -1, -1, -1, -1, -1, -1]


def test_mismatched_lengths_are_refused_with_the_strategy_named():
    with pytest.raises(AggregationError, match="strategy b: active has 5 bars, expected 8"):
        aggregate([_signals("a", {}), _signals("b", {}, n=5)], AggregationRule())


@given(
    st.lists(
        st.lists(st.sampled_from([None, -1, 0, 1]), min_size=30, max_size=30),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(list(AggregationMethod)),
)
def test_edges_are_exactly_the_bars_where_the_target_changes(streams, method):
    signals = []
    for i, stream in enumerate(streams):
        active = np.array([v is not None for v in stream])
        direction = np.array([0 if v is None else v for v in stream], dtype=np.int8)
        signals.append(StrategySignals(f"s{i}", active, direction, np.full(30, 0.5)))
    for out in aggregate(signals, AggregationRule(method, threshold=0.5)):
        previous = np.concatenate([[0], out.target[:-1]])
        assert (out.edge == (out.target != previous)).all()
        assert set(np.unique(out.target)) <= {-1, 0, 1}
        assert ((out.confidence >= 0) & (out.confidence <= 1)).all()
