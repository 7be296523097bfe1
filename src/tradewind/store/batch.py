"""`Batch`: the rows of one bulk write, held column by column.

A column is a list of stored values, or `Repeated(value)` when every row holds the same
value (the run id, a backtest's single market or venue, a fixed order size). Repeated
values are converted once and, on SQLite, bound once per statement instead of once per
row, which is most of what a bulk insert of a backtest costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeAlias

__all__ = ["Batch", "Column", "Repeated"]


@dataclass(frozen=True, slots=True)
class Repeated:
    """The stored value of every row of a column."""

    value: Any


Column: TypeAlias = list[Any] | Repeated
"""Stored values, one per row, or one value for every row."""


@dataclass(frozen=True, slots=True)
class Batch:
    """`count` rows of the columns `names` (each column a `Column` of `count` values)."""

    names: tuple[str, ...]
    columns: tuple[Column, ...]
    count: int

    @classmethod
    def from_rows(cls, names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> Batch:
        """A batch of row tuples (values in `names` order)."""
        if not rows:
            return cls(names, tuple([] for _ in names), 0)
        return cls(names, tuple(list(column) for column in zip(*rows, strict=True)), len(rows))

    def column(self, name: str) -> Column:
        """The column `name` (KeyError if the batch has none)."""
        try:
            return self.columns[self.names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def values(self, name: str) -> list[Any]:
        """The `count` values of column `name`, repeated ones expanded."""
        column = self.column(name)
        return [column.value] * self.count if isinstance(column, Repeated) else column

    def extended(self, names: tuple[str, ...], columns: tuple[Column, ...]) -> Batch:
        """This batch with more columns after its own."""
        return Batch((*self.names, *names), (*self.columns, *columns), self.count)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The row tuples, in `names` order."""
        return zip(*(_expanded(column, self.count) for column in self.columns), strict=True)


def _expanded(column: Column, count: int) -> Sequence[Any] | Iterator[Any]:
    return repeat(column.value, count) if isinstance(column, Repeated) else column
