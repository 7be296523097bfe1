#!/usr/bin/env python3
"""Engine benchmark on the peer workloads (see the shared bench harness README).

W1: SMA(10)/SMA(50) long/flat, 10 units, cash 1,000,000, market orders at the next
open, 1 symbol x 1,000,000 1-minute bars. W2: the same on 100 symbols x 10,000 bars in
ONE portfolio. W3: W1 + 0.1% commission + a resting 2% stop from the fill bar on.

The full path runs: strategy signals, CONSENSUS aggregation, the risk check on every
order, the compiled loop with its in-memory order/fill log, round trips, statistics,
and (default) writing the whole run into a SQLite journal in memory. Prints one
`RESULT {json}` line like the peer scripts: t_load (read Parquet + normalize), t_run
(everything else, first run in the process), t_total (both, imports excluded as in the
peer scripts: `t_import` reports them), and for the fastest of `--warm`
repetitions t_run_warm with its phases t_engine / t_results / t_journal.

Usage: python bench/engine_bench.py {w1,w2,w3} [--bars N] [--symbols N] [--warm K]
       [--data DIR] [--no-journal]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(workload: str, data: Path, bars: int | None, symbols: int | None) -> dict:
    import pandas as pd

    if not (data / "w1.parquet").exists():
        sys.path.insert(0, str(HERE))
        from bench_data_gen import generate

        generate(data)
    frames = {}
    if workload == "w2":
        long = pd.read_parquet(data / "w2.parquet")
        for name, group in long.groupby("symbol", sort=True):
            if symbols is not None and len(frames) >= symbols:
                break
            frames[name] = _normalize(group.iloc[:bars] if bars else group)
    else:
        frames["W1"] = _normalize(pd.read_parquet(data / "w1.parquet").iloc[:bars])
    return frames


def _normalize(frame):  # type: ignore[no-untyped-def]
    import pandas as pd

    ts = pd.DatetimeIndex(frame["timestamp"]).tz_convert("UTC")
    return pd.DataFrame(
        {
            "timestamp": ts,
            "close_time": ts + pd.Timedelta(minutes=1),
            **{c: frame[c].to_numpy("float64") for c in ("open", "high", "low", "close")},
            "volume": frame["volume"].to_numpy("float64"),
        }
    )


def _run_once(workload: str, frames: dict, journal: bool) -> dict:
    import numpy as np

    from tradewind.engine.quick import run_single_strategy
    from tradewind.engine.setup import Costs, Sizing
    from tradewind.execution.models import CommissionModel
    from tradewind.research.run_results import summarize_run
    from tradewind.strategies.registry import get_strategy

    spec = get_strategy("sma_cross")
    w3 = workload == "w3"
    t0 = time.perf_counter()
    run = run_single_strategy(
        frames,
        spec,
        spec.default_config(),
        timeframe="1m",
        sizing=Sizing("units", 10.0),
        costs=Costs(commission_model=CommissionModel.BPS, commission_bps=10.0) if w3 else None,
        stop_loss_pct=0.02 if w3 else np.nan,
        market="bench",
    )
    t1 = time.perf_counter()
    results = summarize_run(run)
    t2 = time.perf_counter()
    if journal:
        from tradewind.app.journaling import journal_run

        journal_run(run, results, ":memory:", config_json="{}", digest=False)
    t3 = time.perf_counter()
    return {
        "entries": run.entries,
        "open_positions": len(run.open_trades),
        "stops": int((run.fills["kind"] == "stop_loss").sum()) if len(run.fills) else 0,
        "final_equity": round(run.final_equity, 4),
        "t_engine": round(t1 - t0, 4),
        "t_results": round(t2 - t1, 4),
        "t_journal": round(t3 - t2, 4),
    }


def _import_all(journal: bool) -> None:
    # The shared harness's convention: imports are not part of load or run.
    import pandas  # noqa: F401

    import tradewind.engine.quick
    import tradewind.research.run_results
    import tradewind.strategies.registry

    if journal:
        import tradewind.app.journaling  # noqa: F401


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["w1", "w2", "w3"])
    parser.add_argument("--bars", type=int, default=None, help="first N bars (per symbol)")
    parser.add_argument("--symbols", type=int, default=None, help="W2: first N symbols")
    parser.add_argument("--warm", type=int, default=1, help="extra in-process repetitions")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--no-journal", dest="journal", action="store_false")
    args = parser.parse_args(argv)

    t_import = time.perf_counter()
    _import_all(args.journal)
    t0 = time.perf_counter()
    frames = _load(args.workload, args.data, args.bars, args.symbols)
    t1 = time.perf_counter()
    first = _run_once(args.workload, frames, args.journal)
    t2 = time.perf_counter()
    warm = []
    for _ in range(args.warm):
        start = time.perf_counter()
        phases = _run_once(args.workload, frames, args.journal)
        warm.append((time.perf_counter() - start, phases))
    bars = sum(len(f) for f in frames.values())
    result = {
        "engine": "tradewind",
        "workload": args.workload,
        "bars": bars,
        "symbols": len(frames),
        "journal": "sqlite-memory" if args.journal else "off",
        "t_import": round(t0 - t_import, 4),
        "t_load": round(t1 - t0, 4),
        "t_run": round(t2 - t1, 4),
        "t_total": round(t2 - t0, 4),
        "t_run_warm": round(min(w[0] for w in warm), 4) if warm else None,
        "warm_phases": min(warm, key=lambda w: w[0])[1] if warm else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **first,
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
