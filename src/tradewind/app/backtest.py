"""Composition roots of backtests: a config over the catalog, or one data file."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import PreparedData, prepare_market_data
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.data.ingest import IngestReport, RejectedRowsError
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass
from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import panel_from_aligned
from tradewind.engine.quick import run_single_strategy
from tradewind.engine.setup import Costs, Sizing
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.research.run_results import RunResults, summarize_run
from tradewind.strategies.api import BarWindow
from tradewind.strategies.registry import get_strategy

__all__ = [
    "BacktestOutcome",
    "DataFileRun",
    "Sizing",
    "backtest_config",
    "backtest_data_file",
    "exit_percent",
]


@dataclass(frozen=True, slots=True)
class BacktestOutcome:
    """A finished run with its statistics (and the prepared data for config runs)."""

    run: EngineRun
    results: RunResults
    prepared: PreparedData | None = None
    ingest: IngestReport | None = None
    """How the bar file of a `--data` run was imported (None for config runs)."""


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


@dataclass(frozen=True, slots=True)
class DataFileRun:
    """One strategy over one bar file: what `tradewind backtest --data` runs.

    `stop_loss_pct` / `take_profit_pct` are percent of the entry price (2 = 2%, None =
    none); `cash_account` False makes it a margin account; `strict` refuses a file with
    any rejected row instead of running on the valid ones.
    """

    path: Path
    strategy: str
    params: Mapping[str, str]
    symbol: str | None = None
    market: str = "crypto"
    timeframe: str = "1d"
    initial_cash: float = 1_000_000.0
    sizing: Sizing = field(default_factory=Sizing)
    commission_bps: float = 0.0
    stop_loss_pct: float | None = None
    take_profit_pct: float | None = None
    fill_model: str = "next_open"
    cash_account: bool = True
    strict: bool = False


def backtest_data_file(request: DataFileRun) -> BacktestOutcome:
    """Backtest one strategy over one bar file (CSV or Parquet), validated on import;
    the outcome's `ingest` says which rows were rejected and why.

    Raises:
        TradewindError: an unusable file, unknown strategy or bad parameter; with
            `strict`, any rejected row.
    """
    spec = get_strategy(request.strategy)
    config = spec.config_from_params(request.params)
    name = request.symbol or request.path.stem.split(".")[0].upper()
    with tempfile.TemporaryDirectory(prefix="tradewind-data-") as scratch:
        catalog = Catalog(scratch, include_bundled=False)
        try:
            ingest = catalog.ingest(
                request.path,
                market=MarketClass.parse(request.market),
                symbol=name,
                timeframe=request.timeframe,
                strict=request.strict,
            )
        except RejectedRowsError as refused:
            raise DataError(_refusal(refused.report)) from None
        frame = catalog.load_bars(name)
    run = run_single_strategy(
        {name: frame},
        spec,
        config,
        timeframe=request.timeframe,
        initial_cash=request.initial_cash,
        sizing=request.sizing,
        costs=_bps_costs(request.commission_bps),
        stop_loss_pct=_fraction(request.stop_loss_pct),
        take_profit_pct=_fraction(request.take_profit_pct),
        fill_model=FillModel.parse(request.fill_model),
        market=request.market,
        cash_account=request.cash_account,
    )
    return BacktestOutcome(run=run, results=summarize_run(run), ingest=ingest)


def exit_percent(name: str, value: float, *, stop: bool) -> float:
    """A stop-loss (`stop`) or take-profit option in percent, within the bounds the config
    file has; refused when it is clearly a fraction (0.02 for 2%).

    Raises:
        ConfigError: out of bounds, or clearly a fraction; the message starts with `name`.
    """
    from tradewind.config import fieldtypes as f

    high = f.STOP_LOSS_PCT_HIGH if stop else f.TAKE_PROFIT_PCT_HIGH
    return f.check_percent(name, value, low=f.EXIT_PCT_LOW, high=high)


def _refusal(report: IngestReport) -> str:
    # The scratch catalog and its quarantine file are gone after the run: no path.
    return (
        f"{report.source_name}: {report.rejection_text(quarantine=False)}; nothing was run "
        "(--strict); `tradewind data import` keeps the rejected rows in a quarantine file"
    )


def _bps_costs(bps: float) -> Costs:
    model = CommissionModel.BPS if bps else CommissionModel.NONE
    return Costs(commission_model=model, commission_bps=bps)


def _fraction(percent: float | None) -> float:
    return np.nan if percent is None else percent / 100.0
