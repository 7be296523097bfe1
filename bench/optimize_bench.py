#!/usr/bin/env python3
"""Sweep benchmark (issue 16): 100 SMA pairs on W1, `tradewind optimize` with 1 and 2
Dask workers, beside the same pairs as one vectorbt sweep.

W1 (bench_data_gen.py: 1 symbol x 1,000,000 1-minute bars, numpy seed 42) goes into a
temporary catalog as crypto W1-USD 1m; a temporary config runs only sma_cross on it:
10 units per position, cash 1,000,000, no costs, next-open fills. The real CLI runs as
a subprocess per worker count (one after another; the machine has 2 cores), then
`vectorbt_sweep.py` in its own virtualenv (bench/.venv-vectorbt, created when missing).

Prints one `RESULT {json}` line per measurement (`tradewind_sweep` per worker count,
`speedup`, `vectorbt_sweep`, `parity`) and a summary table.

Usage: python bench/optimize_bench.py [--bars N] [--workers 1,2] [--fast 5:50:5]
       [--slow 60:240:20] [--scheduler local] [--skip-vectorbt] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-vectorbt"
VBT_PINS = ("vectorbt==1.2.0", "numpy==2.4.6", "pandas==3.1.1", "pyarrow", "numba==0.68.1")
SYMBOL, MARKET = "W1-USD", "crypto"

CONFIG_YAML = """\
config_version: 1
base_currency: USD
mode: backtest
data:
  catalog_dir: {catalog}
  alignment: {{policy: ffill, max_staleness: 1h, timeline: 1m}}
markets:
  {market}:
    provider: sim
    symbols: [{symbol}]
    strategies: [sma_cross]
    strategy_params:
      sma_cross: {{fast: 10, slow: 50}}
    timeframe: 1m
    risk_allocation_pct: 100
signal_aggregation: {{method: CONSENSUS, consensus_threshold: 1.0}}
execution:
  sizing: {{mode: units, value: 10}}
  commission: {{model: none}}
  slippage_bps: 0
risk:
  global:
    max_position_size_pct: 100
    max_drawdown_pct: 100
    daily_loss_limit_pct: 100
mmin: {{enabled: false}}
backtest:
  initial_cash: 1000000
  fill_model: next_open
  journal: ":memory:"
"""


def prepare(work: Path, data: Path, bars: int | None) -> tuple[Path, Path, float]:
    """Ingest W1 (first `bars`) into `work`/catalog and write the config: (config,
    catalog, periods per year Tradewind infers for it)."""
    import pandas as pd

    from tradewind.data.catalog import Catalog
    from tradewind.research.metrics import infer_periods_per_year

    if not (data / "w1.parquet").exists():
        sys.path.insert(0, str(HERE))
        from bench_data_gen import generate

        generate(data)
    frame = pd.read_parquet(data / "w1.parquet").iloc[:bars]
    catalog = work / "catalog"
    report = Catalog(catalog, include_bundled=False).ingest(
        frame, market=MARKET, symbol=SYMBOL, timeframe="1m", source_name="optimize_bench"
    )
    if report.rejected:
        raise SystemExit(f"W1: validation rejected {report.rejected} rows")
    config = work / "w1.yaml"
    config.write_text(CONFIG_YAML.format(catalog=catalog, market=MARKET, symbol=SYMBOL))
    ts = pd.DatetimeIndex(frame["timestamp"]).as_unit("ns").asi8
    return config, catalog, infer_periods_per_year(ts)


def cli_options() -> set[str]:
    """Which of --scheduler/--workers/--journal `tradewind optimize` has."""
    shown = subprocess.run(
        ["tradewind", "optimize", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return {o for o in ("--scheduler", "--workers", "--journal") if o in shown}


def run_tradewind(
    work: Path, config: Path, catalog: Path, args: argparse.Namespace, workers: int | None
) -> dict[str, Any]:
    """One `tradewind optimize` process: its JSON, wall time and derived figures."""
    tag = f"w{workers}" if workers else "plain"
    out, journal = work / f"opt_{tag}.json", work / f"journal_{tag}.sqlite"
    command = ["tradewind", "optimize", "--config", str(config), "--catalog", str(catalog),
               "--strategy", "sma_cross", "--param", f"fast={args.fast}",
               "--param", f"slow={args.slow}", "--method", "grid", "--objective", "sharpe",
               "--json", str(out)]  # fmt: skip
    options = cli_options()
    if workers is not None:
        command += ["--scheduler", args.scheduler, "--workers", str(workers)]
    if "--journal" in options:
        for stale in journal.parent.glob(journal.name + "*"):
            stale.unlink(missing_ok=True)  # a fresh journal: no trial reused
        command += ["--journal", str(journal)]
    started, machine0, own0 = time.perf_counter(), _machine_cpu_s(), _children_cpu_s()
    done = subprocess.run(command, cwd=work, capture_output=True, text=True)
    wall_s = time.perf_counter() - started
    own_s, machine_s = _children_cpu_s() - own0, _machine_cpu_s() - machine0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}\nexit {done.returncode}:\n{done.stderr[-3000:]}")
    result = json.loads(out.read_text())
    return {"workers": workers, "command": " ".join(command), "wall_s": wall_s,
            "command_cpu_s": own_s, "other_cpu_s": max(machine_s - own_s, 0.0),
            **_throughput(result, workers or 1), "json": result}  # fmt: skip


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_cpu_s() -> float:
    # Busy CPU seconds of the whole machine (all processes): /proc/stat's first line.
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return math.nan
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _throughput(result: dict[str, Any], workers: int) -> dict[str, Any]:
    # Per task: the worker-seconds the search spent per run (search time x workers /
    # runs) against the engine time the worker measured for that run (trial seconds).
    ran = [t for t in result["trials"] if t["state"] == "complete" and t["seconds"] > 0]
    runs = len(ran)
    search_s = float(result["search_seconds"])
    engine_s = sum(t["seconds"] for t in ran) / max(runs, 1)
    slot_s = search_s * workers / max(runs, 1)
    return {
        "runs": runs,
        "search_s": search_s,
        "prepare_s": float(result["prepare_seconds"]),
        "runs_per_s": runs / search_s if search_s > 0 else math.nan,
        "engine_s_per_task": engine_s,
        "slot_s_per_task": slot_s,
        "overhead_share": (slot_s - engine_s) / engine_s if engine_s > 0 else math.nan,
    }


def ensure_venv() -> Path:
    """The vectorbt virtualenv's python (created with the shared harness's pins)."""
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"creating {VENV} (python3.11 -m venv; pip install {' '.join(VBT_PINS)})", flush=True)
    steps = [["python3.11", "-m", "venv", str(VENV)],
             [str(VENV / "bin" / "pip"), "install", "-q", *VBT_PINS]]  # fmt: skip
    for step in steps:
        if subprocess.run(step).returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            raise SystemExit(f"vectorbt virtualenv: {' '.join(step)} failed")
    return python


def run_vectorbt(args: argparse.Namespace) -> dict[str, Any]:
    """`vectorbt_sweep.py` in its virtualenv: its RESULT plus the process wall time."""
    command = [str(ensure_venv()), str(HERE / "vectorbt_sweep.py"), "--data", str(args.data),
               "--fast", args.fast, "--slow", args.slow, "--warm", "1"]  # fmt: skip
    if args.bars:
        command += ["--bars", str(args.bars)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall_s = time.perf_counter() - started
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"vectorbt sweep failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return {**json.loads(lines[-1][len("RESULT ") :]), "wall_s": wall_s}


def compare(tw: dict[str, Any], vbt: dict[str, Any], tw_ppy: float) -> dict[str, Any]:
    """Per-pair differences over the pairs both sides ran, and each side's best pair."""
    trials = {(t["params"]["fast"], t["params"]["slow"]): t for t in tw["trials"]}
    rescale = math.sqrt(vbt["ann_factor"] / tw_ppy)
    rows = []
    for i, (fast, slow) in enumerate(vbt["pairs"]):
        t = trials.get((fast, slow))
        if t is None or t["state"] != "complete":
            continue
        rows.append({"pair": (fast, slow), "tw_ret": t["total_return"],
                     "vbt_ret": vbt["total_return"][i], "tw_sharpe": t["sharpe"] * rescale,
                     "vbt_sharpe": vbt["sharpe"][i], "tw_dd": t["max_drawdown"],
                     "vbt_dd": vbt["max_drawdown"][i], "tw_trades": t["trades"],
                     "vbt_closed": vbt["closed_trades"][i],
                     "vbt_entries": vbt["entries"][i]})  # fmt: skip
    best_tw = max(rows, key=lambda r: r["tw_sharpe"])["pair"]
    best_vbt = max(rows, key=lambda r: r["vbt_sharpe"])["pair"]
    return {
        "pairs_compared": len(rows),
        "sharpe_rescale": rescale,
        "best_tradewind": list(best_tw),
        "best_vectorbt": list(best_vbt),
        "same_best": best_tw == best_vbt,
        "max_abs_total_return_diff": max(abs(r["tw_ret"] - r["vbt_ret"]) for r in rows),
        "max_abs_sharpe_diff": max(abs(r["tw_sharpe"] - r["vbt_sharpe"]) for r in rows),
        "max_abs_drawdown_diff": max(abs(r["tw_dd"] - r["vbt_dd"]) for r in rows),
        "max_abs_closed_trades_diff": max(abs(r["tw_trades"] - r["vbt_closed"]) for r in rows),
        "pairs_closed_trades_equal": sum(r["tw_trades"] == r["vbt_closed"] for r in rows),
        "differing_pairs": _differing(rows),
        "sharpe_rank_correlation": _spearman(
            [r["tw_sharpe"] for r in rows], [r["vbt_sharpe"] for r in rows]
        ),
    }


def _differing(rows: list[dict[str, Any]], shown: int = 10) -> list[dict[str, Any]]:
    # The pairs whose closed trades or total return (above $0.01 on 1,000,000) differ.
    out = []
    for r in rows:
        gap = r["tw_ret"] - r["vbt_ret"]
        if r["tw_trades"] != r["vbt_closed"] or abs(gap) > 1e-8:
            out.append({"pair": r["pair"], "tw_closed": r["tw_trades"],
                        "vbt_closed": r["vbt_closed"], "vbt_entries": r["vbt_entries"],
                        "return_diff": gap})  # fmt: skip
    return out[:shown]


def same_trials(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two runs of the sweep gave the same metrics for every pair."""

    def key(run: dict[str, Any]) -> dict[tuple[int, int], tuple[Any, ...]]:
        return {
            (t["params"]["fast"], t["params"]["slow"]): (
                t["state"],
                t["total_return"],
                t["sharpe"],
                t["trades"],
            )
            for t in run["trials"]
        }

    return key(a) == key(b)


def _spearman(x: list[float], y: list[float]) -> float:
    import numpy as np

    rx = np.argsort(np.argsort(x)).astype(float)
    ry = np.argsort(np.argsort(y)).astype(float)
    return float(np.corrcoef(rx, ry)[0, 1])


def emit(name: str, payload: dict[str, Any]) -> None:
    """One RESULT line."""
    print("RESULT " + json.dumps({"bench": name, **payload}, default=_plain), flush=True)


def _plain(value: Any) -> Any:
    return value if not isinstance(value, tuple) else list(value)


def _summary(runs: list[dict[str, Any]], vbt: dict[str, Any] | None) -> None:
    print("\n| side | runs | search s | runs/s | command wall s | engine s/task "
          "| slot s/task | overhead | command / other CPU s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        label = f"tradewind, {r['workers']} worker(s)" if r["workers"] else "tradewind (no pool)"
        print(f"| {label} | {r['runs']} | {r['search_s']:.2f} | {r['runs_per_s']:.2f} "
              f"| {r['wall_s']:.2f} | {r['engine_s_per_task']:.3f} | {r['slot_s_per_task']:.3f} "
              f"| {100 * r['overhead_share']:.0f}% "
              f"| {r['command_cpu_s']:.0f} / {r['other_cpu_s']:.0f} |")  # fmt: skip
    if vbt is not None:
        n = len(vbt["pairs"])
        for phase in ("cold", "warm"):
            s = vbt[phase]["t_sweep"]
            print(f"| vectorbt {vbt['version']} one sweep, {phase} | {n} | {s:.2f} "
                  f"| {n / s:.2f} | {vbt['wall_s']:.2f} | | | | |")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=None, help="first N bars of W1 (default all)")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--fast", default="5:50:5", help="fast SMA windows lo:hi:step")
    parser.add_argument("--slow", default="60:240:20", help="slow SMA windows lo:hi:step")
    parser.add_argument("--workers", default="1,2", help="worker counts, one run each")
    parser.add_argument("--scheduler", default="local")
    parser.add_argument("--skip-vectorbt", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="work directory to keep")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="optimize_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        config, catalog, tw_ppy = prepare(work, args.data, args.bars)
        counts: list[int | None] = [int(w) for w in args.workers.split(",")]
        if "--workers" not in cli_options():
            print("tradewind optimize has no --workers yet: one run without a pool", flush=True)
            counts = [None]
        runs = []
        for workers in counts:
            run = run_tradewind(work, config, catalog, args, workers)
            runs.append(run)
            shown = {k: v for k, v in run.items() if k != "json"}
            best = run["json"]["best"]["params"]
            emit("tradewind_sweep", shown | {"bars": args.bars or 1_000_000, "best": best})
        if len(runs) >= 2:
            base, other = runs[0], runs[-1]
            emit("speedup", {
                "workers": [base["workers"], other["workers"]],
                "runs_per_s": other["runs_per_s"] / base["runs_per_s"],
                "command_wall": base["wall_s"] / other["wall_s"],
                "same_trials": same_trials(base["json"], other["json"]),
            })  # fmt: skip
        vbt = None
        if not args.skip_vectorbt:
            vbt = run_vectorbt(args)
            (work / "vectorbt.json").write_text(json.dumps(vbt))
            keys = ("version", "bars", "t_import", "t_load", "cold", "warm", "peak_rss_mb")
            emit("vectorbt_sweep", {k: vbt[k] for k in (*keys, "wall_s")})
            emit("parity", compare(runs[0]["json"], vbt, tw_ppy) | {"tradewind_ppy": tw_ppy})
        _summary(runs, vbt)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
