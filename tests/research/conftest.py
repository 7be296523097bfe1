"""Real bundled bars and a deterministic multi-market trade scenario built on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tradewind.data.catalog import Catalog
from tradewind.data.schema import BarArrays
from tradewind.research import TradeArrays

SCENARIO_SYMBOLS = (("AAPL", "equities"), ("MSFT", "equities"), ("TLT", "bonds"), ("IEF", "bonds"))
MARKETS = ("equities", "bonds")
STRATEGIES = ("trend", "carry", "meanrev")


def load_daily(symbol: str, market: str) -> BarArrays:
    """A bundled daily series (real market data), never the user's catalog."""
    return Catalog("/nonexistent-user-catalog").load_arrays(symbol, market=market, timeframe="1d")


@pytest.fixture(scope="session")
def spx() -> BarArrays:
    return load_daily("SPX", "equities")


@pytest.fixture(scope="session")
def btc() -> BarArrays:
    return load_daily("BTC-USD", "crypto")


@dataclass(frozen=True)
class Scenario:
    """Four XNYS symbols on their common dates, round trips every 20 bars, cash-accounted."""

    timestamps: np.ndarray
    close: np.ndarray  # (rows, symbols)
    equity: np.ndarray
    trades: TradeArrays
    gross_exposure: np.ndarray
    traded_notional: np.ndarray
    start_equity: float


def build_scenario() -> Scenario:
    series = [load_daily(symbol, market) for symbol, market in SCENARIO_SYMBOLS]
    common = series[0].timestamp
    for bars in series[1:]:
        common = np.intersect1d(common, bars.timestamp)
    common = common[-1000:]
    close = np.column_stack(
        [bars.close[np.searchsorted(bars.timestamp, common)] for bars in series]
    )
    rows, n_symbols = close.shape
    start_equity = 100_000.0

    # Symbol s enters at rows 5 + s + 20k and holds 7 + s bars; sides alternate.
    entry, exit_, symbol = [], [], []
    for s in range(n_symbols):
        starts = np.arange(5 + s, rows - 30, 20)
        entry.append(starts)
        exit_.append(starts + 7 + s)
        symbol.append(np.full(starts.size, s))
    entry_row = np.concatenate(entry)
    exit_row = np.concatenate(exit_)
    sym = np.concatenate(symbol)
    order = np.argsort(entry_row, kind="stable")
    entry_row, exit_row, sym = entry_row[order], exit_row[order], sym[order]
    # The very last trade stays open to the end.
    exit_row[-1] = rows
    n = entry_row.size
    side = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    entry_price = close[entry_row, sym]
    qty = side * np.floor(20_000.0 / entry_price)
    is_open = exit_row >= rows
    exit_price = np.where(is_open, np.nan, close[np.minimum(exit_row, rows - 1), sym])
    commission = np.where(is_open, 0.0, 1.5)
    pnl = np.where(is_open, qty * (close[-1, sym] - entry_price), qty * (exit_price - entry_price))
    pnl = pnl - commission
    strategy = np.array([1, 2, 4, 3])[np.arange(n) % 4]  # the 4th trade is shared by two
    market = np.array([0, 0, 1, 1])[sym]
    exit_ts = np.where(is_open, np.iinfo(np.int64).min, common[np.minimum(exit_row, rows - 1)])
    trades = TradeArrays(
        common[entry_row],
        exit_ts,
        sym,
        market,
        strategy,
        qty,
        entry_price,
        exit_price,
        pnl,
        commission,
    )

    # Cash accounting, independent of the research code: positions x closes + cash.
    position = np.zeros((rows + 1, n_symbols))
    np.add.at(position, (entry_row, sym), qty)
    np.add.at(position, (exit_row, sym), -qty)
    position = np.cumsum(position, axis=0)[:rows]
    cash_flow = np.zeros(rows + 1)
    np.add.at(cash_flow, entry_row, -qty * entry_price)
    closed = ~is_open
    np.add.at(cash_flow, exit_row[closed], qty[closed] * exit_price[closed] - commission[closed])
    cash = start_equity + np.cumsum(cash_flow)[:rows]
    equity = cash + (position * close).sum(axis=1)
    gross = np.abs(position * close).sum(axis=1)
    notional = np.zeros(rows + 1)
    np.add.at(notional, entry_row, np.abs(qty * entry_price))
    np.add.at(notional, exit_row[closed], np.abs(qty[closed] * exit_price[closed]))
    return Scenario(common, close, equity, trades, gross, notional[:rows], start_equity)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return build_scenario()
