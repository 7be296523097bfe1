"""Trailing correlation matrices the engine uses: exact and causal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.trailing import (
    fresh_log_returns,
    pairwise_correlation,
    trailing_correlations,
)


def _returns(seed: int = 3, rows: int = 300, cols: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((rows, 1))
    x = 0.7 * base + rng.standard_normal((rows, cols))
    x[rng.random((rows, cols)) < 0.1] = np.nan
    return x


def test_pairwise_correlation_equals_pandas_pairwise_complete():
    x = _returns()
    expected = pd.DataFrame(x).corr(min_periods=10).to_numpy()
    assert np.allclose(pairwise_correlation(x, 10), expected, atol=1e-10, equal_nan=True)


def test_too_little_overlap_is_nan_not_a_number_from_noise():
    x = _returns(rows=30)
    x[:25, 1] = np.nan
    corr = pairwise_correlation(x, 10)
    assert np.isnan(corr[0, 1])
    assert np.isnan(corr[1, 0])
    assert np.isfinite(corr[0, 2])


def test_matrix_in_force_at_a_row_uses_only_earlier_rows():
    x = _returns(rows=400)
    before = trailing_correlations(x, window_rows=50, step_rows=7)
    changed = x.copy()
    row = int(before.start_rows[10])
    changed[row:] = np.random.default_rng(9).standard_normal(changed[row:].shape)
    after = trailing_correlations(changed, window_rows=50, step_rows=7)
    blocks = before.block_of_row(len(x))
    b = blocks[row]
    assert np.array_equal(before.matrices[b], after.matrices[b], equal_nan=True)
    assert not np.allclose(before.matrices[-1], after.matrices[-1], equal_nan=True)


def test_block_of_row_is_minus_one_before_the_first_refresh():
    blocks = trailing_correlations(_returns(rows=100), 40, 10).block_of_row(100)
    assert (blocks[:20] == -1).all()
    assert blocks[20] == 0
    assert blocks[-1] >= 7


def test_fresh_log_returns_skip_rows_without_a_new_bar():
    close = np.array([[100.0], [np.nan], [110.0], [121.0]])
    out = fresh_log_returns(close)
    assert np.isnan(out[0, 0])
    assert np.isnan(out[1, 0])
    assert out[2, 0] == pytest.approx(np.log(1.1))
    assert out[3, 0] == pytest.approx(np.log(1.1))


def test_bad_window_names_both_values():
    with pytest.raises(IntelligenceInputError, match="window_rows >= 2"):
        trailing_correlations(_returns(), 1, 5)
