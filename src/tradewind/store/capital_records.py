"""What the journal stores about capital decisions: position sizing, the capital router's
allocations, capital events and the scaling engine's latest status.

Sizing, allocation and event records are appended in decision order (the journal numbers
them with `seq`); the status is one row per run, replaced on every save. Float fields are
explanations, not money at the order boundary, so they are stored as floats; required
ones must be finite (NaN is refused), optional ones take None or NaN for "none".
JSON fields accept a mapping or JSON object text and are stored canonically (sorted keys,
compact); reads give them back as dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tradewind.store.records import InstantLike

__all__ = [
    "AllocationBound",
    "AllocationRecord",
    "CapitalEventKind",
    "CapitalEventRecord",
    "CapitalStatusView",
    "SizingDecisionRecord",
    "SizingMethod",
]


class SizingMethod(StrEnum):
    """How a position size was computed (a `_fallback` method could not run and the
    percentage base position was used instead)."""

    AUTONOMOUS = "autonomous"
    KELLY = "kelly"
    ATR = "atr"
    FIXED = "fixed"
    KELLY_FALLBACK = "kelly_fallback"
    ATR_FALLBACK = "atr_fallback"


class AllocationBound(StrEnum):
    """The router constraint that set a market's share."""

    MIN = "min"
    MAX = "max"


class CapitalEventKind(StrEnum):
    """What happened to capital management."""

    MILESTONE = "milestone"
    HALT = "halt"
    HALT_RESET = "halt_reset"
    PARAMETER_CHANGE = "parameter_change"
    ROLLBACK = "rollback"
    REBALANCE = "rebalance"
    PROTECTION_LEVEL = "protection_level"


@dataclass(frozen=True, slots=True, kw_only=True)
class SizingDecisionRecord:
    """One position-sizing decision and why it came out as it did.

    Amounts (`available_balance`, `capital` (the sizing capital), `base_position`,
    `final_position`) are in the account's base currency; `vol_leverage`,
    `regime_multiplier`, `sharpe_factor` and `protection_multiplier` are the multipliers
    applied to the base position (1.0 when a step was skipped). `binding` names the factor
    that set the size (e.g. "available_balance", "regime", "halted"); `factors` maps
    every factor name to its multiplier. `client_order_id` is the order it sized, if one
    was sent.
    """

    ts: InstantLike
    market: str
    symbol: str
    strategies: str
    method: SizingMethod | str
    available_balance: float
    capital: float
    base_position: float
    vol_leverage: float
    regime: str | None = None
    regime_multiplier: float
    sharpe: float | None = None
    sharpe_factor: float
    protection_level: str
    protection_multiplier: float
    final_position: float
    binding: str
    client_order_id: str | None = None
    factors: Mapping[str, float] | str


@dataclass(frozen=True, slots=True, kw_only=True)
class AllocationRecord:
    """The capital router's share for one market at `ts`.

    `share` is the fraction of equity, `amount` the same in base currency; `strategy` is
    the allocation strategy that produced it (e.g. "ADAPTIVE"); `bound` is "min" or "max"
    when that constraint set the share. `explanation` holds the router's per-market
    factors (a mapping or JSON object text).
    """

    ts: InstantLike
    market: str
    strategy: str
    share: float
    amount: float
    bound: AllocationBound | str | None = None
    explanation: Mapping[str, Any] | str = "{}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CapitalEventRecord:
    """A capital event (milestone reached, halt, parameter change, ...): `detail` is one
    human sentence, `data` the machine-readable facts (a mapping or JSON object text)."""

    ts: InstantLike
    kind: CapitalEventKind | str
    detail: str
    data: Mapping[str, Any] | str = "{}"


@dataclass(frozen=True, slots=True)
class CapitalStatusView:
    """A run's latest saved capital status: when, the one-line summary and the scaling
    engine's status document."""

    ts: datetime
    summary: str
    status: dict[str, Any]
