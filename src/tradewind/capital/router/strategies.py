"""Raw shares per strategy, before the [min, max] bounds (FIXED skips the bounds).

Each function returns one non-negative number per market, in the caller's order; a
zero means "not funded". The skfolio strategies (RISK_PARITY, HRP) live in `portfolio`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["adaptive_raw", "aggressive_raw", "balanced_raw", "fixed_raw"]


def fixed_raw(markets: Sequence[str], fixed_allocation: Mapping[str, float]) -> np.ndarray:
    """The configured share of each market; a market not configured gets 0."""
    return np.array([fixed_allocation.get(market, 0.0) for market in markets], dtype=np.float64)


def balanced_raw(count: int) -> np.ndarray:
    """Equal shares `1 / count`."""
    return np.full(count, 1.0 / count) if count else np.zeros(0)


def adaptive_raw(scores: np.ndarray) -> np.ndarray:
    """Shares proportional to the (positive) market scores."""
    total = float(scores.sum())
    return scores / total if total > 0 else np.zeros_like(scores)


def aggressive_raw(scores: np.ndarray, top_shares: Sequence[float]) -> np.ndarray:
    """`top_shares[k]` for the market ranked k-th by score, 0 outside the top.

    Ties keep the caller's market order. With fewer markets than shares, the unused
    shares are dropped (the bounds then rescale what is funded).
    """
    ranked = np.argsort(-scores, kind="stable")[: len(top_shares)]
    raw = np.zeros_like(scores, dtype=np.float64)
    raw[ranked] = np.asarray(top_shares, dtype=np.float64)[: ranked.size]
    return raw
