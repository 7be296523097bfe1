"""Quarantine rows: each rejected row's number, rules, reasons and raw source text.

Built from a `ValidationResult` chunk by chunk, in source row order. The raw text comes
from a `RawRows` source (a CSV file read again, a Parquet file, or an in-memory frame),
so only the rejected rows of one chunk are ever held as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from tradewind.data.validation import RULES, ValidationResult

__all__ = [
    "FrameRows",
    "RawRows",
    "RejectedRow",
    "first_rejected",
    "quarantine_chunks",
    "quarantine_frame",
]

_CHUNK_ROWS = 100_000


class RawRows(Protocol):
    """The source rows of an input, fetched again by row number."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Source column names, in order."""
        ...

    def fetch(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """`(row numbers, rows)` pairs for the `wanted` row numbers (ascending), in order."""
        ...


@dataclass(frozen=True, slots=True)
class FrameRows:
    """`RawRows` over an in-memory frame whose rows carry `row_numbers`."""

    frame: pd.DataFrame
    row_numbers: np.ndarray

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.frame.columns)

    def fetch(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        positions = pd.Index(self.row_numbers).get_indexer(wanted)
        found = positions >= 0
        wanted, positions = wanted[found], positions[found]
        for start in range(0, wanted.size, _CHUNK_ROWS):
            part = slice(start, start + _CHUNK_ROWS)
            yield wanted[part], self.frame.iloc[positions[part]].reset_index(drop=True)


class _NoText:
    """`RawRows` when the source text is unknown: rows without `raw_*` columns."""

    @property
    def columns(self) -> tuple[str, ...]:
        return ()

    def fetch(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        for start in range(0, wanted.size, _CHUNK_ROWS):
            part = wanted[start : start + _CHUNK_ROWS]
            yield part, pd.DataFrame(index=pd.RangeIndex(part.size))


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One quarantined row: its 1-based source row (file line for CSV), rules and why."""

    row_number: int
    rules: str
    reason: str


def quarantine_chunks(result: ValidationResult) -> Iterator[pd.DataFrame]:
    """The quarantine in row-number order, one frame per chunk of the source.

    Columns: `row_number`, `rules` (rule names joined by "; "), `reason`, then
    `raw_<column>` with the source text of every source column. Yields at least one
    (possibly empty) frame, so the columns are always known.
    """
    positions, numbers = _rejected_in_row_order(result)
    describe = _Describer(result)
    source: RawRows = result.raw if result.raw is not None else _NoText()
    yielded = False
    if numbers.size:
        for got, table in source.fetch(numbers):
            at = positions[np.searchsorted(numbers, got)]
            yield _frame(got, *describe(at), table)
            yielded = True
    if not yielded:
        none = np.zeros(0, dtype=np.int64)
        table = pd.DataFrame({c: pd.Series([], dtype=object) for c in source.columns})
        yield _frame(none, none.astype(object), none.astype(object), table)


def quarantine_frame(result: ValidationResult) -> pd.DataFrame:
    """The whole quarantine as one frame (see `quarantine_chunks`)."""
    return pd.concat(list(quarantine_chunks(result)), ignore_index=True)


def first_rejected(result: ValidationResult, count: int = 5) -> tuple[RejectedRow, ...]:
    """The first `count` rejected rows by row number, with their rules and reasons."""
    positions, _ = _rejected_in_row_order(result)
    head = positions[:count]
    rules, reasons = _Describer(result)(head)
    return tuple(
        RejectedRow(int(n), str(r), str(why))
        for n, r, why in zip(result.row_numbers[head].tolist(), rules, reasons, strict=True)
    )


def _rejected_in_row_order(result: ValidationResult) -> tuple[np.ndarray, np.ndarray]:
    positions = np.flatnonzero(result.rejected_mask)
    numbers = result.row_numbers[positions]
    if numbers.size > 1 and not bool(np.all(np.diff(numbers) > 0)):
        order = np.argsort(numbers, kind="stable")
        positions, numbers = positions[order], numbers[order]
    return positions, np.ascontiguousarray(numbers, dtype=np.int64)


class _Describer:
    """Rules and reason text of rows, from the result's masks and issues."""

    def __init__(self, result: ValidationResult) -> None:
        self._masks = [
            (rule, result.rule_masks[rule]) for rule in RULES if rule in result.rule_masks
        ]
        self._issues = [i for i in result.issues if np.asarray(i.mask).any()]
        self._flagged: dict[int, np.ndarray] = {}

    def __call__(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rules = _join(((mask[positions], rule) for rule, mask in self._masks), positions.size)
        reasons = np.full(positions.size, "", dtype=object)
        for number, issue in enumerate(self._issues):
            flagged = self._flagged.get(number)
            if flagged is None and not isinstance(issue.reason, str):
                flagged = self._flagged.setdefault(number, np.flatnonzero(issue.mask))
            texts = issue.reasons_at(positions, flagged)
            reasons = _append(reasons, texts)
        return rules, reasons


def _join(parts: Iterator[tuple[np.ndarray, str]], size: int) -> np.ndarray:
    out = np.full(size, "", dtype=object)
    for mask, text in parts:
        if mask.any():
            out = _append(out, np.where(mask, text, "").astype(object))
    return out


def _append(current: np.ndarray, texts: np.ndarray) -> np.ndarray:
    has = texts != ""
    if not has.any():
        return current
    joined = np.where(current == "", texts, current + "; " + texts)
    return np.where(has, joined, current).astype(object)


def _frame(
    numbers: np.ndarray, rules: np.ndarray, reasons: np.ndarray, table: pd.DataFrame
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_number": np.asarray(numbers, dtype=np.int64),
            "rules": pd.array(rules, dtype="str"),
            "reason": pd.array(reasons, dtype="str"),
            **{
                f"raw_{name}": pd.array(
                    table[name].astype("str").to_numpy(dtype=object), dtype="str"
                )
                for name in table.columns
            },
        }
    )
