"""Cross-market confirmation: entries wait for correlated markets to agree."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.signals.aggregate import AggregationError
from tradewind.signals.confirmation import confirm_targets, confirmation_confidence

# Symbols: 0 = equity (market 0), 1 = bond (market 1, moves against equities),
# 2 = oil (market 2, moves with equities), 3 = second equity (market 0).
MARKET = np.array([0, 1, 2, 0])
CORR = np.array(
    [
        [1.0, -0.8, 0.6, 0.9],
        [-0.8, 1.0, -0.5, -0.7],
        [0.6, -0.5, 1.0, 0.5],
        [0.9, -0.7, 0.5, 1.0],
    ]
)


def _run(target, required=1, threshold=0.55, fresh=None):
    target = np.asarray(target, dtype=np.int8)
    books = np.arange(target.shape[0])
    rows = target.shape[1]
    fresh = np.ones((rows, 4), dtype=bool) if fresh is None else fresh
    return confirm_targets(
        target,
        books,
        MARKET,
        fresh,
        np.zeros(rows, dtype=np.int64),
        CORR[None],
        threshold,
        required,
    )


def test_long_equity_is_confirmed_by_a_short_bond_when_they_are_anti_correlated():
    result = _run([[1, 1, 1], [0, -1, -1], [0, 0, 0], [0, 0, 0]])
    assert result.target[0].tolist() == [0, 1, 1]
    assert result.edge[0].tolist() == [False, True, False]
    assert result.agreeing[0].tolist() == [0, 1, 1]


def test_same_market_agreement_does_not_count():
    result = _run([[1, 1], [0, 0], [0, 0], [1, 1]])
    assert result.target[0].tolist() == [0, 0]
    assert result.confirmed_entries == 0
    assert result.proposed_entries == 2


def test_two_required_needs_two_other_markets():
    target = [[1, 1, 1], [-1, -1, -1], [0, 0, 1], [0, 0, 0]]
    result = _run(target, required=2)
    assert result.target[0].tolist() == [0, 0, 1]
    assert result.agreeing[0].tolist() == [1, 1, 2]


def test_weak_correlation_below_threshold_does_not_confirm():
    result = _run([[1, 1], [0, 0], [1, 1], [0, 0]], threshold=0.7)
    assert result.target[0].tolist() == [0, 0]


def test_going_flat_is_never_delayed_and_a_new_side_needs_new_confirmation():
    target = [[1, 1, 0, -1, -1], [-1, -1, -1, -1, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    result = _run(target)
    assert result.target[0].tolist() == [1, 1, 0, 0, -1]


def test_confirmation_waits_for_a_fresh_bar_of_the_books_symbol():
    fresh = np.ones((3, 4), dtype=bool)
    fresh[1, 0] = False
    result = _run([[1, 1, 1], [0, -1, -1], [0, 0, 0], [0, 0, 0]], fresh=fresh)
    assert result.target[0].tolist() == [0, 0, 1]


def test_required_zero_leaves_targets_unchanged():
    target = np.array([[1, 0, -1], [0, 1, 1], [0, 0, 0], [1, 1, 1]], dtype=np.int8)
    result = _run(target, required=0)
    assert np.array_equal(result.target, target)


def test_confidence_is_scaled_by_agreement_and_capped():
    got = confirmation_confidence(np.array([0.8, 0.8, 0.8]), np.array([0, 1, 3]), 2)
    assert got == pytest.approx([0.0, 0.4, 0.88])


def test_threshold_outside_unit_interval_is_rejected():
    with pytest.raises(AggregationError, match=r"expected in \(0, 1\]"):
        _run([[1], [0], [0], [0]], threshold=1.5)
