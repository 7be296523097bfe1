"""Build an engine run for bar frames and one strategy: the `--data FILE` form and the
benchmarks. The config-driven composition lives in `tradewind.app`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import MarketPanel, panel_from_aligned, panel_from_frames_single
from tradewind.engine.setup import Costs, EngineSpec, MarketRun, Sizing, StrategyRun
from tradewind.execution.models import FillModel
from tradewind.risk.limits import RiskLimits, limits_vector
from tradewind.signals.aggregate import AggregationRule
from tradewind.strategies.api import BarWindow, StrategyConfig, StrategySpec

__all__ = ["panel_for_frames", "run_single_strategy"]


def panel_for_frames(frames: Mapping[str, pd.DataFrame], timeframe: str) -> MarketPanel:
    """One symbol: its own bars as rows; several: aligned (intersection) on `timeframe`."""
    if len(frames) == 1:
        ((symbol, frame),) = frames.items()
        return panel_from_frames_single(symbol, frame)
    # Imported here: alignment loads the trading calendars (about 0.15 s).
    from tradewind.data.align import align

    return panel_from_aligned(align(frames, timeframe=timeframe, policy="intersection"))


def run_single_strategy(
    frames: Mapping[str, pd.DataFrame],
    spec: StrategySpec,  # type: ignore[type-arg]
    config: StrategyConfig,
    *,
    timeframe: str = "1d",
    initial_cash: float = 1_000_000.0,
    sizing: Sizing | None = None,
    costs: Costs | None = None,
    stop_loss_pct: float = np.nan,
    take_profit_pct: float = np.nan,
    fill_model: FillModel = FillModel.NEXT_OPEN,
    market: str = "data",
    cash_account: bool = True,
) -> EngineRun:
    """Run one strategy over every frame in one portfolio, with no risk limits but the
    account's: a cash account (default) buys only with its cash and never sells short;
    a margin account (`cash_account=False`) may borrow without limit."""
    panel = panel_for_frames(frames, timeframe)
    windows = {
        symbol: BarWindow.from_frame(panel.window_frame(symbol, frame))
        for symbol, frame in frames.items()
    }
    run = MarketRun(
        name=market,
        symbols=tuple(frames),
        strategies=(StrategyRun(spec, config),),
        rule=AggregationRule(threshold=1.0),
        sizing=sizing or Sizing(),
        stop_loss_pct=stop_loss_pct,
        take_profit_pct=take_profit_pct,
        costs=costs or Costs(),
    )
    limits = RiskLimits(
        global_=limits_vector(cash_account=1.0 if cash_account else 0.0),
        markets=np.zeros((0, 0)),
        strategies=np.zeros((0, 0)),
        market_names=(market,),
        strategy_names=(spec.name,),
    )
    engine_spec = EngineSpec(
        markets=(run,), limits=limits, initial_cash=initial_cash, fill_model=fill_model
    )
    return run_engine(panel, windows, engine_spec)
