#!/usr/bin/env python3
"""Paper/live decision latency: bar in -> orders out, per bar, for 10, 100 and 1,000 symbols.

Per bar (one row of the panel), as a paper session steps it: the books' column for the
row is filled from the bars that just closed (`engine.stream_books.BookStream.advance`:
every symbol's streaming strategies, one compiled call per strategy for all symbols,
then aggregation, stop/take levels and the row's signal records), then the engine
decides the row (`engine.inputs.run_rows(t, t + 1, ...)` on a `KernelState`: risk,
sizing, order intents and their simulated fills).

Data: the six bundled daily OHLCV series (BTC-USD, ETH-USD, LTC-USD, AAPL, COMP, SPX),
their last `--bars` bars put on one common daily timeline and tiled (copies of the same
six series under new names) to reach 10, 100 and 1,000 symbols.

Also: a paper session (`app.session.TradingSession` on `examples/backtest.yaml`, journal
in a temporary SQLite file, books streamed row by row from the replay feed) over N and
2N rows, and the ratio of the two run times (linear in rows: about 2).

Usage: python bench/decision_latency_bench.py [--sizes 10,100,1000] [--bars 700]
       [--strategies sma_cross,breakout_v1] [--no-paper]
Prints one `RESULT {json}` line per measurement.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
OHLCV_DAILY = ("BTC-USD", "ETH-USD", "LTC-USD", "AAPL", "COMP", "SPX")
PRICES = ("open", "high", "low", "close", "volume")


def _frames(n_symbols: int, n_bars: int) -> dict[str, Any]:
    """`n_symbols` frames of `n_bars` daily bars: the bundled OHLCV series, tiled."""
    import pandas as pd

    from tradewind.data.catalog import Catalog

    catalog = Catalog(include_bundled=True)
    stamps = pd.date_range("2000-01-03", periods=n_bars, freq="D", tz="UTC")
    sources = {}
    for symbol in OHLCV_DAILY:
        bars = catalog.load_bars(symbol, timeframe="1d").iloc[-n_bars:]
        if len(bars) < n_bars:
            raise SystemExit(f"{symbol} has {len(bars)} daily bars, fewer than --bars {n_bars}")
        frame = pd.DataFrame({c: bars[c].to_numpy("float64") for c in PRICES})
        frame.insert(0, "timestamp", stamps)
        frame.insert(1, "close_time", stamps + pd.Timedelta(days=1))
        sources[symbol] = frame
    return {f"{OHLCV_DAILY[i % 6]}_{i:04d}": sources[OHLCV_DAILY[i % 6]] for i in range(n_symbols)}


def _engine(frames: dict[str, Any], strategy_names: list[str]) -> dict[str, Any]:
    """Panel, spec, an empty book stream, inputs and a fresh state, as a paper session."""
    from tradewind.engine.correlation import panel_correlations
    from tradewind.engine.inputs import kernel_inputs
    from tradewind.engine.quick import panel_for_frames
    from tradewind.engine.setup import EngineSpec, MarketRun, StrategyRun
    from tradewind.engine.state import KernelState
    from tradewind.engine.stream_books import open_book_stream
    from tradewind.risk.ladder import initial_state_vector
    from tradewind.risk.limits import RiskLimits, limits_vector
    from tradewind.signals.aggregate import AggregationRule
    from tradewind.strategies.registry import get_strategy

    panel = panel_for_frames(frames, "1d")
    specs = [get_strategy(name) for name in strategy_names]
    run = MarketRun(
        name="bench",
        symbols=tuple(frames),
        strategies=tuple(StrategyRun(s, s.default_config()) for s in specs),
        rule=AggregationRule(threshold=0.5),
    )
    limits = RiskLimits(
        global_=limits_vector(cash_account=1.0),
        markets=np.zeros((0, 0)),
        strategies=np.zeros((0, 0)),
        market_names=("bench",),
        strategy_names=tuple(strategy_names),
    )
    spec = EngineSpec(markets=(run,), limits=limits, initial_cash=1_000_000.0)
    correlations = panel_correlations(panel, spec)
    n_rows, n_symbols = panel.shape
    stream = open_book_stream(n_rows, panel.symbols, spec, tuple(strategy_names), correlations)
    n_books = len(stream.books.symbol)
    state = KernelState.allocate(
        n_rows=n_rows,
        n_symbols=n_symbols,
        n_books=n_books,
        capacity=4 * (3 * n_books + 16),  # grown before each row, as a session does
        initial_cash=1_000_000.0,
    )
    return {
        "panel": panel,
        "spec": spec,
        "stream": stream,
        "inputs": kernel_inputs(panel, spec, correlations),
        "state": state,
        "risk_state": initial_state_vector(),
    }


def _latency(n_symbols: int, n_bars: int, strategy_names: list[str]) -> dict[str, Any]:
    from tradewind.engine.inputs import run_rows

    frames = _frames(n_symbols, n_bars)
    e = _engine(frames, strategy_names)
    prices = np.stack([np.stack([f[c].to_numpy() for f in frames.values()]) for c in PRICES])
    prices = np.ascontiguousarray(prices.transpose(2, 0, 1))  # (bars, 5, symbols)
    stamps = np.stack([f["timestamp"].to_numpy("datetime64[ns]") for f in frames.values()])
    stamps = np.ascontiguousarray(stamps.T.astype(np.int64))  # (bars, symbols)
    spec, stream, inputs, state = e["spec"], e["stream"], e["inputs"], e["state"]
    panel, books = e["panel"], e["stream"].books
    n_strategies, limits = len(strategy_names), spec.limits.markets
    per_bar = np.empty(n_bars)
    books_s = np.empty(n_bars)
    for t in range(n_bars):
        start = time.perf_counter()
        stream.advance(t, panel.fresh[t], prices[t], stamps[t])
        middle = time.perf_counter()
        state.ensure_free(3 * len(books.symbol) + 16)
        run_rows(t, t + 1, panel, spec, inputs, books, n_strategies, limits, e["risk_state"], state)
        end = time.perf_counter()
        per_bar[t], books_s[t] = end - start, middle - start
    timed = slice(5, None)  # the first rows pay first-call costs
    return {
        "measure": "decision_latency",
        "symbols": n_symbols,
        "bars": n_bars,
        "strategies": strategy_names,
        "orders": int(e["state"].n_orders),
        "p50_ms": round(float(np.percentile(per_bar[timed], 50)) * 1e3, 4),
        "p99_ms": round(float(np.percentile(per_bar[timed], 99)) * 1e3, 4),
        "max_ms": round(float(per_bar[timed].max()) * 1e3, 4),
        "books_p50_ms": round(float(np.percentile(books_s[timed], 50)) * 1e3, 4),
        "books_p99_ms": round(float(np.percentile(books_s[timed], 99)) * 1e3, 4),
    }


def _paper(end: str) -> dict[str, Any]:
    from tradewind.app.session import TradingSession
    from tradewind.config import load_config
    from tradewind.data.catalog import Catalog

    config = load_config(HERE.parent / "examples" / "backtest.yaml", apply_env=False)
    window = config.data.model_copy(update={"end": date.fromisoformat(end)})
    config = config.model_copy(update={"data": window})
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        session = TradingSession(config, Catalog(Path(scratch) / "c"), Path(scratch) / "j.sqlite")
        built = time.perf_counter()
        report = session.run()
        done = time.perf_counter()
    return {"rows": report.rows, "t_setup": built - start, "t_run": done - built}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--bars", type=int, default=700)
    parser.add_argument("--strategies", default="sma_cross,breakout_v1")
    parser.add_argument("--no-paper", dest="paper", action="store_false")
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.strategies.split(",") if s.strip()]
    _latency(10, 60, names)  # load the compiled kernels once before measuring
    for size in (int(s) for s in args.sizes.split(",")):
        print("RESULT " + json.dumps(_latency(size, args.bars, names)), flush=True)
    if args.paper:
        _paper("2015-03-01")  # warm-up (imports, kernels)
        half, full = _paper("2015-09-14"), _paper("2016-06-30")
        ratio_rows = full["rows"] / half["rows"]
        result = {
            "measure": "paper_rows_scaling",
            "rows": [half["rows"], full["rows"]],
            "t_run_s": [round(half["t_run"], 3), round(full["t_run"], 3)],
            "t_setup_s": [round(half["t_setup"], 3), round(full["t_setup"], 3)],
            "rows_ratio": round(ratio_rows, 3),
            "time_ratio": round(full["t_run"] / half["t_run"], 3),
        }
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
