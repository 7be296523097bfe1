from __future__ import annotations

import math
from datetime import datetime

import pytest

from tradewind.domain import DomainError, Signal, SignalDirection, StrategyId

from .factories import BTC, T0


def signal(**overrides: object) -> Signal:
    fields: dict[str, object] = {
        "instrument_id": BTC,
        "strategy_id": StrategyId("ema_cross"),
        "direction": SignalDirection.LONG,
        "strength": 0.8,
        "confidence": 0.6,
        "generated_at": T0,
    }
    fields.update(overrides)
    return Signal(**fields)  # type: ignore[arg-type]


def test_valid_signal_keeps_its_values() -> None:
    s = signal(stop_price=95, target_price=110.5, tag="breakout")
    assert (s.stop_price, s.target_price, s.tag) == (95.0, 110.5, "breakout")
    assert s.signed_strength == 0.8


def test_short_and_flat_signed_strength() -> None:
    assert signal(direction="short").signed_strength == -0.8
    assert signal(direction=SignalDirection.FLAT).signed_strength == 0.0


@pytest.mark.parametrize("field", ["strength", "confidence"])
@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan])
def test_strength_and_confidence_must_be_in_unit_interval(field: str, value: float) -> None:
    with pytest.raises(
        DomainError, match=rf"invalid signal {field} .*expected a value in \[0, 1\]"
    ):
        signal(**{field: value})


def test_stop_must_be_on_the_losing_side() -> None:
    with pytest.raises(DomainError, match=r"stop_price 110\.0 must be below target_price 100\.0"):
        signal(stop_price=110.0, target_price=100.0)
    with pytest.raises(DomainError, match="must be above target_price"):
        signal(direction="short", stop_price=90.0, target_price=100.0)
    assert signal(direction="short", stop_price=110.0, target_price=100.0).stop_price == 110.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"direction": "up"}, "expected long, short or flat"),
        ({"generated_at": datetime(2024, 1, 1)}, "naive"),
        ({"strategy_id": "ema"}, "expected a StrategyId"),
        ({"stop_price": math.inf}, "invalid signal stop_price inf"),
        ({"metadata": (("k",),)}, "expected a \\(key, value\\) pair"),
        ({"metadata": (("k", [1]),)}, "invalid signal metadata value"),
        ({"metadata": (("k", 1), ("k", 2))}, "duplicate key 'k'"),
    ],
)
def test_invalid_signals_are_rejected(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        signal(**overrides)


def test_metadata_is_frozen_as_sorted_pairs_from_a_mapping() -> None:
    s = signal(metadata={"z": 1, "a": "x"})
    assert s.metadata == (("a", "x"), ("z", 1))
    assert s.metadata_dict == {"a": "x", "z": 1}
    assert hash(s) == hash(signal(metadata=(("z", 1), ("a", "x"))))
