"""Trading signals: what a strategy wants, before sizing and risk."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeAlias

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId, StrategyId
from tradewind.domain.timestamps import ensure_utc

__all__ = ["MetadataValue", "Signal", "SignalDirection"]

MetadataValue: TypeAlias = str | int | float | bool | None
"""A value allowed in `Signal.metadata` (kept primitive so signals serialize as JSON)."""


class SignalDirection(StrEnum):
    """The position a strategy wants."""

    LONG = "long"
    """Hold a long position."""
    SHORT = "short"
    """Hold a short position."""
    FLAT = "flat"
    """Hold no position (exit whatever is open)."""

    @property
    def sign(self) -> int:
        """+1 for LONG, -1 for SHORT, 0 for FLAT."""
        return {SignalDirection.LONG: 1, SignalDirection.SHORT: -1}.get(self, 0)


@dataclass(frozen=True, slots=True)
class Signal:
    """A strategy's view on one instrument at one instant.

    Attributes:
        instrument_id: what the signal is about.
        strategy_id: who produced it.
        direction: LONG, SHORT or FLAT.
        strength: conviction in [0, 1] (how much of the allowed size to use).
        confidence: probability-like reliability in [0, 1] (used by WEIGHTED aggregation).
        generated_at: when it was produced (UTC; never before the bar it used closed).
        stop_price: optional protective stop, in quote currency.
        target_price: optional take-profit, in quote currency.
        tag: optional short label (`breakout`).
        metadata: extra key/value pairs; pass a mapping or pairs, stored as sorted pairs.

    Raises:
        DomainError: a field is out of range, a timestamp is naive, or the stop and
            target are on the wrong side of each other for the direction.
    """

    instrument_id: InstrumentId
    strategy_id: StrategyId
    direction: SignalDirection
    strength: float
    confidence: float
    generated_at: datetime
    stop_price: float | None = None
    target_price: float | None = None
    tag: str = ""
    metadata: tuple[tuple[str, MetadataValue], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.instrument_id, InstrumentId):
            raise DomainError(
                f"invalid signal instrument_id {self.instrument_id!r}: expected an InstrumentId"
            )
        if not isinstance(self.strategy_id, StrategyId):
            raise DomainError(
                f"invalid signal strategy_id {self.strategy_id!r}: expected a StrategyId"
            )
        set_ = object.__setattr__
        try:
            set_(self, "direction", SignalDirection(self.direction))
        except ValueError:
            raise DomainError(
                f"invalid signal direction {self.direction!r} for {self.instrument_id}: "
                "expected long, short or flat"
            ) from None
        for name in ("strength", "confidence"):
            set_(self, name, self._unit_interval(name))
        set_(self, "generated_at", ensure_utc(self.generated_at, field="signal generated_at"))
        for name in ("stop_price", "target_price"):
            set_(self, name, self._optional_price(name))
        if not isinstance(self.tag, str):
            raise DomainError(f"invalid signal tag {self.tag!r}: expected a string")
        set_(self, "metadata", _freeze_metadata(self.metadata))
        self._check_stop_target()

    def _unit_interval(self, name: str) -> float:
        raw = getattr(self, name)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise DomainError(
                f"invalid signal {name} {raw!r} for {self.instrument_id}: expected a number"
            )
        value = float(raw)
        if not 0.0 <= value <= 1.0:  # also rejects NaN
            raise DomainError(
                f"invalid signal {name} {value} for {self.instrument_id}: "
                "expected a value in [0, 1]"
            )
        return value

    def _optional_price(self, name: str) -> float | None:
        raw = getattr(self, name)
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise DomainError(
                f"invalid signal {name} {raw!r} for {self.instrument_id}: expected a finite "
                "number or None"
            )
        return float(raw)

    def _check_stop_target(self) -> None:
        stop, target = self.stop_price, self.target_price
        if stop is None or target is None:
            return
        if self.direction is SignalDirection.LONG and not stop < target:
            raise DomainError(
                f"invalid LONG signal for {self.instrument_id}: stop_price {stop} must be "
                f"below target_price {target}"
            )
        if self.direction is SignalDirection.SHORT and not stop > target:
            raise DomainError(
                f"invalid SHORT signal for {self.instrument_id}: stop_price {stop} must be "
                f"above target_price {target}"
            )

    @property
    def metadata_dict(self) -> dict[str, MetadataValue]:
        """`metadata` as a new dict."""
        return dict(self.metadata)

    @property
    def signed_strength(self) -> float:
        """`strength` with the direction's sign (0 for FLAT)."""
        return self.direction.sign * self.strength


def _freeze_metadata(
    raw: object,
) -> tuple[tuple[str, MetadataValue], ...]:
    items: list[tuple[object, object]]
    if isinstance(raw, Mapping):
        items = list(raw.items())
    elif isinstance(raw, tuple | list):
        items = []
        for pair in raw:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise DomainError(
                    f"invalid signal metadata entry {pair!r}: expected a (key, value) pair"
                )
            items.append((pair[0], pair[1]))
    else:
        raise DomainError(
            f"invalid signal metadata {raw!r}: expected a mapping or (key, value) pairs"
        )
    frozen: dict[str, MetadataValue] = {}
    for key, value in items:
        if not isinstance(key, str) or not key:
            raise DomainError(f"invalid signal metadata key {key!r}: expected a non-empty string")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise DomainError(
                f"invalid signal metadata value {value!r} for key {key!r}: expected str, "
                "int, float, bool or None"
            )
        if key in frozen:
            raise DomainError(f"invalid signal metadata: duplicate key {key!r}")
        frozen[key] = value
    return tuple(sorted(frozen.items()))
