"""Fit raw shares into the per-market [min, max] bounds without breaking either bound.

Markets with a positive raw share are *funded*; the others stay at 0 (the minimum
applies only to funded markets). Funded shares become `clip(scale * raw, min, max)`
with the one `scale` that makes them sum to 1: unbound markets keep their raw
proportions, bound ones sit exactly on their bound. That sum of clipped lines is
piecewise linear and non-decreasing in `scale`, so the scale is found exactly by
evaluating it at its breakpoints and interpolating (water-filling, no renormalisation
afterwards). When even every funded market at max cannot reach 1 (`n * max < 1`), all
sit at max and the rest stays unallocated (cash).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from tradewind.capital.router.errors import RouterInputError

__all__ = ["Bound", "ProjectedShares", "project_shares"]

Bound = Literal["min", "max"]

_RELATIVE_TOL: Final = 1e-12


@dataclass(frozen=True, slots=True)
class ProjectedShares:
    """Shares after the bounds, and which bound (if any) holds each market there."""

    shares: np.ndarray
    bounds: tuple[Bound | None, ...]


def project_shares(raw: np.ndarray, min_share: float, max_share: float) -> ProjectedShares:
    """Bounded shares summing to 1 when feasible (`n * min <= 1 <= n * max`).

    `raw` holds non-negative numbers (any scale); `n` counts the positive ones.

    Raises:
        RouterInputError: `raw` has a negative or non-finite entry, or
            `n * min_share > 1` (the minimums alone would exceed all capital).
    """
    raw = np.asarray(raw, dtype=np.float64)
    if not np.isfinite(raw).all() or (raw < 0).any():
        raise RouterInputError(f"raw shares {raw.tolist()!r}: expected finite values >= 0")
    funded = raw > 0.0
    count = int(funded.sum())
    shares = np.zeros_like(raw)
    bounds: list[Bound | None] = [None] * raw.size
    if count == 0:
        return ProjectedShares(shares, tuple(bounds))
    if count * min_share > 1.0 + 1e-12:
        raise RouterInputError(
            f"{count} funded markets at min_allocation {min_share:g} need "
            f"{count * min_share:g} of capital: expected n * min <= 1 (lower "
            f"min_allocation to at most {1.0 / count:g} or fund fewer markets)"
        )
    weights = raw[funded]
    if count * max_share <= 1.0:
        fitted = np.full(count, max_share)
        scaled = np.full(count, np.inf)
    else:
        scale = _scale_for_unit_sum(weights, min_share, max_share)
        scaled = scale * weights
        fitted = np.clip(scaled, min_share, max_share)
    shares[funded] = fitted
    for position, index in enumerate(np.flatnonzero(funded)):
        bounds[index] = _bound(float(scaled[position]), min_share, max_share)
    return ProjectedShares(shares, tuple(bounds))


def _scale_for_unit_sum(weights: np.ndarray, lo: float, hi: float) -> float:
    breakpoints = np.unique(np.concatenate([lo / weights, hi / weights, [0.0]]))
    totals = np.clip(np.outer(breakpoints, weights), lo, hi).sum(axis=1)
    above = int(np.searchsorted(totals, 1.0, side="left"))
    if above == 0:
        return float(breakpoints[0])
    left, right = breakpoints[above - 1], breakpoints[above]
    low_total, high_total = totals[above - 1], totals[above]
    if high_total == low_total:
        return float(right)
    return float(left + (1.0 - low_total) * (right - left) / (high_total - low_total))


def _bound(scaled: float, lo: float, hi: float) -> Bound | None:
    if scaled > hi * (1.0 + _RELATIVE_TOL):
        return "max"
    if scaled < lo * (1.0 - _RELATIVE_TOL):
        return "min"
    return None
