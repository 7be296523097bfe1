"""What the capital router knows about each market at a rebalance: trailing figures.

Per market, from rows before the rebalance only: the strategies' own return (each
book's target held over the next bar, averaged over the market's books), the market's
underlying return (mean log return of its symbols), and how many entries its
strategies signalled. The router's factors come from these: Sharpe, win rate and
profit factor of the strategy returns, opportunity count, and correlations and risk of
the underlying returns (for correlation diversity, risk parity and HRP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tradewind.engine.books import BookSet
from tradewind.engine.panel import MarketPanel

__all__ = ["MarketHistory"]

_YEAR_NS = 365.25 * 86_400 * 1e9
_MAX_PROFIT_FACTOR = 10.0


@dataclass(slots=True)
class MarketHistory:
    """T x M series the router's market metrics are cut from."""

    markets: tuple[str, ...]
    strategy_returns: np.ndarray
    underlying_returns: np.ndarray
    entries: np.ndarray
    rows_per_year: float

    symbol_log: np.ndarray
    """T x N log return of each symbol's mark from the row before (0 where unknown)."""
    filled_rows: int = 0
    """The strategy returns and entries are known for the rows before this one."""

    @classmethod
    def build(cls, panel: MarketPanel, books: BookSet, markets: tuple[str, ...]) -> MarketHistory:
        """The history of `panel`; the books' part (strategy returns, entries) is read
        as far as `fill_to` is asked, so books filled row by row (a paper run) work."""
        n_rows, _ = panel.shape
        n_markets = len(markets)
        with np.errstate(invalid="ignore", divide="ignore"):
            log_mark = np.log(panel.mark)
        symbol_log = np.zeros_like(log_mark)
        symbol_log[1:] = np.nan_to_num(log_mark[1:] - log_mark[:-1], nan=0.0)
        underlying = np.zeros((n_rows, n_markets))
        members = np.zeros(n_markets)
        for n, m in dict(zip(books.symbol.tolist(), books.market.tolist(), strict=True)).items():
            underlying[:, m] += symbol_log[:, n]
            members[m] += 1
        underlying /= np.maximum(members, 1.0)
        span = float(panel.timestamps[-1] - panel.timestamps[0]) if n_rows > 1 else 0.0
        rows_per_year = (n_rows - 1) / (span / _YEAR_NS) if span > 0 else 252.0
        strategy = np.zeros((n_rows, n_markets))
        entries = np.zeros((n_rows, n_markets))
        return cls(markets, strategy, underlying, entries, rows_per_year, symbol_log)

    def fill_to(self, books: BookSet, stop: int) -> None:
        """Read the books' strategy returns and entries for the rows before `stop` (each
        row once; row r reads the books' columns r - 1 and r)."""
        start = self.filled_rows
        if stop <= start:
            return
        rows = slice(start, stop)
        strategy, entries = self.strategy_returns[rows], self.entries[rows]
        book_count = np.zeros(len(self.markets))
        for k in range(len(books.symbol)):
            m, n = int(books.market[k]), int(books.symbol[k])
            held = np.zeros(stop - start)
            held[1 if start == 0 else 0 :] = np.sign(books.target[k, max(start - 1, 0) : stop - 1])
            strategy[:, m] += held * self.symbol_log[rows, n]
            entries[:, m] += books.edge[k, rows] & (books.target[k, rows] != 0)
            book_count[m] += 1
        strategy /= np.maximum(book_count, 1.0)
        self.filled_rows = stop

    def metrics(self, t: int, lookback_rows: int) -> tuple[dict[str, dict[str, Any]], pd.DataFrame]:
        """Router inputs from rows `[t - lookback_rows, t)`: per-market metrics (with
        `returns`, the underlying returns) and the markets' correlation matrix (call
        `fill_to(books, t)` first)."""
        start = max(0, t - lookback_rows)
        strategy = self.strategy_returns[start:t]
        underlying = self.underlying_returns[start:t]
        metrics: dict[str, dict[str, Any]] = {}
        for m, market in enumerate(self.markets):
            metrics[market] = {
                **_performance(strategy[:, m], self.rows_per_year),
                "opportunity_count": int(self.entries[start:t, m].sum()),
                "returns": pd.Series(underlying[:, m]),
            }
        frame = pd.DataFrame(underlying, columns=list(self.markets))
        correlations = (
            frame.corr()
            if len(frame) > 2
            else pd.DataFrame(
                np.eye(len(self.markets)), index=list(self.markets), columns=list(self.markets)
            )
        )
        return metrics, correlations.fillna(0.0)


def _performance(returns: np.ndarray, rows_per_year: float) -> dict[str, float]:
    active = returns[returns != 0.0]
    if len(active) < 2:
        return {"sharpe_ratio": 0.0, "win_rate": 0.5, "profit_factor": 1.0}
    deviation = float(returns.std(ddof=1))
    sharpe = float(returns.mean()) / deviation * np.sqrt(rows_per_year) if deviation > 0 else 0.0
    gains = float(active[active > 0].sum())
    losses = float(-active[active < 0].sum())
    factor = gains / losses if losses > 0 else (_MAX_PROFIT_FACTOR if gains > 0 else 1.0)
    return {
        "sharpe_ratio": sharpe,
        "win_rate": float((active > 0).mean()),
        "profit_factor": min(factor, _MAX_PROFIT_FACTOR),
    }
