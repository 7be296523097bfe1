"""The stops in force, folded from the journal's control commands.

Three stops of rising strictness, SOFT < HARD < FREEZE, each global (market None) or
for one market. In one scope a milder stop never replaces a stricter one; `resume`
without a market lifts every stop (global and per market), `resume` of a market lifts
that market's own stop only (a global stop stays). Enabling and disabling a market is a
separate dimension: the latest of the two wins. Live confirmations change nothing.
A market's stop is the stricter of the global stop and its own (`ControlState.stop_for`).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from tradewind.domain.trading_state import ShutdownMode
from tradewind.store.control_records import ControlAction, ControlRecord

__all__ = [
    "DONE_PREFIX",
    "STOP_ACTIONS",
    "ControlState",
    "fold_controls",
    "operator_user",
    "shutdown_mode",
]

DONE_PREFIX = "done: "
"""How a session's acknowledgment that it carried a command out begins (the first one
only says the command is in force)."""

STOP_ACTIONS = (ControlAction.SOFT, ControlAction.HARD, ControlAction.FREEZE)
"""The stops, mildest first."""

_STRICTNESS = {action: rank for rank, action in enumerate(STOP_ACTIONS)}


def _stricter(a: ControlAction | None, b: ControlAction | None) -> ControlAction | None:
    if a is None or b is None:
        return a if b is None else b
    return a if _STRICTNESS[a] >= _STRICTNESS[b] else b


def _empty_stops() -> Mapping[str, ControlAction]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ControlState:
    """What the control commands up to `last_id` leave in force.

    Attributes:
        global_stop: the stop of every market, or None.
        market_stops: each market's own stop (read-only mapping).
        disabled: the markets disabled by their latest enable/disable command.
        last_id: the number of the last command folded (0: none).
    """

    global_stop: ControlAction | None = None
    market_stops: Mapping[str, ControlAction] = field(default_factory=_empty_stops)
    disabled: frozenset[str] = frozenset()
    last_id: int = 0

    def stop_for(self, market: str) -> ControlAction | None:
        """The stop in force for `market`: the stricter of the global stop and its own."""
        return _stricter(self.global_stop, self.market_stops.get(market))

    def describe(self) -> str:
        """One line: the stops in force and the disabled markets."""
        parts = []
        if self.global_stop is not None:
            parts.append(f"{self.global_stop.value} stop on every market")
        parts.extend(
            f"{stop.value} stop on {market}" for market, stop in sorted(self.market_stops.items())
        )
        if self.disabled:
            parts.append(f"disabled: {', '.join(sorted(self.disabled))}")
        if not parts:
            parts.append("no stop in force")
        return "; ".join(parts) + f" (through command {self.last_id})"


def fold_controls(
    records: Sequence[ControlRecord], *, start: ControlState | None = None
) -> ControlState:
    """The state the commands in `records` (folded in id order) leave in force, starting
    from `start` (default: nothing in force). A session folds each new batch onto the
    state it holds: `fold_controls(journal.control_commands(state.last_id), start=state)`.
    """
    state = start or ControlState()
    global_stop = state.global_stop
    stops = dict(state.market_stops)
    disabled = set(state.disabled)
    last_id = state.last_id
    for record in sorted(records, key=lambda r: r.id):
        action, market = record.command.action, record.command.market
        last_id = max(last_id, record.id)
        if action in _STRICTNESS:
            if market is None:
                global_stop = _stricter(global_stop, action)
            else:
                stops[market] = _stricter(stops.get(market), action) or action
        elif action is ControlAction.RESUME:
            if market is None:
                global_stop = None
                stops.clear()
            else:
                stops.pop(market, None)
        elif action is ControlAction.DISABLE and market is not None:
            disabled.add(market)
        elif action is ControlAction.ENABLE and market is not None:
            disabled.discard(market)
    return ControlState(
        global_stop=global_stop,
        market_stops=MappingProxyType(stops),
        disabled=frozenset(disabled),
        last_id=last_id,
    )


def shutdown_mode(stop: ControlAction) -> ShutdownMode:
    """The engine's shutdown mode for a stop (SOFT, HARD or FREEZE).

    Raises:
        ValueError: `stop` is not a stop (resume, enable, ...): a programming error.
    """
    if stop not in _STRICTNESS:
        raise ValueError(f"control action {stop.value!r} is not a stop")
    return ShutdownMode(stop.value)


def operator_user() -> str:
    """The OS user giving a command or a confirmation (its uid when the system has no
    name for it), for the journal's `user` fields."""
    try:
        return getpass.getuser() or f"uid-{os.getuid()}"
    except (OSError, KeyError):  # no user name in the environment or password database
        return f"uid-{os.getuid()}"
