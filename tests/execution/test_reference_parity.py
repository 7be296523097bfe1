"""The stop rule reproduces the peer-parity reference on real bundled data.

The benchmark reference (`tests/engine/reference.py`, copied from the shared bench) runs
SMA(10/50) crosses, 10 units, 0.1 % commission and a protective stop 2 % below the
entry fill. Here the same strategy is stepped bar by bar with the execution models,
as the engine kernel will; entries, stop-outs and P&L must match exactly.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import tests.engine.reference as reference_module

from tradewind.data.catalog import Catalog
from tradewind.execution import (
    CommissionModel,
    FillModel,
    commission,
    commission_params,
    market_fill_price,
    protective_stop_fill,
)

SIZE, STOP, FEES = 10.0, 0.02, commission_params(bps=10)


def reference() -> ModuleType:
    return reference_module


def stepped(o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray) -> dict[str, float]:  # noqa: E741
    d = (pd.Series(c).rolling(10).mean() - pd.Series(c).rolling(50).mean()).to_numpy()
    up = np.zeros(len(c), bool)
    down = np.zeros(len(c), bool)
    up[1:] = (d[:-1] <= 0) & (d[1:] > 0)
    down[1:] = (d[:-1] >= 0) & (d[1:] < 0)
    cash, pos, entries, stops = 0.0, 0.0, 0, 0
    buy_next = sell_next = False
    entry_bar, stop = -1, np.nan
    bps = int(CommissionModel.BPS)
    for t in range(len(c)):
        if buy_next:  # market orders fill at this bar's open
            px = market_fill_price(FillModel.NEXT_OPEN, o[t], c[t - 1])
            cash -= SIZE * px + commission(bps, SIZE, px, 1.0, FEES)
            pos, entry_bar, stop, entries = SIZE, t, px * (1 - STOP), entries + 1
        elif sell_next:
            cash += SIZE * o[t] - commission(bps, SIZE, o[t], 1.0, FEES)
            pos = 0.0
        buy_next = sell_next = False
        if pos > 0:
            hit, price = protective_stop_fill(1, stop, o[t], h[t], l[t], t == entry_bar)
            if hit:
                cash += SIZE * price - commission(bps, SIZE, price, 1.0, FEES)
                pos, stops = 0.0, stops + 1
        if t + 1 < len(c):  # decisions at the close, filled at the next open
            buy_next = pos == 0 and bool(up[t])
            sell_next = pos > 0 and bool(down[t])
    return {"entries": entries, "stops": stops, "pnl": cash + pos * c[-1]}


@pytest.mark.parametrize(("symbol", "timeframe"), [("AAPL", "1d"), ("BTC-USD", "1h")])
def test_stepped_stop_rule_matches_the_reference(symbol: str, timeframe: str) -> None:
    ref = reference()
    bars = Catalog(include_bundled=True).load_bars(symbol, timeframe=timeframe)
    o, h, l, c = (bars[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close"))  # noqa: E741
    expected = ref.run_symbol(o, h, l, c, commission=0.001, stop=STOP)
    got = stepped(o, h, l, c)
    assert expected["stops"] > 5  # the data exercises the stop
    assert got["entries"] == expected["entries"]
    assert got["stops"] == expected["stops"]
    assert got["pnl"] == pytest.approx(expected["pnl"], rel=1e-9, abs=1e-6)
