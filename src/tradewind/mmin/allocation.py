"""Capital allocation in the MMIN result until the global capital router lands (issue 5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["equal_weight_allocation"]


def equal_weight_allocation(
    markets: Sequence[str], bounds_pct: tuple[float, float] = (5.0, 50.0)
) -> dict[str, Any]:
    """Equal weight per market class, clipped to the configured min/max per market
    (percent); what the clip leaves unallocated stays in cash."""
    if not markets:
        return {"method": "equal_weight", "weights_pct": {}, "cash_pct": 100.0}
    low, high = bounds_pct
    each = min(max(100.0 / len(markets), low), high)
    if each * len(markets) > 100.0:  # min bound too high for this many markets
        each = 100.0 / len(markets)
    weights = {m: round(each, 4) for m in markets}
    return {
        "method": "equal_weight",
        "weights_pct": weights,
        "cash_pct": round(100.0 - sum(weights.values()), 4),
    }
