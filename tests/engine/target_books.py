"""Engine books straight from target streams, for tests that drive the loop directly."""

from __future__ import annotations

import numpy as np

from tradewind.engine.books import BookSet, SignalRecord


def books_from_targets(targets: np.ndarray, size: float, market: np.ndarray) -> BookSet:
    """One book per symbol (row of `targets`, -1/0/+1 per bar), sized at `size` of
    equity, orders wherever the target changes; `market` is each symbol's market index."""
    n_symbols = targets.shape[0]
    edge = np.zeros_like(targets, dtype=bool)
    edge[:, 0] = targets[:, 0] != 0
    edge[:, 1:] = targets[:, 1:] != targets[:, :-1]
    empty = np.zeros(0, dtype=np.int64)
    nan = np.full(targets.shape, np.nan)
    return BookSet(
        symbol=np.arange(n_symbols, dtype=np.int64), market=np.asarray(market, dtype=np.int64),
        strategy=np.full(n_symbols, -1, dtype=np.int64), strategies=(("s",),) * n_symbols,
        decision=("test",) * n_symbols, target=targets.astype(np.int8), edge=edge,
        contributors=np.ones(targets.shape, dtype=np.int64), stop=nan, take=nan,
        size_mode=np.ones(n_symbols, dtype=np.int64), size_value=np.full(n_symbols, size),
        stop_pct=np.full(n_symbols, np.nan), take_pct=np.full(n_symbols, np.nan),
        signals=SignalRecord(empty, empty, empty, empty, empty.astype(np.int8),
                             *(np.zeros(0) for _ in range(4))),
    )  # fmt: skip
