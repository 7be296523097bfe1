#!/usr/bin/env python3
"""Write the peer benchmark's data set (the same generator, seed and layout as the shared
bench harness's gen_data.py): w1.parquet (1 symbol x 1,000,000 1-minute bars) and
w2.parquet (100 symbols x 10,000 bars, long format). Used by engine_bench.py.

Usage: python bench/bench_data_gen.py [OUT_DIR]   (default: bench/data)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 42
SIGMA, JUMP_P, JUMP_SIGMA, P0 = 0.001, 0.001, 0.03, 100.0
START = pd.Timestamp("2020-01-01 00:00:00", tz="UTC")
W1_BARS, W2_SYMBOLS, W2_BARS = 1_000_000, 100, 10_000


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


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    ts = pd.date_range(START, periods=W1_BARS, freq="1min")
    pd.DataFrame({"timestamp": ts, **walk(rng, W1_BARS)}).to_parquet(out / "w1.parquet")
    ts2 = pd.date_range(START, periods=W2_BARS, freq="1min")
    frames = [
        pd.DataFrame({"symbol": f"S{i:03d}", "timestamp": ts2, **walk(rng, W2_BARS)})
        for i in range(W2_SYMBOLS)
    ]
    pd.concat(frames, ignore_index=True).to_parquet(out / "w2.parquet")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data")
