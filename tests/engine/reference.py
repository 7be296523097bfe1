"""The peer-benchmark reference, copied from the project's shared bench harness
(`shared/bench/gen_data.py` walk and `shared/bench/ref_numpy.py` run_symbol) so that the
engine's parity tests run without that folder. Not product code."""

from __future__ import annotations

import numpy as np
import pandas as pd

SIGMA, JUMP_P, JUMP_SIGMA, P0 = 0.001, 0.001, 0.03, 100.0


def walk(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    r = rng.normal(0.0, SIGMA, n) + (rng.random(n) < JUMP_P) * rng.normal(0.0, JUMP_SIGMA, n)
    close = P0 * np.exp(np.cumsum(r))
    open_ = np.empty(n)
    open_[0] = P0
    open_[1:] = close[:-1]
    hi_ext = np.exp(np.abs(rng.normal(0.0, SIGMA / 2, n)))
    lo_ext = np.exp(-np.abs(rng.normal(0.0, SIGMA / 2, n)))
    vol = rng.integers(100, 10_000, n).astype(np.float64)
    open_ = np.round(open_, 4)
    close = np.round(close, 4)
    open_[1:] = close[:-1]
    high = np.round(np.maximum(open_, close) * hi_ext, 4)
    low = np.round(np.minimum(open_, close) * lo_ext, 4)
    high = np.maximum(high, np.maximum(open_, close))
    low = np.minimum(low, np.minimum(open_, close))
    return {"open": open_, "high": high, "low": low, "close": close, "volume": vol}


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
