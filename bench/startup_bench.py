#!/usr/bin/env python3
"""Start-up benchmark: whole `tradewind` processes, and the first backtest in a process.

Part 1 times whole processes (fork + interpreter + imports + command), `--reps` times
each, beside two references measured in the same run: `python -c pass` (the interpreter
floor) and `python -c "import typer"` (the CLI library alone).

Part 2 runs W1 (see engine_bench.py) in fresh processes three ways: with numba's cache
as `tradewind precompile` leaves it ("cached"), with an empty cache directory
(`NUMBA_CACHE_DIR`, "cold": what a first run after an install pays without
precompile), and in-process again after the first run ("warm"). Prints one
`RESULT {json}` line per measurement.

Usage: python bench/startup_bench.py [--reps 7] [--bars 1000000] [--skip-cold]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TRADEWIND = str(BIN / "tradewind")

COMMANDS: tuple[tuple[str, list[str]], ...] = (
    ("python -c pass (reference)", [sys.executable, "-c", "pass"]),
    ("python -c 'import typer' (reference)", [sys.executable, "-c", "import typer"]),
    ("tradewind --version", [TRADEWIND, "--version"]),
    ("tradewind --help", [TRADEWIND, "--help"]),
    ("tradewind backtest --help", [TRADEWIND, "backtest", "--help"]),
    ("tradewind data list", [TRADEWIND, "data", "list"]),
)


def _time_process(argv: list[str], reps: int) -> dict[str, float]:
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        seconds.append(time.perf_counter() - start)
    return {"min_s": round(min(seconds), 3), "median_s": round(statistics.median(seconds), 3)}


_FIRST_RUN = """
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {here!r})
import engine_bench
frames = engine_bench._load("w1", engine_bench.HERE / "data", {bars}, None)
t1 = time.perf_counter()
import tradewind.app.journaling, tradewind.engine.quick, tradewind.research.run_results
t2 = time.perf_counter()
first = engine_bench._run_once("w1", frames, True)
t3 = time.perf_counter()
again = engine_bench._run_once("w1", frames, True)
t4 = time.perf_counter()
print(json.dumps({{"t_data": t1 - t0, "t_imports": t2 - t1, "t_first_run": t3 - t2,
                  "t_warm_run": t4 - t3, "first": first, "warm": again}}))
"""


def _first_backtest(bars: int, cache_dir: str | None) -> dict[str, object]:
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_RUN.format(here=str(HERE), bars=bars)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    found["t_process"] = time.perf_counter() - start
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in found.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--skip-cold", action="store_true", help="skip the empty-cache run")
    args = parser.parse_args(argv)

    for label, command in COMMANDS:
        print("RESULT " + json.dumps({"bench": "startup", "command": label,
                                      **_time_process(command, args.reps)}))  # fmt: skip
    print("RESULT " + json.dumps({"bench": "first-backtest", "cache": "cached",
                                  **_first_backtest(args.bars, None)}))  # fmt: skip
    if not args.skip_cold:
        with tempfile.TemporaryDirectory(prefix="numba-cold-") as empty:
            print("RESULT " + json.dumps({"bench": "first-backtest", "cache": "cold",
                                          **_first_backtest(args.bars, empty)}))  # fmt: skip


if __name__ == "__main__":
    main()
