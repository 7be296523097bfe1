"""Integer codes of trading states and shutdown modes, for the numba kernels."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ShutdownCode", "StateCode"]


class StateCode(IntEnum):
    """Effective trading state as `check_order` reads it (higher = more restrictive)."""

    ACTIVE = 0
    """Entries, adds and reductions allowed."""
    REDUCING = 1
    """No order may increase absolute exposure; reductions and exits allowed."""
    HALTED = 2
    """Only reductions (protective exits, flattening); no entries."""
    FROZEN = 3
    """Nothing at all until a manual reset."""


class ShutdownCode(IntEnum):
    """Shutdown in force (0 = none); mirrors `tradewind.domain.ShutdownMode`."""

    NONE = 0
    SOFT = 1
    HARD = 2
    FREEZE = 3
