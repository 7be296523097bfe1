"""Per-bar strategies run through the adapter give the same arrays as vectorized ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import Field

from tradewind.strategies.api import (
    BarSignal,
    BarWindow,
    SignalArrays,
    StrategyConfig,
    StrategyError,
    StrategySpec,
)
from tradewind.strategies.indicators import latch
from tradewind.strategies.lookahead import require_causal


class RocConfig(StrategyConfig):
    lookback: int = Field(10, ge=1)
    threshold: float = Field(0.03, gt=0)


def _vectorized(bars: BarWindow, config: RocConfig) -> SignalArrays:
    close = bars.close
    roc = np.full(len(bars), np.nan)
    roc[config.lookback :] = close[config.lookback :] / close[: -config.lookback] - 1.0
    never = np.zeros(len(bars), np.bool_)
    active, direction = latch(roc > config.threshold, never, roc < 0.0, never, 0)
    stop = close * 0.9
    return SignalArrays.build(active, direction, strength=0.5, stop_price=stop)


def _on_bar(window: BarWindow, config: RocConfig, state: dict[str, Any]) -> BarSignal | None:
    if len(window) <= config.lookback:
        return None
    close = window.close
    roc = close[-1] / close[-1 - config.lookback] - 1.0
    if not state.get("long") and roc > config.threshold:
        state["long"] = True
        return BarSignal(1, strength=0.5, stop_price=close[-1] * 0.9)
    if state.get("long") and roc < 0.0:
        state["long"] = False
        return BarSignal(0, strength=0.5)
    return None


VECTORIZED = StrategySpec(
    "roc_vec", "roc", RocConfig, signals=_vectorized, warmup=lambda c: c.lookback
)
PER_BAR = StrategySpec("roc_bar", "roc", RocConfig, on_bar=_on_bar, warmup=lambda c: c.lookback)


def test_on_bar_adapter_equals_the_vectorized_version(btc: BarWindow) -> None:
    expected = VECTORIZED.run(btc)
    got = PER_BAR.run(btc)
    assert expected.count > 10
    assert got.first_difference(expected, len(btc)) is None


def test_on_bar_strategy_passes_the_causality_check(btc: BarWindow) -> None:
    assert require_causal(PER_BAR, btc.head(400), random_cuts=2).ok


def test_on_bar_returning_something_else_is_refused(btc: BarWindow) -> None:
    spec = StrategySpec("bad_bar", "x", RocConfig, on_bar=lambda w, c, s: "LONG")  # type: ignore[arg-type]
    with pytest.raises(StrategyError, match="on_bar returned str at bar 0"):
        spec.run(btc.head(3))


def test_bar_signal_refuses_an_unknown_direction() -> None:
    with pytest.raises(StrategyError, match="expected -1, 0 or \\+1"):
        BarSignal(2)
