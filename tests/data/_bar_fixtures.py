"""Small hand-made bar frames and CSV writers for the catalog/import/validation tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def make_bars(
    dates: list[str] | pd.DatetimeIndex,
    close: list[float] | np.ndarray | None = None,
    *,
    spread: float = 1.0,
) -> pd.DataFrame:
    """A valid OHLCV frame (timestamp + values, no close_time) on the given dates."""
    stamps = pd.DatetimeIndex(pd.to_datetime(dates, utc=True)).as_unit("ns")
    closes = np.asarray(close if close is not None else 100.0 + np.arange(len(stamps)), dtype=float)
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "open": closes,
            "high": closes + spread,
            "low": closes - spread,
            "close": closes,
            "volume": np.full(len(stamps), 1_000.0),
        }
    )


def write_csv(path: Path, text: str) -> Path:
    """Write `text` (leading newline and indentation removed) to `path`."""
    lines = [line.strip() for line in text.strip("\n").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
