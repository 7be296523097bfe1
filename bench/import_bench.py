#!/usr/bin/env python3
"""Import benchmark: `tradewind data import` of a large CSV and of gzip bombs.

Generates its inputs into a temporary directory, then runs each import as a user would
(`tradewind data import ... --no-quality` in a subprocess under `/usr/bin/time`), so
the peak RSS and wall time are the whole process's. Cases:

* `csv`: a plain CSV of `--csv-mb` MB of valid 1-minute OHLCV bars (a seeded random walk);
* `gz-rows`: a `.csv.gz` inflating to `--bomb-mb` MB: a header, then one bar row repeated
  (every row after the first is a duplicate timestamp);
* `gz-field`: a `.csv.gz` inflating to `--bomb-mb` MB: a header, then one row whose
  volume field is that many zero digits.

Prints one `RESULT {json}` line per case (`case, input_mb, exit_code, rows_read,
accepted, rejected, seconds, peak_rss_mb, message`) and a table. Not a pytest test:

    python bench/import_bench.py [--cases csv,gz-rows,gz-field] [--csv-mb 200] [--bomb-mb 1024]
        [--import-args "--max-bytes 500M"]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

_MB = 1024 * 1024
_HEADER = "timestamp,open,high,low,close,volume\n"
_SUMMARY = re.compile(r"([\d,]+) of ([\d,]+) rows accepted, ([\d,]+) rejected")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="csv,gz-rows,gz-field", help="comma-separated cases")
    parser.add_argument("--csv-mb", type=float, default=200.0, help="size of the plain CSV")
    parser.add_argument("--bomb-mb", type=float, default=1024.0, help="inflated size of bombs")
    parser.add_argument("--import-args", default="", help="extra `data import` arguments")
    parser.add_argument("--keep", type=Path, default=None, help="generate into this directory")
    return parser.parse_args(argv)


def write_bars_csv(path: Path, target_mb: float, *, seed: int = 7) -> int:
    """Write 1-minute OHLCV bars until the file reaches `target_mb`; returns the row count."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2000-01-01")
    rows, price, size = 0, 100.0, 0
    batch = 200_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_HEADER)
        size += len(_HEADER)
        while size < target_mb * _MB:
            steps = rng.normal(0.0, 0.002, batch)
            close = price * np.exp(np.cumsum(steps))
            open_ = np.concatenate(([price], close[:-1]))
            spread = np.abs(rng.normal(0.0, 0.001, batch)) * close
            frame = pd.DataFrame(
                {
                    "timestamp": pd.date_range(
                        start + pd.Timedelta(minutes=rows), periods=batch, freq="min"
                    ),
                    "open": open_.round(5),
                    "high": (np.maximum(open_, close) + spread).round(5),
                    "low": (np.minimum(open_, close) - spread).round(5),
                    "close": close.round(5),
                    "volume": rng.integers(1, 100_000, batch),
                }
            )
            text = frame.to_csv(header=False, index=False, date_format="%Y-%m-%d %H:%M:%S")
            handle.write(text)
            size += len(text)
            rows += batch
            price = float(close[-1])
    return rows


def write_gzip_bomb(path: Path, inflated_mb: float, *, kind: str) -> None:
    """A small `.csv.gz` that inflates to `inflated_mb`: repeated rows or one huge field."""
    block_size = 4 * _MB
    if kind == "rows":
        line = "2024-01-01 00:00:00,1.0,2.0,0.5,1.5,10\n"
        first, block = "", line * (block_size // len(line))
    else:
        first, block = "2024-01-01 00:00:00,1.0,2.0,0.5,1.5,", "0" * block_size
    total = int(inflated_mb * _MB)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as handle:
        handle.write(_HEADER + first)
        written = len(_HEADER) + len(first)
        while written < total:
            piece = block[: total - written]
            handle.write(piece)
            written += len(piece)
        if kind != "rows":
            handle.write("\n")


def run_import(path: Path, catalog: Path, extra: list[str]) -> dict[str, Any]:
    """Run `tradewind data import` under /usr/bin/time; returns exit code, rows, time, RSS."""
    tradewind = Path(sys.executable).with_name("tradewind")
    timing = catalog.parent / f"{path.name}.time"
    command = [
        "/usr/bin/time", "-f", "%M %e", "-o", str(timing),
        str(tradewind), "data", "import", str(path), "--symbol", "BENCH", "--market", "crypto",
        "--timeframe", "1m", "--no-quality", "--catalog", str(catalog), *extra,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    peak_kb, seconds = timing.read_text().split()[-2:]
    found = _SUMMARY.search(done.stdout)
    counts = [int(g.replace(",", "")) for g in found.groups()] if found else [0, 0, 0]
    accepted, rows_read, rejected = counts
    message = (done.stderr.strip().splitlines() or [""])[-1]
    return {
        "exit_code": done.returncode,
        "rows_read": rows_read,
        "accepted": accepted,
        "rejected": rejected,
        "seconds": float(seconds),
        "peak_rss_mb": round(int(peak_kb) / 1024, 1),
        "message": message[:200],
    }


def _generate(case: str, directory: Path, args: argparse.Namespace) -> tuple[Path, float]:
    if case == "csv":
        path = directory / "bars.csv"
        write_bars_csv(path, args.csv_mb)
        return path, path.stat().st_size / _MB
    kind = case.removeprefix("gz-")
    if kind not in ("rows", "field"):
        raise SystemExit(f"unknown case {case!r}: expected csv, gz-rows or gz-field")
    path = directory / f"bomb-{kind}.csv.gz"
    write_gzip_bomb(path, args.bomb_mb, kind=kind)
    return path, args.bomb_mb


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    extra = shlex.split(args.import_args)
    results = []
    with tempfile.TemporaryDirectory(prefix="tw-import-bench-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        for case in (c.strip() for c in args.cases.split(",") if c.strip()):
            started = time.perf_counter()
            path, input_mb = _generate(case, directory, args)
            generated = time.perf_counter() - started
            print(f"{case}: generated {path.name} ({path.stat().st_size / _MB:,.1f} MB on disk, "
                  f"{input_mb:,.0f} MB of text) in {generated:.1f} s", flush=True)  # fmt: skip
            outcome = run_import(path, Path(tmp) / f"catalog-{case}", extra)
            result = {"case": case, "input_mb": round(input_mb, 1), **outcome}
            print("RESULT " + json.dumps(result), flush=True)
            results.append(result)
            if args.keep is None:
                path.unlink()
    print()
    print("| case | input MB | exit | rows read | accepted | rejected | seconds | peak RSS MB |")
    print("|" + "---|" * 8)
    for r in results:
        print(
            f"| {r['case']} | {r['input_mb']:,.0f} | {r['exit_code']} | {r['rows_read']:,} "
            f"| {r['accepted']:,} | {r['rejected']:,} | {r['seconds']:.1f} "
            f"| {r['peak_rss_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
