"""The engine: one compiled event loop for backtest, paper and advisory runs."""

from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import MarketPanel, panel_from_aligned, panel_from_frames_single
from tradewind.engine.setup import Costs, EngineSpec, MarketRun, Sizing, StrategyRun

__all__ = [
    "Costs",
    "EngineRun",
    "EngineSpec",
    "MarketPanel",
    "MarketRun",
    "Sizing",
    "StrategyRun",
    "panel_from_aligned",
    "panel_from_frames_single",
    "run_engine",
]
