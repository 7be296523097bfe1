"""Regime actions: what capital does when the walk-forward regime says defend.

A run's regime at a row is the macro regime the walk-forward forecaster had predicted
by then (`MacroRegime`), or `CRISIS` when most of the run's markets read CRISIS in their
own market conditions. A `RegimePlan` says whether the router is told the macro regime
and which action each regime takes:

- `exposure_factor` multiplies every market's budget (the exposure cap risk enforces);
- `stop_factor` multiplies the distance of new protective stops (below 1 = tighter);
- `soft_stop` asks the session for a SOFT stop (no new entries, exits still managed).

Pure values and functions; the engine applies them (`tradewind.engine.capital`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Final

from tradewind.domain.regimes import MacroRegime

__all__ = [
    "ACTION_REGIMES",
    "CRISIS",
    "NO_ACTION",
    "RegimeAction",
    "RegimePlan",
    "RegimeReading",
    "action_for",
    "regime_stop",
]

CRISIS: Final = "CRISIS"
"""The regime of a row where most markets read CRISIS in their market conditions."""

ACTION_REGIMES: Final[tuple[str, ...]] = (*(r.value for r in MacroRegime), CRISIS)
"""Every regime an action can be configured for (upper case)."""


@dataclass(frozen=True, slots=True)
class RegimeAction:
    """What one regime does to capital (1.0 / False: nothing).

    Raises:
        ValueError: a factor outside (0, 1] (the message names it).
    """

    exposure_factor: float = 1.0
    stop_factor: float = 1.0
    soft_stop: bool = False

    def __post_init__(self) -> None:
        for name in ("exposure_factor", "stop_factor"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and 0 < value <= 1):
                raise ValueError(f"regime action {name} {value!r}: expected a factor in (0, 1]")

    @property
    def is_neutral(self) -> bool:
        """True when the action changes nothing."""
        return self == NO_ACTION


NO_ACTION: Final = RegimeAction()


@dataclass(frozen=True, slots=True)
class RegimePlan:
    """How a run uses the regime.

    Attributes:
        macro_regime: the router receives the macro regime at each rebalance (its
            per-market-class preferences then apply); False = the router gets None.
        actions: regime (an `ACTION_REGIMES` name, any case) -> action.
        crisis_share: a row is CRISIS when at least this share of the symbols whose
            market conditions are known read CRISIS (fraction in (0, 1]).

    Raises:
        ValueError: an unknown regime name or a share outside (0, 1].
    """

    macro_regime: bool = False
    actions: Mapping[str, RegimeAction] = field(default_factory=dict)
    crisis_share: float = 0.5

    def __post_init__(self) -> None:
        parsed: dict[str, RegimeAction] = {}
        for name, action in self.actions.items():
            key = str(name).strip().upper()
            if key not in ACTION_REGIMES:
                raise ValueError(
                    f"regime action for {name!r}: expected one of {', '.join(ACTION_REGIMES)}"
                )
            parsed[key] = action
        object.__setattr__(self, "actions", MappingProxyType(parsed))
        share = self.crisis_share
        if not (math.isfinite(share) and 0 < share <= 1):
            raise ValueError(f"crisis_share {share!r}: expected a fraction in (0, 1]")

    @property
    def acts(self) -> bool:
        """True when some regime has an action that changes something."""
        return any(not a.is_neutral for a in self.actions.values())

    @property
    def watches_crisis(self) -> bool:
        """True when CRISIS has an action (the market conditions must be read)."""
        return CRISIS in self.actions and not self.actions[CRISIS].is_neutral

    @property
    def needs_regimes(self) -> bool:
        """True when the run must know its regime at all."""
        return self.macro_regime or self.acts


@dataclass(frozen=True, slots=True)
class RegimeReading:
    """The regime in force at one row and the action it takes.

    `macro` is the latest walk-forward forecast made by then (None before the first);
    `as_of` is the instant of the information that forecast used; `crisis` is the
    market-conditions test of the row itself.
    """

    macro: MacroRegime | None
    as_of: datetime | None
    crisis: bool
    action: RegimeAction = NO_ACTION

    @property
    def regime(self) -> str | None:
        """`CRISIS` when the row is in crisis, else the macro regime's name (or None)."""
        if self.crisis:
            return CRISIS
        return None if self.macro is None else self.macro.value


def action_for(
    macro: MacroRegime | None, crisis: bool, actions: Mapping[str, RegimeAction]
) -> RegimeAction:
    """The action in force: the macro regime's, made stricter by CRISIS's when the row is
    in crisis (the smaller factors, either soft stop); none when neither has one."""
    own = actions.get(macro.value, NO_ACTION) if macro is not None else NO_ACTION
    if not crisis or CRISIS not in actions:
        return own
    extra = actions[CRISIS]
    return RegimeAction(
        exposure_factor=min(own.exposure_factor, extra.exposure_factor),
        stop_factor=min(own.stop_factor, extra.stop_factor),
        soft_stop=own.soft_stop or extra.soft_stop,
    )


def regime_stop(reading: RegimeReading | None) -> bool:
    """True when the regime in force (`CapitalDriver.regime_at(row)`) asks the session
    for a SOFT stop; False without a reading."""
    return reading is not None and reading.action.soft_stop
