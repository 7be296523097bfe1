"""The ordering rules of bar validation: duplicate and out-of-order timestamps."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from tradewind.data.parse_issues import NumberedReason, ParseIssue

__all__ = ["longest_increasing_mask", "ordering_issues"]


def ordering_issues(
    stamps: np.ndarray, rows: np.ndarray, candidates: np.ndarray
) -> list[ParseIssue]:
    """Duplicate and out-of-order timestamps among the `candidates` rows (a mask).

    A repeat of an earlier timestamp is a duplicate (the first is kept); of the rest, the
    rows off one longest strictly increasing run are out of order.
    """
    n = stamps.shape[0]
    index = np.flatnonzero(candidates)
    sub = stamps[index]
    if sub.size < 2:
        return []
    steps = np.diff(sub)
    if bool(np.all(steps > 0)):
        return []
    issues: list[ParseIssue] = []
    dup_sub, first = _duplicates(sub, steps)
    if dup_sub.any():
        mask = np.zeros(n, dtype=bool)
        mask[index[dup_sub]] = True
        reason = NumberedReason("duplicate timestamp; first kept at row ", rows[index[first]])
        issues.append(ParseIssue("duplicate_timestamp", mask, reason))
        index, sub = index[~dup_sub], sub[~dup_sub]
    if sub.size >= 2 and not bool(np.all(np.diff(sub) > 0)):
        keep = longest_increasing_mask(sub)
        mask = np.zeros(n, dtype=bool)
        mask[index[~keep]] = True
        issues.append(
            ParseIssue(
                "out_of_order_timestamp",
                mask,
                "timestamp breaks the ascending order (not on the longest increasing run)",
            )
        )
    return issues


def _duplicates(values: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mask of repeats of an earlier value, and for each repeat where its first one is."""
    if bool(np.all(steps >= 0)):  # sorted with repeats: the common case, no sort needed
        repeat = np.concatenate(([False], steps == 0))
        starts = np.flatnonzero(~repeat)
        return repeat, starts[np.cumsum(~repeat)[repeat] - 1]
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = np.concatenate(([False], ordered[1:] == ordered[:-1]))
    group_start = np.maximum.accumulate(np.where(same, 0, np.arange(values.size)))
    first_of = np.empty(values.size, dtype=np.int64)
    first_of[order] = order[group_start]
    repeat = np.zeros(values.size, dtype=bool)
    repeat[order[same]] = True
    return repeat, first_of[repeat]


def longest_increasing_mask(values: np.ndarray) -> np.ndarray:
    """Mask of one longest strictly increasing subsequence of `values` (int64), O(n log n)."""
    array = np.ascontiguousarray(values, dtype=np.int64)
    if array.size == 0:
        return np.zeros(0, dtype=bool)
    result: np.ndarray = _lis_kernel()(array)
    return result


@cache
def _lis_kernel() -> Callable[[np.ndarray], np.ndarray]:
    # Compiled on first use, so importing the data layer does not pay for numba.
    import numba

    kernel: Callable[[np.ndarray], np.ndarray] = numba.njit(cache=True)(_lis_keep)
    return kernel


def _lis_keep(values: np.ndarray) -> np.ndarray:  # pragma: no cover - runs compiled
    n = values.shape[0]
    tails = np.empty(n, np.int64)
    previous = np.full(n, -1, np.int64)
    length = 0
    for i in range(n):
        value = values[i]
        lo, hi = 0, length
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo > 0:
            previous[i] = tails[lo - 1]
        tails[lo] = i
        if lo == length:
            length += 1
    keep = np.zeros(n, np.bool_)
    k = tails[length - 1]
    while k >= 0:
        keep[k] = True
        k = previous[k]
    return keep
