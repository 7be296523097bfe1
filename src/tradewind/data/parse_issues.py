"""Rows flagged by one validation rule, with their reasons held compactly.

A `ParseIssue` keeps a mask over the rows and one reason (shared, per row, per flagged row
or a `NumberedReason`), so the text of a rejected row is formatted only when it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NumberedReason", "ParseIssue"]


@dataclass(frozen=True, slots=True)
class NumberedReason:
    """`text` followed by one number per flagged row, formatted only when a row is shown."""

    text: str
    numbers: np.ndarray

    def texts(self, ranks: np.ndarray) -> np.ndarray:
        """The reasons of the flagged rows at `ranks` (0 = first flagged row)."""
        return np.asarray([f"{self.text}{n}" for n in self.numbers[ranks].tolist()], dtype=object)


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """Rows flagged by one rule: rule name, mask over the rows, reason.

    `reason` is one text for every flagged row, an array with one text per row, an
    array with one text per flagged row (in row order), or a `NumberedReason`.
    """

    rule: str
    mask: np.ndarray
    reason: str | np.ndarray | NumberedReason

    def _per_row(self) -> bool:
        return isinstance(self.reason, np.ndarray) and self.reason.shape[0] == self.mask.shape[0]

    def reasons_at(self, positions: np.ndarray, flagged: np.ndarray | None = None) -> np.ndarray:
        """Reason text at each position ("" where this issue does not flag the row).

        `flagged` (optional) is `np.flatnonzero(self.mask)`, when the caller has it.
        """
        out = np.full(positions.shape[0], "", dtype=object)
        hit = np.asarray(self.mask, dtype=bool)[positions]
        if not hit.any():
            return out
        if isinstance(self.reason, str):
            out[hit] = self.reason
        elif self._per_row():
            out[hit] = np.asarray(self.reason)[positions[hit]]
        else:
            where = np.flatnonzero(self.mask) if flagged is None else flagged
            ranks = np.searchsorted(where, positions[hit])
            reason = self.reason
            out[hit] = reason.texts(ranks) if isinstance(reason, NumberedReason) else reason[ranks]
        return out

    def without(self, rows: np.ndarray) -> ParseIssue:
        """The same issue with `rows` (a mask) no longer flagged."""
        mask = np.asarray(self.mask, dtype=bool)
        if not (mask & rows).any():
            return self
        if isinstance(self.reason, str) or self._per_row():
            return ParseIssue(self.rule, mask & ~rows, self.reason)
        keep = ~rows[np.flatnonzero(mask)]
        reason = self.reason
        kept = (
            NumberedReason(reason.text, reason.numbers[keep])
            if isinstance(reason, NumberedReason)
            else reason[keep]
        )
        return ParseIssue(self.rule, mask & ~rows, kept)

    def reversed(self) -> ParseIssue:
        """The same issue for the rows in reverse order."""
        reason = self.reason
        if isinstance(reason, NumberedReason):
            reason = NumberedReason(reason.text, reason.numbers[::-1].copy())
        elif isinstance(reason, np.ndarray):
            reason = reason[::-1].copy()
        return ParseIssue(self.rule, np.asarray(self.mask)[::-1].copy(), reason)
