"""`RiskState`: the persisted risk state (high-water mark, daily budget, trading state).

A Python mirror of the numba state vector (`tradewind.risk.ladder`): the engine kernel
works on the vector, paper/live call the methods here once per bar, and the journal
stores `to_dict()` so that the high-water mark, the daily loss budget and a HALTED or
FROZEN state survive a restart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import numpy as np

from tradewind.domain.trading_state import ShutdownMode, TradingState
from tradewind.risk.codes import ShutdownCode, StateCode
from tradewind.risk.errors import RiskConfigError
from tradewind.risk.ladder import (
    StateField,
    apply_shutdown,
    initial_state_vector,
    refresh_effective,
)
from tradewind.risk.ladder import manual_reset as _manual_reset
from tradewind.risk.ladder import update_on_equity as _update_on_equity
from tradewind.risk.limits import RiskLimits
from tradewind.risk.reasons import RiskReason

__all__ = ["RiskEvent", "RiskState", "ShutdownOrder", "decode_events"]

_SCHEMA_VERSION = 1
_SHUTDOWN_CODES = {
    ShutdownMode.SOFT: ShutdownCode.SOFT,
    ShutdownMode.HARD: ShutdownCode.HARD,
    ShutdownMode.FREEZE: ShutdownCode.FREEZE,
}
_SHUTDOWN_MODES = {code: mode for mode, code in _SHUTDOWN_CODES.items()}


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """A change of the risk state: what happened (`reason`) and the state after it."""

    reason: RiskReason
    state: StateCode
    equity: float
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class ShutdownOrder:
    """What the engine must do after `RiskState.shutdown`.

    Attributes:
        cancel_open_orders: cancel every working order (HARD).
        flatten_positions: close every position at market (HARD).
        events: the state changes (empty when a stricter shutdown was already in force).
    """

    cancel_open_orders: bool
    flatten_positions: bool
    events: tuple[RiskEvent, ...]


def decode_events(
    bits: int, state: StateCode, equity: float, ts: datetime | None = None
) -> list[RiskEvent]:
    """The events an event bitmask (bit k = `RiskReason(k)`) stands for, in code order."""
    return [RiskEvent(reason, state, equity, ts) for reason in RiskReason if bits & (1 << reason)]


@dataclass(slots=True)
class RiskState:
    """The account's risk state (mutable; mirrors the numba vector).

    Attributes:
        high_water_mark: highest equity seen, account currency (NaN before any).
        last_equity: equity at the last update.
        day_start_equity: equity when the current trading day started.
        day_id: current trading day (`DailyReset.day_id`), None before any update.
        drawdown_state: what the drawdown ladder imposes.
        drawdown_warned: drawdown is at or above the warn level.
        daily_halted: the daily loss limit is breached (until the next day).
        shutdown: the shutdown in force, if any.
    """

    high_water_mark: float = math.nan
    last_equity: float = math.nan
    day_start_equity: float = math.nan
    day_id: int | None = None
    drawdown_state: StateCode = StateCode.ACTIVE
    drawdown_warned: bool = False
    daily_halted: bool = False
    shutdown: ShutdownMode | None = None

    # -- the vector the kernel uses ----------------------------------------------------

    def to_vector(self) -> np.ndarray:
        """The float64 state vector (`StateField` indices), effective state included."""
        vector = initial_state_vector()
        f = StateField
        vector[f.HIGH_WATER_MARK] = self.high_water_mark
        vector[f.LAST_EQUITY] = self.last_equity
        vector[f.DAY_START_EQUITY] = self.day_start_equity
        vector[f.DAY_ID] = math.nan if self.day_id is None else float(self.day_id)
        vector[f.DRAWDOWN_STATE] = float(self.drawdown_state)
        vector[f.DRAWDOWN_WARNED] = float(self.drawdown_warned)
        vector[f.DAILY_HALTED] = float(self.daily_halted)
        vector[f.SHUTDOWN] = float(
            ShutdownCode.NONE if self.shutdown is None else _SHUTDOWN_CODES[self.shutdown]
        )
        refresh_effective(vector)
        return vector

    @classmethod
    def from_vector(cls, vector: np.ndarray) -> RiskState:
        """The state a kernel vector holds."""
        f = StateField
        day = float(vector[f.DAY_ID])
        shutdown = ShutdownCode(int(vector[f.SHUTDOWN]))
        return cls(
            high_water_mark=float(vector[f.HIGH_WATER_MARK]),
            last_equity=float(vector[f.LAST_EQUITY]),
            day_start_equity=float(vector[f.DAY_START_EQUITY]),
            day_id=None if math.isnan(day) else int(day),
            drawdown_state=StateCode(int(vector[f.DRAWDOWN_STATE])),
            drawdown_warned=bool(vector[f.DRAWDOWN_WARNED]),
            daily_halted=bool(vector[f.DAILY_HALTED]),
            shutdown=_SHUTDOWN_MODES.get(shutdown),
        )

    def _load(self, vector: np.ndarray) -> None:
        other = RiskState.from_vector(vector)
        for item in fields(self):
            setattr(self, item.name, getattr(other, item.name))

    # -- what check_order reads --------------------------------------------------------

    @property
    def state_code(self) -> StateCode:
        """Effective state: the most restrictive of drawdown, daily loss and shutdown."""
        return _effective(self.to_vector())[0]

    @property
    def reason(self) -> RiskReason:
        """Why the effective state is what it is (APPROVED when ACTIVE)."""
        return _effective(self.to_vector())[1]

    @property
    def trading_state(self) -> TradingState:
        """The domain trading state (FROZEN shows as HALTED with `frozen` True)."""
        code = self.state_code
        if code is StateCode.ACTIVE:
            return TradingState.ACTIVE
        return TradingState.REDUCING if code is StateCode.REDUCING else TradingState.HALTED

    @property
    def frozen(self) -> bool:
        """Nothing may be sent until `manual_reset`."""
        return self.shutdown is ShutdownMode.FREEZE

    # -- transitions -------------------------------------------------------------------

    def update_on_equity(self, equity: float, ts: datetime, limits: RiskLimits) -> list[RiskEvent]:
        """Apply an equity mark at instant `ts` (drawdown ladder, daily loss); returns
        the state changes. The trading day comes from `limits.daily_reset`."""
        vector = self.to_vector()
        bits = _update_on_equity(
            vector, float(equity), limits.daily_reset.day_id(ts), limits.global_
        )
        self._load(vector)
        return decode_events(bits, self.state_code, float(equity), ts)

    def shutdown_now(self, mode: ShutdownMode, ts: datetime | None = None) -> ShutdownOrder:
        """Put a shutdown in force: SOFT (no new entries), HARD (cancel all, flatten,
        halt) or FREEZE (nothing at all until `manual_reset`)."""
        mode = ShutdownMode(mode)
        vector = self.to_vector()
        bits = apply_shutdown(vector, int(_SHUTDOWN_CODES[mode]))
        self._load(vector)
        events = tuple(decode_events(bits, self.state_code, self.last_equity, ts))
        hard = mode is ShutdownMode.HARD
        return ShutdownOrder(cancel_open_orders=hard, flatten_positions=hard, events=events)

    def manual_reset(self, ts: datetime | None = None) -> list[RiskEvent]:
        """Operator reset: lift shutdowns and halts; the last equity becomes the new
        high-water mark and day-start equity."""
        vector = self.to_vector()
        bits = _manual_reset(vector)
        self._load(vector)
        return decode_events(bits, self.state_code, self.last_equity, ts)

    # -- persistence -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN becomes None) that `from_dict` reads back."""
        return {
            "version": _SCHEMA_VERSION,
            "high_water_mark": _json_float(self.high_water_mark),
            "last_equity": _json_float(self.last_equity),
            "day_start_equity": _json_float(self.day_start_equity),
            "day_id": self.day_id,
            "drawdown_state": self.drawdown_state.name,
            "drawdown_warned": self.drawdown_warned,
            "daily_halted": self.daily_halted,
            "shutdown": None if self.shutdown is None else self.shutdown.value,
            "state": self.state_code.name,
            "reason": self.reason.name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskState:
        """Read a dict written by `to_dict` (`state` and `reason` are derived, not read).

        Raises:
            RiskConfigError: a missing or malformed field, naming it.
        """
        if data.get("version") != _SCHEMA_VERSION:
            raise RiskConfigError(
                f"invalid risk state version {data.get('version')!r}: expected {_SCHEMA_VERSION}"
            )
        try:
            day_id = data["day_id"]
            shutdown = data["shutdown"]
            return cls(
                high_water_mark=_read_float(data, "high_water_mark"),
                last_equity=_read_float(data, "last_equity"),
                day_start_equity=_read_float(data, "day_start_equity"),
                day_id=None if day_id is None else int(day_id),
                drawdown_state=StateCode[str(data["drawdown_state"])],
                drawdown_warned=bool(data["drawdown_warned"]),
                daily_halted=bool(data["daily_halted"]),
                shutdown=None if shutdown is None else ShutdownMode(shutdown),
            )
        except KeyError as error:
            raise RiskConfigError(
                f"invalid risk state: missing or unknown value for {error}"
            ) from None
        except (TypeError, ValueError) as error:
            raise RiskConfigError(f"invalid risk state: {error}") from None


def _effective(vector: np.ndarray) -> tuple[StateCode, RiskReason]:
    return StateCode(int(vector[StateField.STATE])), RiskReason(int(vector[StateField.REASON]))


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _read_float(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    if value is None:
        return math.nan
    number = float(value)
    if not math.isfinite(number):
        raise RiskConfigError(f"invalid risk state {name} {value!r}: expected a finite number")
    return number
