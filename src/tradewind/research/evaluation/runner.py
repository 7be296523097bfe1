"""What the evaluations need from a backtest, passed in by the caller (app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.engine.backtest import EngineRun
from tradewind.research.run_results import RunResults

__all__ = ["BacktestOutcomeLike", "BacktestRunner"]


class BacktestOutcomeLike(Protocol):
    """A finished backtest: the engine's run and its statistics."""

    @property
    def run(self) -> EngineRun: ...

    @property
    def results(self) -> RunResults: ...


BacktestRunner = Callable[[TradewindConfig, Catalog], BacktestOutcomeLike]
"""Backtests every enabled market of a config over a catalog
(`tradewind.app.backtest.backtest_config`)."""
