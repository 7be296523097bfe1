"""Compile the numba kernels runs use into numba's on-disk cache ahead of the first run.

Numba compiles a kernel the first time a process calls it and caches the machine code
next to the module (`__pycache__`); with the cache on disk a later process only loads
it. Without this step the first backtest after an install pays the whole compilation
(about 20-30 s on a 2-core machine). `warm_kernels` runs small real workloads through
every path a backtest, paper run, journal and report take, on the bundled data and a
seeded random walk, so that every kernel they use is compiled once, here.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["warm_kernels"]

_WINDOW = {"start": "2015-01-01", "end": "2015-09-30"}


def warm_kernels(on_step: Callable[[str], None] | None = None) -> float:
    """Run every warm-up step; returns the seconds it took.

    Raises:
        TradewindError: the bundled data or a built-in strategy is unusable (a bug).
    """
    started = time.perf_counter()
    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("strategies and the engine loop", _single_strategies),
        ("a multi-market portfolio with capital routing", _portfolio),
        ("data import and validation", _data_import),
    )
    for label, step in steps:
        if on_step is not None:
            on_step(label)
        step()
    return time.perf_counter() - started


def _random_walk(n_bars: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, n_bars)))
    ts = pd.date_range("2020-01-01", periods=n_bars, freq="D", tz="UTC")
    return pd.DataFrame(
        {
            "timestamp": ts,
            "close_time": ts + pd.Timedelta(days=1),
            "open": np.r_[close[0], close[:-1]],
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": np.full(n_bars, 1_000.0),
        }
    )


def _single_strategies() -> None:
    from tradewind.app.journaling import journal_run
    from tradewind.engine.quick import run_single_strategy
    from tradewind.engine.setup import Costs, Sizing
    from tradewind.execution.models import CommissionModel, FillModel
    from tradewind.research.run_results import summarize_run
    from tradewind.strategies.registry import available

    frames = {"WARM": _random_walk()}
    costs = Costs(commission_model=CommissionModel.BPS, commission_bps=5.0, slippage_bps=2.0)
    for spec in available():
        for fill_model in (FillModel.NEXT_OPEN, FillModel.THIS_CLOSE):
            run = run_single_strategy(
                frames, spec, spec.default_config(), sizing=Sizing("fraction", 0.5),
                costs=costs, stop_loss_pct=0.05, take_profit_pct=0.1, fill_model=fill_model,
            )  # fmt: skip
            journal_run(run, summarize_run(run), ":memory:", config_json="{}")


def _portfolio() -> None:
    from tradewind.app.backtest import backtest_config
    from tradewind.config import TradewindConfig
    from tradewind.data.catalog import Catalog

    config = TradewindConfig.model_validate(_portfolio_config())
    with tempfile.TemporaryDirectory(prefix="tradewind-warmup-") as scratch:
        outcome = backtest_config(config, Catalog(scratch))
        outcome.results.write_report(Path(scratch) / "warmup.html", title="warm-up")


def _portfolio_config() -> dict[str, object]:
    return {
        "data": {**_WINDOW, "alignment": {"policy": "ffill", "max_staleness": "4d"}},
        "markets": {
            "crypto": {"provider": "sim", "symbols": ["BTC-USD"],
                       "strategies": ["sma_cross", "momentum_v1"], "risk_allocation_pct": 30},
            "equities": {"provider": "sim", "symbols": ["SPY", "XLK"],
                         "strategies": ["breakout_v1", "mean_reversion_v2"],
                         "risk_allocation_pct": 30},
            "commodities": {"provider": "sim", "symbols": ["WTI"],
                            "strategies": ["trend_following_v1", "breakout_v1"],
                            "risk_allocation_pct": 20},
            "bonds": {"provider": "sim", "symbols": ["TLT"],
                      "strategies": ["sma_cross", "mean_reversion_v2"], "risk_allocation_pct": 20},
        },
        "signal_aggregation": {
            "method": "CONSENSUS",
            "markets": {
                "crypto": {"method": "WEIGHTED"},
                "commodities": {"method": "PRIORITY",
                                "priorities": {"trend_following_v1": 2, "breakout_v1": 1}},
                "bonds": {"method": "INDEPENDENT"},
            },
        },
        "execution": {"sizing": {"mode": "fraction", "value": 0.1}, "stop_loss_pct": 8},
        "mmin": {"cross_market_signals_required": 1},
        "capital": {"strategy": "ADAPTIVE", "rebalance_every_bars": 21, "lookback_bars": 63},
        "autonomous_scaling": {"enabled": True},
        "backtest": {"journal": ":memory:"},
    }  # fmt: skip


def _data_import() -> None:
    from tradewind.data.catalog import Catalog

    frame = _random_walk(60)
    with tempfile.TemporaryDirectory(prefix="tradewind-warmup-") as scratch:
        source = Path(scratch) / "bars.csv"
        frame.drop(columns="close_time").to_csv(source, index=False)
        catalog = Catalog(Path(scratch) / "catalog", include_bundled=False)
        catalog.ingest(source, market="crypto", symbol="WARM-USD", timeframe="1d")
