"""Signal arrays -> domain `Signal` objects, for the edge (advisory export, journal, API)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from tradewind.domain.identifiers import InstrumentId, StrategyId
from tradewind.domain.signal import Signal, SignalDirection
from tradewind.strategies.arrays import SignalArrays
from tradewind.strategies.errors import StrategyError

__all__ = ["to_signals"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DIRECTIONS = {1: SignalDirection.LONG, -1: SignalDirection.SHORT, 0: SignalDirection.FLAT}


def to_signals(
    arrays: SignalArrays,
    instrument_id: InstrumentId,
    strategy_id: StrategyId,
    timestamps: np.ndarray,
    *,
    tag: str = "",
) -> list[Signal]:
    """One domain `Signal` per active bar, oldest first.

    Args:
        timestamps: int64 ns UTC per bar, as long as `arrays`; pass the bars'
            `close_time` so `generated_at` is when the signal became known.
        tag: copied onto every signal; each carries its bar index as metadata `bar`.

    Raises:
        StrategyError: `timestamps` does not have one entry per bar.
    """
    stamps = np.asarray(timestamps)
    if stamps.dtype.kind == "M":
        stamps = stamps.astype("datetime64[ns]").view(np.int64)
    if stamps.shape != (len(arrays),):
        raise StrategyError(
            f"to_signals: expected {len(arrays)} timestamps (one per bar), got {stamps.shape}"
        )
    out = []
    for i in arrays.indices().tolist():
        stop, target = float(arrays.stop_price[i]), float(arrays.target_price[i])
        out.append(
            Signal(
                instrument_id=instrument_id,
                strategy_id=strategy_id,
                direction=_DIRECTIONS[int(arrays.direction[i])],
                strength=float(arrays.strength[i]),
                confidence=float(arrays.confidence[i]),
                generated_at=_EPOCH + timedelta(microseconds=int(stamps[i]) // 1000),
                stop_price=None if math.isnan(stop) else stop,
                target_price=None if math.isnan(target) else target,
                tag=tag,
                metadata=(("bar", i),),
            )
        )
    return out
