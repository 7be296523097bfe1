"""Composition roots of backtests: a config over the catalog, or one data file."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import PreparedData, prepare_market_data
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.market import MarketClass
from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import panel_from_aligned
from tradewind.engine.quick import run_single_strategy
from tradewind.engine.setup import Costs, Sizing
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.research.run_results import RunResults, summarize_run
from tradewind.strategies.api import BarWindow
from tradewind.strategies.registry import get_strategy

__all__ = ["BacktestOutcome", "backtest_config", "backtest_data_file"]


@dataclass(frozen=True, slots=True)
class BacktestOutcome:
    """A finished run with its statistics (and the prepared data for config runs)."""

    run: EngineRun
    results: RunResults
    prepared: PreparedData | None = None


def backtest_config(
    config: TradewindConfig,
    catalog: Catalog,
    *,
    on_series: Callable[[str], None] | None = None,
) -> BacktestOutcome:
    """Backtest every enabled market of `config` over the catalog in one portfolio.

    Raises:
        TradewindError: missing data, bad strategy parameters or risk settings.
    """
    prepared = prepare_market_data(config, catalog, on_series=on_series)
    keys = {(s.market, s.symbol): s.key for s in prepared.series}
    spec = engine_spec_from_config(config, keys)
    panel = panel_from_aligned(prepared.panel)
    windows = {
        key: BarWindow.from_frame(panel.window_frame(key, frame))
        for key, frame in prepared.frames.items()
    }
    run = run_engine(panel, windows, spec)
    return BacktestOutcome(run=run, results=summarize_run(run), prepared=prepared)


def backtest_data_file(
    path: Path,
    *,
    strategy: str,
    params: Mapping[str, str],
    symbol: str | None = None,
    market: str = "crypto",
    timeframe: str = "1d",
    initial_cash: float = 1_000_000.0,
    size: float = 1.0,
    size_mode: str = "units",
    commission_bps: float = 0.0,
    stop_loss_pct: float | None = None,
    take_profit_pct: float | None = None,
    fill_model: str = "next_open",
) -> BacktestOutcome:
    """Backtest one strategy over one bar file (CSV or Parquet), validated on import.

    Raises:
        TradewindError: an unusable file, unknown strategy or bad parameter.
    """
    spec = get_strategy(strategy)
    config = spec.config_from_params(params)
    name = symbol or path.stem.split(".")[0].upper()
    with tempfile.TemporaryDirectory(prefix="tradewind-data-") as scratch:
        catalog = Catalog(scratch, include_bundled=False)
        catalog.ingest(path, market=MarketClass.parse(market), symbol=name, timeframe=timeframe)
        frame = catalog.load_bars(name)
    run = run_single_strategy(
        {name: frame},
        spec,
        config,
        timeframe=timeframe,
        initial_cash=initial_cash,
        sizing=Sizing(size_mode, size),
        costs=Costs(
            commission_model=CommissionModel.BPS if commission_bps else CommissionModel.NONE,
            commission_bps=commission_bps,
        ),
        stop_loss_pct=np.nan if stop_loss_pct is None else stop_loss_pct,
        take_profit_pct=np.nan if take_profit_pct is None else take_profit_pct,
        fill_model=FillModel.parse(fill_model),
        market=market,
    )
    return BacktestOutcome(run=run, results=summarize_run(run))
