#!/usr/bin/env python3
"""Data-layer benchmark: generate + ingest + align N synthetic symbols x B bars.

Each size runs in a fresh child process so its peak RSS is its own. In the child:

* warm-up (untimed): a 6-symbol market is generated, ingested and aligned once so
  that numba kernels are compiled/loaded and imports are done;
* generate: `plan_market` + `iter_batches` (seeded synthetic market, float64 frames);
* ingest: every frame through the full validating `Catalog.ingest` into a temporary
  catalog (validation, quarantine check, Parquet + meta write);
* align: a fresh `Catalog` over that directory, `load_many` of every symbol (DuckDB),
  then `align(..., policy=FFILL, max_staleness=4 days)` onto one timeline;
* peak_rss_mb: `ru_maxrss` of the child (tracemalloc stays off).

Prints a table, one `RESULT {json}` line per size and how time and memory grow per
10x symbols. Not a pytest test: run `python bench/data_bench.py [--sizes 10,100,1000]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated symbol counts")
    parser.add_argument("--bars", type=int, default=10_000, help="master-clock bars per size")
    parser.add_argument("--timeframe", default="1h", help="bar timeframe (default 1h)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _run_market(spec: Any, root: Path, stale: str) -> dict[str, float]:
    """Generate, ingest and align one market; returns phase timings and row counts."""
    from tradewind.data.align import AlignPolicy, align
    from tradewind.data.catalog import Catalog
    from tradewind.data.synthetic import iter_batches
    from tradewind.data.synthetic.plan import plan_market

    catalog = Catalog(root, include_bundled=False)
    t_generate = t_ingest = 0.0
    rows = 0
    start = time.perf_counter()
    plan = plan_market(spec)
    batches = iter_batches(spec, plan=plan)
    t_generate += time.perf_counter() - start
    by_name = {sym.symbol: sym for sym in plan.symbols}
    while True:
        start = time.perf_counter()
        batch = next(batches, None)
        t_generate += time.perf_counter() - start
        if batch is None:
            break
        start = time.perf_counter()
        for symbol, frame in batch.items():
            sym = by_name[symbol]
            report = catalog.ingest(
                frame,
                market=sym.market,
                symbol=symbol,
                timeframe=spec.tf,
                calendar=sym.calendar,
                quote_type=sym.quote_type,
                source_name="data_bench",
            )
            if report.rejected:
                raise SystemExit(f"{symbol}: validation rejected {report.rejected} rows")
            rows += len(frame)
        t_ingest += time.perf_counter() - start
        del batch

    start = time.perf_counter()
    reader = Catalog(root, include_bundled=False)
    frames = reader.load_many([sym.symbol for sym in plan.symbols], timeframe=spec.tf)
    t_load = time.perf_counter() - start
    panel = align(frames, timeframe=spec.tf, policy=AlignPolicy.FFILL, max_staleness=stale)
    t_align = time.perf_counter() - start
    return {
        "t_generate": t_generate,
        "t_ingest": t_ingest,
        "t_load": t_load,
        "t_align": t_align,
        "rows": rows,
        "panel_rows": panel.shape[0],
    }


def _child(symbols: int, bars: int, timeframe: str, seed: int) -> None:
    from tradewind.data.synthetic import SyntheticSpec

    stale = "4D"  # covers weekends and holidays of session calendars
    with tempfile.TemporaryDirectory(prefix="tw-data-bench-") as tmp:
        warm = SyntheticSpec(n_symbols=6, n_bars=24 * 30, timeframe="1h", seed=seed, name="warm")
        _run_market(warm, Path(tmp) / "warm", stale)
        spec = SyntheticSpec(n_symbols=symbols, n_bars=bars, timeframe=timeframe, seed=seed)
        timings = _run_market(spec, Path(tmp) / "catalog", stale)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result = {
        "bench": "data",
        "symbols": symbols,
        "bars": bars,
        "timeframe": timeframe,
        "t_generate": round(timings["t_generate"], 3),
        "t_ingest": round(timings["t_ingest"], 3),
        "t_align": round(timings["t_align"], 3),
        "t_load": round(timings["t_load"], 3),
        "t_total": round(timings["t_generate"] + timings["t_ingest"] + timings["t_align"], 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "rows_ingested": int(timings["rows"]),
        "panel_rows": int(timings["panel_rows"]),
    }
    print("RESULT " + json.dumps(result), flush=True)


def _measure(symbols: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(symbols),
        "--bars",
        str(args.bars),
        "--timeframe",
        args.timeframe,
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child for {symbols} symbols failed with exit code {done.returncode}")
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            print(line, flush=True)
            parsed: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return parsed
    raise SystemExit(f"child for {symbols} symbols printed no RESULT line:\n{done.stdout}")


def _table(results: list[dict[str, Any]]) -> str:
    header = (
        "| symbols | bars | rows ingested | generate s | ingest s | load+align s "
        "| total s | peak RSS MB |"
    )
    lines = [header, "|" + "---|" * 8]
    for r in results:
        lines.append(
            f"| {r['symbols']:,} | {r['bars']:,} | {r['rows_ingested']:,} | {r['t_generate']:.2f} "
            f"| {r['t_ingest']:.2f} | {r['t_align']:.2f} | {r['t_total']:.2f} "
            f"| {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def _growth(results: list[dict[str, Any]]) -> str:
    lines = []
    for small, large in itertools.pairwise(results):
        factor = large["symbols"] / small["symbols"]
        parts = []
        for key, label in (
            ("t_generate", "generate"),
            ("t_ingest", "ingest"),
            ("t_align", "load+align"),
            ("t_total", "total"),
            ("peak_rss_mb", "peak RSS"),
        ):
            ratio = large[key] / small[key] if small[key] else math.inf
            exponent = math.log(ratio) / math.log(factor) if 0 < ratio < math.inf else math.nan
            parts.append(f"{label} x{ratio:.1f} (~N^{exponent:.2f})")
        lines.append(f"{small['symbols']} -> {large['symbols']} symbols: " + ", ".join(parts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    if args.child is not None:
        _child(args.child, args.bars, args.timeframe, args.seed)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = [_measure(n, args) for n in sizes]
    print()
    print(_table(results))
    if len(results) > 1:
        print()
        print("Growth per step (exponent 1.0 = linear in symbols):")
        print(_growth(results))


if __name__ == "__main__":
    main()
