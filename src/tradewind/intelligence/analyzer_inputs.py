"""Input checks shared by `CrossMarketCorrelationAnalyzer` methods (messages name the method)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["check_unit", "check_window", "closes_frame", "known", "need_rows", "square"]


def closes_frame(data: object, where: str) -> pd.DataFrame:
    """The frame itself, if it is a DataFrame with unique columns and an ascending unique index."""
    if not isinstance(data, pd.DataFrame):
        raise IntelligenceInputError(
            f"{where}: expected a wide closes DataFrame, found {type(data).__name__}"
        )
    if data.shape[1] == 0:
        raise IntelligenceInputError(f"{where}: expected at least one symbol column, found none")
    if not data.columns.is_unique:
        duplicated = data.columns[data.columns.duplicated()][0]
        raise IntelligenceInputError(f"{where}: symbol {duplicated!r} appears twice")
    if not (data.index.is_unique and data.index.is_monotonic_increasing):
        raise IntelligenceInputError(
            f"{where}: expected an ascending index without duplicates (instants)"
        )
    return data


def known(closes: pd.DataFrame, names: Sequence[str], where: str) -> None:
    """Raise naming the first of `names` that is not a column of `closes`."""
    present = {str(c) for c in closes.columns}
    for name in names:
        if name not in present:
            sample = ", ".join(sorted(present)[:5])
            raise IntelligenceInputError(
                f"{where}: unknown symbol {name!r}; the data has {len(present)} symbols "
                f"({sample}{', ...' if len(present) > 5 else ''})"
            )


def need_rows(closes: pd.DataFrame, needed: int, where: str, why: str) -> None:
    """Raise unless `closes` has at least `needed` rows; `why` explains the number."""
    if len(closes) < needed:
        raise IntelligenceInputError(
            f"{where}: expected at least {needed} rows ({why}), found {len(closes)}"
        )


def check_window(window: int, name: str) -> None:
    """Raise unless `window` is at least 3 rows."""
    if int(window) < 3:
        raise IntelligenceInputError(f"{name} {window}: expected at least 3 rows")


def check_unit(name: str, value: float, *, low_open: bool = False, high_open: bool = False) -> None:
    """Raise unless 0 <= value <= 1 (open ends as requested)."""
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (low_ok and high_ok):
        bounds = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise IntelligenceInputError(f"{name} {value}: expected a value in {bounds}")


def square(corr_matrix: object) -> pd.DataFrame:
    """The matrix itself, if it is a square DataFrame."""
    if not isinstance(corr_matrix, pd.DataFrame) or corr_matrix.shape[0] != corr_matrix.shape[1]:
        shape = getattr(corr_matrix, "shape", type(corr_matrix).__name__)
        raise IntelligenceInputError(
            f"corr_matrix: expected a square symbols x symbols DataFrame, found {shape}"
        )
    return corr_matrix
