"""to_signals: signal arrays become domain Signals at the edge."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from tradewind.domain.identifiers import InstrumentId, StrategyId
from tradewind.domain.signal import SignalDirection
from tradewind.strategies.api import SignalArrays, StrategyError, to_signals


def _ids() -> tuple[InstrumentId, StrategyId]:
    return InstrumentId.parse("SPX.SIM"), StrategyId("sma_cross")


def test_each_active_bar_becomes_a_signal_with_its_close_time() -> None:
    arrays = SignalArrays.build(
        np.array([False, True, True]),
        np.array([0, 1, 0]),
        strength=0.25,
        stop_price=np.array([np.nan, 95.0, np.nan]),
        target_price=np.array([np.nan, 110.0, np.nan]),
    )
    close_times = np.array(
        ["2020-01-02T21:00", "2020-01-03T21:00", "2020-01-06T21:00"], dtype="datetime64[ns]"
    )
    instrument, strategy = _ids()
    signals = to_signals(arrays, instrument, strategy, close_times, tag="cross")
    assert [s.direction for s in signals] == [SignalDirection.LONG, SignalDirection.FLAT]
    first = signals[0]
    assert first.generated_at == datetime(2020, 1, 3, 21, tzinfo=UTC)
    assert (first.stop_price, first.target_price, first.strength) == (95.0, 110.0, 0.25)
    assert first.metadata_dict == {"bar": 1}
    assert signals[1].stop_price is None
    assert signals[1].tag == "cross"


def test_timestamps_must_match_the_bars() -> None:
    instrument, strategy = _ids()
    with pytest.raises(StrategyError, match="expected 2 timestamps"):
        to_signals(SignalArrays.empty(2), instrument, strategy, np.zeros(3, np.int64))
