"""An analysis result as plain JSON (frames become records, enums their values)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["result_to_json"]


def result_to_json(value: Any) -> Any:
    """JSON-safe copy of `value`: DataFrames -> {index: {column: value}}, Series ->
    {index: value}, dataclasses -> {field: value} (fields shown in their repr),
    timestamps -> ISO strings, NaN/inf -> None, numpy scalars -> Python."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: result_to_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.repr
        }
    if isinstance(value, pd.DataFrame):
        return {str(_key(i)): result_to_json(row.to_dict()) for i, row in value.iterrows()}
    if isinstance(value, pd.Series):
        return {str(_key(i)): result_to_json(v) for i, v in value.items()}
    if isinstance(value, Mapping):
        return {str(_key(k)): result_to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [result_to_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return [result_to_json(v) for v in value.tolist()]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def _key(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    return value
