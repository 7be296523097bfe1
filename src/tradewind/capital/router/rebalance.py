"""Rebalancing moves: which markets drifted far enough from target to move capital."""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

from tradewind.capital.router.errors import RouterInputError

__all__ = ["suggest_rebalance"]


def suggest_rebalance(
    current: Mapping[str, float], target: Mapping[str, float], threshold: float
) -> dict[str, float]:
    """Signed currency moves `target - current` for markets that drifted enough.

    A market moves when `|target - current| / max(current, target) >= threshold`, so a
    market present on one side only (the other counts as 0) always moves. Amounts are
    currency (>= 0); `threshold` is a fraction in (0, 1]. Markets come out in the order
    of `current`, then the markets new in `target`.

    Raises:
        RouterInputError: a bad threshold or a negative, NaN or infinite amount (the
            message names side and market).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise RouterInputError(f"threshold {threshold!r}: expected a fraction in (0, 1]")
    if not (math.isfinite(threshold) and 0.0 < threshold <= 1.0):
        raise RouterInputError(f"threshold {threshold!r}: expected a fraction in (0, 1]")
    now = _amounts("current", current)
    wanted = _amounts("target", target)
    moves: dict[str, float] = {}
    for market in dict.fromkeys([*now, *wanted]):
        held, goal = now.get(market, 0.0), wanted.get(market, 0.0)
        largest = max(held, goal)
        if largest > 0.0 and abs(goal - held) / largest >= threshold:
            moves[market] = goal - held
    return moves


def _amounts(side: str, amounts: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(amounts, Mapping):
        raise RouterInputError(f"{side} {type(amounts).__name__}: expected market -> amount")
    checked: dict[str, float] = {}
    for market, amount in amounts.items():
        if isinstance(amount, bool) or not isinstance(amount, Real):
            raise RouterInputError(f"{side}[{market!r}] {amount!r}: expected an amount >= 0")
        value = float(amount)
        if not (math.isfinite(value) and value >= 0.0):
            raise RouterInputError(f"{side}[{market!r}] {value!r}: expected an amount >= 0")
        checked[market] = value
    return checked
