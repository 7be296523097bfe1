#!/usr/bin/env python3
"""Intelligence benchmark: `MMINEngine.analyze_markets` for S symbols x B bars.

Each size runs in a fresh child process so its peak RSS is its own. In the child:

* setup (untimed): a seeded synthetic daily market (`tradewind.data.synthetic`, all
  classes, planted lead-lag and breaks) is written to a temporary catalog with enough
  master-clock days that the analysis window has B weekday rows;
* first call (timed, "cold"): `MMINEngine(catalog).analyze_markets("1d", B)` over every
  symbol at the default level (advanced): collect from the catalog and align, then
  correlations (4 windows), clusters, market conditions, the all-pairs lead-lag scan
  with Benjamini-Hochberg, the walk-forward macro regime, signals and allocation;
* second call (timed, "warm"): the same again in the same process (numba kernels,
  imports and the FRED frame loaded);
* peak_rss_mb: `ru_maxrss` of the child.

Prints a table and one `RESULT {json}` line per size. Not a pytest test:
`python bench/intel_bench.py [--sizes 45x500,200x1000,1000x2000] [--level advanced]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_WEEKDAY_SHARE = 5 / 7


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="45x500,200x1000,1000x2000", help="SYMBOLSxBARS,...")
    parser.add_argument("--level", default="advanced", help="basic, advanced or god_mode")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _child(size: str, level: str, seed: int) -> dict[str, Any]:
    from tradewind.config import MMINConfig
    from tradewind.data.catalog import Catalog
    from tradewind.data.synthetic import SyntheticSpec, write_to_catalog
    from tradewind.mmin.engine import MMINEngine

    symbols, bars = (int(part) for part in size.split("x"))
    master_days = int(bars / _WEEKDAY_SHARE) + 40
    with tempfile.TemporaryDirectory() as root:
        catalog = Catalog(Path(root), include_bundled=False)
        spec = SyntheticSpec(n_symbols=symbols, n_bars=master_days, timeframe="1d", seed=seed)
        write_to_catalog(spec, catalog)
        engine = MMINEngine(
            config=MMINConfig(intelligence_level=level),
            catalog=catalog,
            measure_transfer_routes=False,
        )
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            result = engine.analyze_markets("1d", bars)
            runs.append((time.perf_counter() - start, result))
    (cold, _), (warm, last) = runs
    return {
        "bench": "intel",
        "size": size,
        "symbols": int(last["market_conditions"].shape[0]),
        "rows": int(last["rows"]),
        "level": level,
        "t_cold": round(cold, 3),
        "t_warm": round(warm, 3),
        "stages_warm": last["timings_s"],
        "lead_lag_pairs": len(last["lead_lag"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.child:
        print("RESULT " + json.dumps(_child(args.child, args.level, args.seed)), flush=True)
        return 0
    results = []
    for size in args.sizes.split(","):
        done = subprocess.run(
            [sys.executable, __file__, "--child", size, "--level", args.level,
             "--seed", str(args.seed)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        print(line, flush=True)
        results.append(json.loads(line[len("RESULT ") :]))
    print(
        f"\n{'size':>10} {'symbols':>8} {'rows':>6} {'cold s':>8} {'warm s':>8} "
        f"{'lead-lag s':>10} {'macro s':>8} {'collect s':>9} {'RSS MB':>8}"
    )
    for r in results:
        stages = r["stages_warm"]
        print(
            f"{r['size']:>10} {r['symbols']:>8} {r['rows']:>6} {r['t_cold']:>8.2f} "
            f"{r['t_warm']:>8.2f} {stages.get('lead_lag', 0):>10.2f} "
            f"{stages.get('macro_regime', 0):>8.2f} {stages['collect']:>9.2f} "
            f"{r['peak_rss_mb']:>8.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
