#!/usr/bin/env python3
"""The SMA-pair sweep of `optimize_bench.py` as ONE vectorbt run (own virtualenv).

Every (fast, slow) pair with fast < slow of the two grids becomes one column: one
`vbt.MA.run` over the fast windows, one over the slow windows (explicit pairs, column i
of both is pair i), crossover signals, then one `Portfolio.from_signals` over all
columns: long/flat, 10 units, cash 1,000,000, no costs, filled at the signal bar's
close (equal to the next bar's open in W1, so the same fills as next-open engines).

Prints one `RESULT {json}` line: per pair total return, Sharpe, max drawdown, entries
(buy orders) and closed trades; the annualization factor; timings of the first run in
the process ("cold": numba compiles there) and of the fastest of `--warm` reruns.

Usage (with the virtualenv's python):
    python bench/vectorbt_sweep.py [--data DIR] [--bars N] [--fast 5:50:5]
                                   [--slow 60:240:20] [--warm 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

T_IMPORT0 = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import vectorbt as vbt  # noqa: E402
from vectorbt.returns import nb as returns_nb  # noqa: E402

T_IMPORT = time.perf_counter() - T_IMPORT0

__all__ = ["grid", "load_close", "main", "sweep"]

HERE = Path(__file__).resolve().parent
SIZE_UNITS, CASH_USD = 10.0, 1_000_000.0


def grid(spec: str) -> list[int]:
    """`lo:hi:step` (both ends included) as a list of ints."""
    parts = [int(p) for p in spec.split(":")]
    if len(parts) != 3 or parts[2] <= 0 or parts[0] > parts[1]:
        raise ValueError(f"grid {spec!r}: expected lo:hi:step with lo <= hi and step > 0")
    return list(range(parts[0], parts[1] + 1, parts[2]))


def load_close(data: Path, bars: int | None) -> pd.Series:
    """W1's closes on a tz-naive index (UTC wall time).

    tz-naive because vectorbt 1.2 on pandas 3 turns a tz-aware index into an array of
    Timestamp objects in its shape checks, several times per run (seconds at 1M bars).
    """
    frame = pd.read_parquet(data / "w1.parquet", columns=["timestamp", "close"])
    if bars:
        frame = frame.iloc[:bars]
    index = pd.DatetimeIndex(frame["timestamp"]).tz_localize(None)
    return pd.Series(frame["close"].to_numpy("float64"), index=index, name="close")


def sweep(close: pd.Series, pairs: list[tuple[int, int]]) -> tuple[dict, dict]:
    """One vectorbt run of every pair: (per-pair metrics, phase seconds)."""
    fast_windows = [f for f, _ in pairs]
    slow_windows = [s for _, s in pairs]
    t0 = time.perf_counter()
    fast = vbt.MA.run(close, window=fast_windows, short_name="fast")
    slow = vbt.MA.run(close, window=slow_windows, short_name="slow")
    t1 = time.perf_counter()
    entries = fast.ma_crossed_above(slow)
    exits = fast.ma_crossed_below(slow)
    del fast, slow  # 2 x bars x pairs floats no longer needed
    t2 = time.perf_counter()
    pf = vbt.Portfolio.from_signals(
        close, entries, exits, size=SIZE_UNITS, init_cash=CASH_USD, freq="1min"
    )
    t3 = time.perf_counter()
    metrics = _metrics(pf, len(pairs))
    t4 = time.perf_counter()
    if entries.shape[1] != len(pairs):
        raise RuntimeError(f"signals have {entries.shape[1]} columns: expected {len(pairs)}")
    seconds = {
        "t_ma": t1 - t0,
        "t_signals": t2 - t1,
        "t_portfolio": t3 - t2,
        "t_metrics": t4 - t3,
        "t_sweep": t4 - t0,
    }
    return metrics, {k: round(v, 4) for k, v in seconds.items()}


def _metrics(pf: vbt.Portfolio, columns: int) -> dict:
    # vectorbt's own per-column kernels (returns from value with the initial cash before
    # the first bar, Sharpe with ddof 1), fed one column at a time: its DataFrame methods
    # would hold several bars x pairs float arrays (800 MB each at 1M bars) at once.
    orders = pf.orders.values
    buys = orders["side"] == 0
    entries = np.bincount(orders["col"][buys], minlength=columns)
    closed = np.asarray(pf.trades.closed.count().values)
    value = np.asarray(pf.value().values, dtype=np.float64).reshape(-1, columns)
    ann_factor = _ann_factor(pf)
    rets = [returns_nb.returns_1d_nb(value[:, j], CASH_USD) for j in range(columns)]
    return {
        "total_return": [float(value[-1, j] / CASH_USD - 1.0) for j in range(columns)],
        "sharpe": [_finite(returns_nb.sharpe_ratio_1d_nb(r, ann_factor)) for r in rets],
        "max_drawdown": [_finite(returns_nb.max_drawdown_1d_nb(r)) for r in rets],
        "final_value": [float(v) for v in value[-1]],
        "entries": [int(x) for x in entries],
        "closed_trades": [int(x) for x in closed],
        "ann_factor": ann_factor,
    }


def _ann_factor(pf: vbt.Portfolio) -> float:
    year = pd.Timedelta(vbt.settings["returns"]["year_freq"])
    return float(year / pd.Timedelta(pf.wrapper.freq))


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--bars", type=int, default=None, help="first N bars of W1")
    parser.add_argument("--fast", default="5:50:5", help="fast windows lo:hi:step")
    parser.add_argument("--slow", default="60:240:20", help="slow windows lo:hi:step")
    parser.add_argument("--warm", type=int, default=1, help="in-process reruns after the first")
    args = parser.parse_args(argv)
    # Cached intermediate frames (bars x pairs each) would pile up over the runs.
    vbt.settings["caching"]["enabled"] = False

    pairs = [(f, s) for f in grid(args.fast) for s in grid(args.slow) if f < s]
    t0 = time.perf_counter()
    close = load_close(args.data, args.bars)
    t_load = time.perf_counter() - t0
    metrics, cold = sweep(close, pairs)
    warm = [sweep(close, pairs)[1] for _ in range(args.warm)]
    result = {
        "engine": "vectorbt",
        "version": vbt.__version__,
        "bars": len(close),
        "pairs": [list(p) for p in pairs],
        "t_import": round(T_IMPORT, 4),
        "t_load": round(t_load, 4),
        "cold": cold,
        "warm": min(warm, key=lambda w: w["t_sweep"]) if warm else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **metrics,
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
