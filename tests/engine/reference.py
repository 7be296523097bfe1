"""The peer-benchmark reference: the data generator (bench/bench_data_gen.py, the shared
harness's gen_data walk) and `run_symbol` copied from the shared harness's ref_numpy.py, so
that the engine's parity tests run without that folder. Not product code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd


def _load_generator() -> ModuleType:
    # The repo's copy of the peer benchmark's generator (bench/bench_data_gen.py).
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_data_gen.py"
    spec = importlib.util.spec_from_file_location("bench_data_gen", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


walk = _load_generator().walk


def bench_frame(seed: int, n: int, start: str = "2020-01-01") -> pd.DataFrame:
    """A normalized 1-minute bar frame of the benchmark's random walk."""
    rng = np.random.default_rng(seed)
    ts = pd.date_range(pd.Timestamp(start, tz="UTC"), periods=n, freq="1min")
    data = walk(rng, n)
    return pd.DataFrame({"timestamp": ts, "close_time": ts + pd.Timedelta(minutes=1), **data})


def run_symbol(o, h, l, c, commission=0.0, stop=None, size=10, fast=10, slow=50):  # noqa: E741
    """Entries, stops and P&L of SMA(fast)/SMA(slow) long/flat, filled at the next open."""
    fp = o
    f = pd.Series(c).rolling(fast).mean().to_numpy()
    s = pd.Series(c).rolling(slow).mean().to_numpy()
    d = f - s
    up = np.zeros(len(c), bool)
    dn = np.zeros(len(c), bool)
    up[1:] = (d[:-1] <= 0) & (d[1:] > 0)
    dn[1:] = (d[:-1] >= 0) & (d[1:] < 0)
    up_idx = np.flatnonzero(up)
    dn_idx = np.flatnonzero(dn)
    n = len(c)
    cash, pos, entries, stops = 0.0, 0, 0, 0
    t = 0
    while True:
        k = np.searchsorted(up_idx, t)
        if k >= len(up_idx) or up_idx[k] + 1 >= n:
            break
        e = up_idx[k] + 1
        px = fp[e]
        cash -= size * px + size * px * commission
        entries += 1
        j = np.searchsorted(dn_idx, e)
        x_sig = dn_idx[j] if j < len(dn_idx) else None
        x_bar = x_sig + 1 if x_sig is not None and x_sig + 1 < n else None
        if stop is not None:
            sp = px * (1 - stop)
            last = (x_bar - 1) if x_bar is not None else n - 1
            hit = np.flatnonzero(l[e : last + 1] <= sp)
            if len(hit):
                b = e + hit[0]
                fill = min(sp, o[b]) if b > e else sp
                cash += size * fill - size * fill * commission
                stops += 1
                t = b
                continue
        if x_bar is None:
            pos = size
            break
        cash += size * fp[x_bar] - size * fp[x_bar] * commission
        t = x_bar
    return {"entries": entries, "stops": stops, "open_pos": pos, "pnl": cash + pos * c[-1]}
