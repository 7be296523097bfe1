"""Accounts in one currency, instruments quoted in another: converted at the data's rate."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.engine.fx import FxError, value_scale
from tradewind.engine.panel import MarketPanel


def _panel(symbols: tuple[str, ...], close: np.ndarray) -> MarketPanel:
    rows = close.shape[0]
    ts = (np.arange(rows, dtype=np.int64) + 1) * 86_400_000_000_000
    index = np.arange(rows, dtype=np.int64)
    return MarketPanel(
        timestamps=ts, symbols=symbols, open=close, high=close, low=close, close=close,
        mark=close, fresh=np.ones(close.shape, dtype=bool),
        bar_rows=dict.fromkeys(symbols, index), bar_times=dict.fromkeys(symbols, ts),
    )  # fmt: skip


def test_jpy_quoted_instrument_is_valued_in_usd_at_each_rows_rate():
    close = np.array([[110.0, 20_000.0], [100.0, 20_000.0], [125.0, 21_000.0]])
    panel = _panel(("USD-JPY", "NIKKEI"), close)
    scale = value_scale(panel, np.array([1.0, 1.0]), {"NIKKEI": "JPY"}, "USD")
    assert scale[:, 0] == pytest.approx([1.0, 1.0, 1.0])
    assert scale[:, 1] == pytest.approx([1 / 110, 1 / 100, 1 / 125])
    # 10 units are worth 10 x 20,000 JPY / 110 JPY per USD on the first row.
    assert 10 * close[0, 1] * scale[0, 1] == pytest.approx(1818.1818, rel=1e-6)


def test_direct_pair_and_contract_multiplier_combine():
    close = np.array([[1.10, 100.0], [1.20, 101.0]])
    panel = _panel(("EUR-USD", "BUND"), close)
    scale = value_scale(panel, np.array([1.0, 10.0]), {"BUND": "EUR"}, "USD")
    assert scale[:, 1] == pytest.approx([11.0, 12.0])


def test_missing_rate_is_a_clear_error():
    panel = _panel(("NIKKEI",), np.array([[20_000.0]]))
    with pytest.raises(
        FxError, match="NIKKEI is quoted in JPY but the run has no JPY-USD or USD-JPY"
    ):
        value_scale(panel, np.array([1.0]), {"NIKKEI": "JPY"}, "USD")
