"""Fault injection for the emulator: a parsed spec and a seeded per-request decider.

`FaultSpec.parse("latency=200ms,timeout=0.05,http429=0.02,http418=0,http5xx=0.02,drop=0.02,
reject=0.05,duplicate_ack=0.05,skew=3000ms")`: probabilities per request in [0, 1];
`latency` (added to every answer) and `skew` are durations with an `ms` or `s` unit.

What each fault does (the server and the dialects carry them out):

- timeout: the request IS processed (an order is placed) but the answer is withheld until
  the client gives up; the connection is closed after `timeout_hold_s`.
- drop: the connection is closed without an answer and the request is NOT processed.
- http429 / http418 / http5xx: the venue's rate-limit / ban / server-error answer, not
  processed (429 and 418 carry Retry-After).
- reject: an order request is refused with the venue's error (other requests unaffected).
- duplicate_ack: the next order with an already used client id gets the first order's
  acknowledgement back instead of the venue's duplicate-order error.
- skew: the emulator's AUTH clock runs `skew` behind the wall clock (a negative value:
  ahead), so signed requests fail the venue's timestamp check. A positive skew applies to
  every request; `arm("skew")` applies it (or 3 s if unset) to the armed requests only.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, fields
from enum import StrEnum

__all__ = ["ArmedFault", "FaultDecision", "FaultInjector", "FaultKind", "FaultSpec"]


class FaultKind(StrEnum):
    TIMEOUT = "timeout"
    DROP = "drop"
    HTTP429 = "http429"
    HTTP418 = "http418"
    HTTP5XX = "http5xx"
    REJECT = "reject"
    DUPLICATE_ACK = "duplicate_ack"
    SKEW = "skew"


_PROBABILITY_KEYS = ("timeout", "http429", "http418", "http5xx", "drop", "reject", "duplicate_ack")
_DURATION_KEYS = ("latency", "skew")
_DEFAULT_ARMED_SKEW_MS = 3000


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Per-request fault probabilities and the latency / auth-clock skew in ms."""

    latency_ms: int = 0
    skew_ms: int = 0
    timeout: float = 0.0
    http429: float = 0.0
    http418: float = 0.0
    http5xx: float = 0.0
    drop: float = 0.0
    reject: float = 0.0
    duplicate_ack: float = 0.0

    def __post_init__(self) -> None:
        for key in _PROBABILITY_KEYS:
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"faults {key}: expected a probability in [0, 1], got {value}")
        if self.latency_ms < 0:
            raise ValueError(f"faults latency: expected >= 0 ms, got {self.latency_ms}")

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Parse `key=value,...`; raises ValueError naming a bad key or value."""
        values: dict[str, float | int] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            key, sep, raw = item.partition("=")
            key = key.strip()
            if not sep:
                raise ValueError(f"faults {item!r}: expected key=value")
            if key in _DURATION_KEYS:
                values[f"{key}_ms"] = _parse_duration_ms(key, raw.strip())
            elif key in _PROBABILITY_KEYS:
                values[key] = _parse_probability(key, raw.strip())
            else:
                expected = ", ".join(_DURATION_KEYS + _PROBABILITY_KEYS)
                raise ValueError(f"faults: unknown key {key!r}; expected one of {expected}")
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_quiet(self) -> bool:
        """True when the spec injects nothing."""
        return all(getattr(self, f.name) == 0 for f in fields(self))


def _parse_duration_ms(key: str, raw: str) -> int:
    try:
        if raw.endswith("ms"):
            return round(float(raw[:-2]))
        if raw.endswith("s"):
            return round(float(raw[:-1]) * 1000)
    except ValueError:
        pass
    raise ValueError(f"faults {key}={raw!r}: expected a duration such as 200ms or 1.5s")


def _parse_probability(key: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"faults {key}={raw!r}: expected a probability in [0, 1]") from None


@dataclass(slots=True)
class ArmedFault:
    """A fault the next `count` matching requests get, whatever the probabilities say."""

    kind: FaultKind
    count: int = 1
    path_prefix: str | None = None
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.path_prefix is None or path.startswith(self.path_prefix)) and (
            self.method is None or self.method.upper() == method.upper()
        )


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What happens to one request: at most one fault, the latency and the auth skew."""

    kind: FaultKind | None = None
    latency_ms: int = 0
    skew_ms: int = 0
    extra: frozenset[FaultKind] = field(default_factory=frozenset)

    def has(self, kind: FaultKind) -> bool:
        return self.kind is kind or kind in self.extra


class FaultInjector:
    """Decides per request, reproducibly for a seed; `arm` makes the next requests certain."""

    def __init__(self, spec: FaultSpec | None = None, seed: int = 0) -> None:
        self.spec = spec or FaultSpec()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._armed: list[ArmedFault] = []

    def arm(
        self,
        kind: FaultKind | str,
        count: int = 1,
        path_prefix: str | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` requests matching path_prefix / method get `kind`."""
        if count < 1:
            raise ValueError(f"count: expected >= 1, got {count}")
        with self._lock:
            self._armed.append(ArmedFault(FaultKind(kind), count, path_prefix, method))

    def disarm(self) -> None:
        with self._lock:
            self._armed.clear()

    def decide(self, method: str, path: str) -> FaultDecision:
        """The fault for one request (armed faults first, then the probabilities)."""
        with self._lock:
            armed = self._take_armed(method, path)
            if armed is not None:
                skew = self.spec.skew_ms or _DEFAULT_ARMED_SKEW_MS
                return FaultDecision(
                    kind=armed,
                    latency_ms=self.spec.latency_ms,
                    skew_ms=skew if armed is FaultKind.SKEW else self.spec.skew_ms,
                )
            return FaultDecision(
                kind=self._draw(), latency_ms=self.spec.latency_ms, skew_ms=self.spec.skew_ms
            )

    def _take_armed(self, method: str, path: str) -> FaultKind | None:
        for armed in self._armed:
            if armed.matches(method, path):
                armed.count -= 1
                if armed.count == 0:
                    self._armed.remove(armed)
                return armed.kind
        return None

    def _draw(self) -> FaultKind | None:
        # One draw per key on every request, so one key's probability never shifts the
        # sequence of the others: the same seed gives the same faults per key.
        draws = [(key, self._rng.random()) for key in _PROBABILITY_KEYS]
        for key, draw in draws:
            if draw < getattr(self.spec, key):
                return FaultKind(key)
        return None
