"""Drawdown protection: a protection level from drawdown off peak capital, sticky halt.

Levels, with `w` the warning and `h` the halt threshold (percent drawdown from peak):

| drawdown `d`         | level   | size multiplier |
|----------------------|---------|-----------------|
| `d < w / 2`          | NORMAL  | 1.00 |
| `w / 2 <= d < w`     | CAUTION | 0.75 |
| `w <= d < (w + h)/2` | WARNING | 0.50 |
| `(w + h)/2 <= d < h` | DANGER  | 0.25 |
| `d >= h`             | HALTED  | 0.00 |

Once HALTED the level stays HALTED, whatever capital does, until `reset_halt()`.
The peak starts at `max(base, current)` capital (history before tracking is unknown,
so the starting base counts as a peak) and follows every capital update.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final

from tradewind.capital.scaling._checks import check_range

__all__ = [
    "PROTECTION_MULTIPLIERS",
    "DrawdownProtection",
    "ProtectionLevel",
    "protection_level_for",
]


class ProtectionLevel(StrEnum):
    """How far capital is below its peak, in increasing severity."""

    NORMAL = "NORMAL"
    CAUTION = "CAUTION"
    WARNING = "WARNING"
    DANGER = "DANGER"
    HALTED = "HALTED"


PROTECTION_MULTIPLIERS: Final = MappingProxyType(
    {
        ProtectionLevel.NORMAL: 1.0,
        ProtectionLevel.CAUTION: 0.75,
        ProtectionLevel.WARNING: 0.5,
        ProtectionLevel.DANGER: 0.25,
        ProtectionLevel.HALTED: 0.0,
    }
)
"""Position size multiplier per protection level."""


def protection_level_for(
    drawdown_pct: float, warning_threshold_pct: float, halt_threshold_pct: float
) -> ProtectionLevel:
    """The level for a drawdown from peak (percent), by the table in the module docstring.

    Monotone: a larger drawdown never gives a milder level.
    """
    if drawdown_pct >= halt_threshold_pct:
        return ProtectionLevel.HALTED
    if drawdown_pct >= (warning_threshold_pct + halt_threshold_pct) / 2:
        return ProtectionLevel.DANGER
    if drawdown_pct >= warning_threshold_pct:
        return ProtectionLevel.WARNING
    if drawdown_pct >= warning_threshold_pct / 2:
        return ProtectionLevel.CAUTION
    return ProtectionLevel.NORMAL


class DrawdownProtection:
    """Peak, drawdown and protection level of one account.

    When `enabled` is False the drawdown is still measured (for status) but the level
    is always NORMAL and sizing is never reduced.
    """

    def __init__(
        self,
        *,
        enabled: bool,
        warning_threshold_pct: float,
        halt_threshold_pct: float,
        initial_capital: float,
        base_capital: float,
    ) -> None:
        self._enabled = enabled
        self._warning_pct = warning_threshold_pct
        self._halt_pct = halt_threshold_pct
        self._peak = max(initial_capital, base_capital)
        self._capital = initial_capital
        self._halted = False
        self._refresh()

    @property
    def peak_capital(self) -> float:
        """Highest capital seen since tracking (or the last halt reset) began."""
        return self._peak

    @property
    def drawdown_pct(self) -> float:
        """Drawdown of the last capital from the peak, in percent (0 when at the peak)."""
        if self._peak <= 0:
            return 0.0
        return max(0.0, (self._peak - self._capital) / self._peak * 100.0)

    @property
    def level(self) -> ProtectionLevel:
        """The protection level in force (HALTED is sticky)."""
        if not self._enabled:
            return ProtectionLevel.NORMAL
        if self._halted:
            return ProtectionLevel.HALTED
        return protection_level_for(self.drawdown_pct, self._warning_pct, self._halt_pct)

    @property
    def multiplier(self) -> float:
        """Size multiplier of the level in force."""
        return PROTECTION_MULTIPLIERS[self.level]

    @property
    def halted(self) -> bool:
        """True from the moment drawdown reaches the halt threshold until `reset_halt`."""
        return self._enabled and self._halted

    def update(self, capital: float) -> ProtectionLevel:
        """Mark capital (account currency, >= 0); returns the level in force."""
        self._capital = check_range("capital", capital, 0.0)
        self._peak = max(self._peak, self._capital)
        self._refresh()
        return self.level

    def reset_halt(self) -> None:
        """Clear a halt and restart the peak at the current capital."""
        self._halted = False
        self._peak = self._capital

    def _refresh(self) -> None:
        if self._enabled and self.drawdown_pct >= self._halt_pct:
            self._halted = True
