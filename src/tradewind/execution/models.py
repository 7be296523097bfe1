"""Codes that select execution behaviour in config and in the numba kernels."""

from __future__ import annotations

from enum import IntEnum

from tradewind.domain.errors import DomainError

__all__ = ["N_COMMISSION_PARAMS", "CommissionModel", "CommissionParam", "FillModel"]


class FillModel(IntEnum):
    """When a market order decided at a bar's close fills."""

    NEXT_OPEN = 0
    """At the open of the next bar (the default; no look-ahead)."""
    THIS_CLOSE = 1
    """At the close of the bar the decision was made on (optimistic)."""

    @classmethod
    def parse(cls, text: str) -> FillModel:
        """`"next_open"` / `"this_close"` (any case) to a code.

        Raises:
            DomainError: an unknown name, listing the valid ones.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(m.name.lower() for m in cls)
            raise DomainError(f"unknown fill model {text!r}: expected one of {names}") from None


class CommissionModel(IntEnum):
    """How a fill's commission is computed (parameters in a `CommissionParam` vector)."""

    NONE = 0
    """Free."""
    BPS = 1
    """`|notional| * BPS / 10_000`."""
    PER_SHARE = 2
    """`PER_UNIT * qty`, at least `MIN_PER_ORDER` (per fill)."""
    FX_SPREAD = 3
    """Half the quoted spread paid on each fill: `SPREAD / 2 * qty * multiplier`."""


class CommissionParam(IntEnum):
    """Index of each commission parameter in the float64 params vector."""

    BPS = 0
    """Basis points of notional (BPS model)."""
    PER_UNIT = 1
    """Currency per unit/share/contract (PER_SHARE model)."""
    MIN_PER_ORDER = 2
    """Minimum commission per fill (PER_SHARE model)."""
    SPREAD = 3
    """Full bid-ask spread in price units (FX_SPREAD model)."""


N_COMMISSION_PARAMS = len(CommissionParam)
