"""Vectorized bar validation: every rejected row is counted per rule and quarantined.

Rules run in two stages. Value rules (empty rows, parse failures, timestamps outside
the supported range, non-finite or non-positive prices, high < low, open/close outside
[low, high], negative volume) look at each row alone. Ordering rules (duplicate and
out-of-order timestamps) then run on the rows that passed the value rules, so a broken
row cannot make a good row look out of order.

Secondary checks (`high_below_low`, `ohlc_inconsistent`) run only on rows whose
prices are otherwise sane, so one bad value is reported under one rule; genuinely
independent faults (a NaN close and a negative volume) are each counted. An empty row
is reported as `empty_row` only.

Validation works on arrays (`validate_arrays`; `validate_bars` takes a frame) and keeps
masks, not text: the quarantine rows, with their reasons and raw source text, are built
on demand (`tradewind.data.quarantine`), so a large file's rows are never all held as text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tradewind.data.schema import PRICE_FIELDS, VALUE_FIELDS, DataError
from tradewind.domain.market import QuoteType

if TYPE_CHECKING:
    from tradewind.data.quarantine import RawRows

__all__ = [
    "RULES",
    "NumberedReason",
    "ParseIssue",
    "ValidationResult",
    "longest_increasing_mask",
    "validate_arrays",
    "validate_bars",
]

RULES: tuple[str, ...] = (
    "empty_row",
    "unparseable_timestamp",
    "timestamp_out_of_range",
    "ambiguous_local_time",
    "nonexistent_local_time",
    "unparseable_number",
    "non_finite_price",
    "non_finite_volume",
    "non_positive_price",
    "high_below_low",
    "ohlc_inconsistent",
    "negative_volume",
    "duplicate_timestamp",
    "out_of_order_timestamp",
)

_NAT = np.iinfo(np.int64).min


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


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Accepted rows (ascending, unique timestamps) and what was rejected, by rule.

    `timestamps` (int64 ns UTC) and `values` (float64 per field the source has) hold the
    accepted rows. `counts` maps every rule in `RULES` to the number of rows that violate
    it; a row violating two rules counts under both but is quarantined once.
    `rejected_mask`, `row_numbers` and `issues` describe every input row; `raw` gives
    the source text of rows for the quarantine.
    """

    timestamps: np.ndarray = field(repr=False)
    values: Mapping[str, np.ndarray] = field(repr=False)
    counts: Mapping[str, int]
    rows_in: int
    accepted_row_numbers: np.ndarray = field(repr=False)
    rejected_mask: np.ndarray = field(repr=False)
    row_numbers: np.ndarray = field(repr=False)
    issues: tuple[ParseIssue, ...] = field(repr=False)
    rule_masks: Mapping[str, np.ndarray] = field(repr=False)
    raw: RawRows | None = field(default=None, repr=False)

    @property
    def rejected(self) -> int:
        return int(self.rejected_mask.sum())

    @property
    def accepted_count(self) -> int:
        return int(self.timestamps.shape[0])

    @property
    def nonzero_counts(self) -> dict[str, int]:
        return {rule: n for rule, n in self.counts.items() if n}

    @property
    def accepted(self) -> pd.DataFrame:
        """The accepted rows as a bar frame: `timestamp` (UTC) and every value field."""
        size = self.timestamps.shape[0]
        return pd.DataFrame(
            {
                "timestamp": pd.DatetimeIndex(self.timestamps.view("datetime64[ns]"), tz="UTC"),
                **{
                    name: self.values[name] if name in self.values else np.full(size, np.nan)
                    for name in VALUE_FIELDS
                },
            },
            copy=False,  # share the arrays: a large import holds its rows once
        )

    @property
    def quarantine(self) -> pd.DataFrame:
        """Every rejected row: `row_number, rules, reason` then the source values (`raw_*`).

        Built on each call (reading the source again for files); for large files stream
        `tradewind.data.quarantine.quarantine_chunks` instead.
        """
        from tradewind.data.quarantine import quarantine_frame

        return quarantine_frame(self)


def validate_bars(
    frame: pd.DataFrame,
    *,
    fields: Sequence[str] = VALUE_FIELDS,
    quote_type: QuoteType = QuoteType.PRICE,
    row_numbers: np.ndarray | None = None,
    issues: Sequence[ParseIssue] = (),
    raw: pd.DataFrame | None = None,
) -> ValidationResult:
    """Validate a bar frame in file order and split it into accepted rows and quarantine.

    Args:
        frame: `timestamp` (datetime64[ns, UTC], NaT where unknown) and the value fields.
        fields: the value fields the source really has; the others are ignored and NaN.
        quote_type: `YIELD` series skip the positive-price rule.
        row_numbers: 1-based source row of each frame row (default 1..n).
        issues: parse-stage problems found by the reader.
        raw: the source values as read, one row per frame row, copied into the quarantine
            (default: the frame's own values).

    Raises:
        DataError: the frame lacks a timestamp column or a listed field.
    """
    from tradewind.data.quarantine import FrameRows

    n = len(frame)
    missing = [name for name in ("timestamp", *fields) if name not in frame.columns]
    if missing:
        raise DataError(
            f"bar frame lacks column(s) {', '.join(missing)}; found: {', '.join(map(str, frame))}"
        )
    rows = np.arange(1, n + 1, dtype=np.int64) if row_numbers is None else row_numbers
    present = [name for name in VALUE_FIELDS if name in fields]
    values = {name: frame[name].to_numpy(dtype="float64", na_value=np.nan) for name in present}
    source = raw if raw is not None else frame[["timestamp", *present]]
    return validate_arrays(
        _as_ns(frame["timestamp"]),
        values,
        quote_type=quote_type,
        row_numbers=rows,
        issues=issues,
        raw=FrameRows(source.reset_index(drop=True), rows),
    )


def validate_arrays(
    timestamps: np.ndarray,
    values: Mapping[str, np.ndarray],
    *,
    quote_type: QuoteType = QuoteType.PRICE,
    row_numbers: np.ndarray | None = None,
    issues: Sequence[ParseIssue] = (),
    raw: RawRows | None = None,
) -> ValidationResult:
    """Validate bars given as arrays in file order (the memory-lean form of `validate_bars`).

    Args:
        timestamps: int64 ns UTC per row, the NaT sentinel (int64 min) where unknown.
        values: float64 per value field the source has (`open` .. `volume`).
        row_numbers: 1-based source row of each row (default 1..n).
        issues: parse-stage problems found by the reader.
        raw: where the quarantine reads the source text of rejected rows.
    """
    n = timestamps.shape[0]
    stamps = np.asarray(timestamps, dtype=np.int64)
    rows = np.arange(1, n + 1, dtype=np.int64) if row_numbers is None else row_numbers
    present = {name: values[name] for name in VALUE_FIELDS if name in values}

    found = _drop_empty_rows(issues, n)
    parse_masks = _masks_by_rule(found)
    skipped = _any_of(parse_masks, n, _ROW_RULES)
    untimed = (stamps == _NAT) & ~_any_of(parse_masks, n, _TIME_RULES) & ~skipped
    if untimed.any():
        found.append(ParseIssue("unparseable_timestamp", untimed, "timestamp is missing"))
    unusable = parse_masks.get("unparseable_number", np.zeros(n, dtype=bool)) | skipped
    found.extend(_value_issues(present, quote_type, unusable, n))

    bad = _any_of(_masks_by_rule(found), n, RULES)
    found.extend(_ordering_issues(stamps, rows, ~bad))
    by_rule = _masks_by_rule(found)
    rejected = _any_of(by_rule, n, RULES)

    keep = np.flatnonzero(~rejected)
    everything = keep.size == n  # keep the arrays themselves: no copy of a clean file
    return ValidationResult(
        timestamps=stamps if everything else stamps[keep],
        values={k: v if everything else v[keep] for k, v in present.items()},
        counts={rule: int(by_rule[rule].sum()) if rule in by_rule else 0 for rule in RULES},
        rows_in=n,
        accepted_row_numbers=rows if everything else rows[keep],
        rejected_mask=rejected,
        row_numbers=rows,
        issues=tuple(found),
        rule_masks=by_rule,
        raw=raw,
    )


_ROW_RULES = ("empty_row",)
_TIME_RULES = (
    "unparseable_timestamp",
    "timestamp_out_of_range",
    "ambiguous_local_time",
    "nonexistent_local_time",
)


def _drop_empty_rows(issues: Sequence[ParseIssue], n: int) -> list[ParseIssue]:
    # An empty row is reported once, as empty_row, not also as a missing timestamp/price.
    empty = _any_of(_masks_by_rule(issues), n, _ROW_RULES)
    if not empty.any():
        return list(issues)
    return [i if i.rule in _ROW_RULES else i.without(empty) for i in issues]


def _as_ns(column: pd.Series) -> np.ndarray:
    if not isinstance(column.dtype, pd.DatetimeTZDtype):
        raise DataError(
            f"timestamp column must be timezone-aware datetime64 (UTC); found dtype {column.dtype}"
        )
    values: np.ndarray = column.dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]")
    return values.view("int64")


def _masks_by_rule(issues: Sequence[ParseIssue]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for issue in issues:
        mask = np.asarray(issue.mask, dtype=bool)
        out[issue.rule] = out[issue.rule] | mask if issue.rule in out else mask
    return out


def _any_of(masks: Mapping[str, np.ndarray], n: int, rules: Sequence[str]) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for rule in rules:
        if rule in masks:
            out |= masks[rule]
    return out


def _value_issues(
    values: Mapping[str, np.ndarray],
    quote_type: QuoteType,
    unparsed: np.ndarray,
    n: int,
) -> list[ParseIssue]:
    # Cells that failed to parse are already reported as unparseable_number.
    parsed = ~unparsed
    prices = [name for name in PRICE_FIELDS if name in values]
    issues: list[ParseIssue] = []
    sane = parsed.copy()
    for name in prices:
        finite = np.isfinite(values[name])
        issues.append(
            ParseIssue("non_finite_price", ~finite & parsed, f"{name} is missing or not finite")
        )
        sane &= finite
        if quote_type.must_be_positive:
            non_positive = finite & (values[name] <= 0) & parsed
            issues.append(ParseIssue("non_positive_price", non_positive, f"{name} is not positive"))
            sane &= ~non_positive
    if "volume" in values:
        volume = values["volume"]
        issues.append(
            ParseIssue(
                "non_finite_volume",
                ~np.isfinite(volume) & parsed,
                "volume is missing or not finite",
            )
        )
        issues.append(ParseIssue("negative_volume", (volume < 0) & parsed, "volume is negative"))
    if "high" in values and "low" in values:
        high, low = values["high"], values["low"]
        below = sane & (high < low)
        issues.append(ParseIssue("high_below_low", below, "high is below low"))
        consistent = sane & ~below
        for name in ("open", "close"):
            if name in values:
                outside = consistent & ((values[name] > high) | (values[name] < low))
                issues.append(
                    ParseIssue("ohlc_inconsistent", outside, f"{name} is outside [low, high]")
                )
    return issues


def _ordering_issues(
    stamps: np.ndarray, rows: np.ndarray, candidates: np.ndarray
) -> list[ParseIssue]:
    n = stamps.shape[0]
    index = np.flatnonzero(candidates)
    sub = stamps[index]
    if sub.size < 2:
        return []
    steps = np.diff(sub)
    if bool(np.all(steps > 0)):
        return []
    issues: list[ParseIssue] = []
    dup_sub, first = _duplicates(sub, steps)
    if dup_sub.any():
        mask = np.zeros(n, dtype=bool)
        mask[index[dup_sub]] = True
        reason = NumberedReason("duplicate timestamp; first kept at row ", rows[index[first]])
        issues.append(ParseIssue("duplicate_timestamp", mask, reason))
        index, sub = index[~dup_sub], sub[~dup_sub]
    if sub.size >= 2 and not bool(np.all(np.diff(sub) > 0)):
        keep = longest_increasing_mask(sub)
        mask = np.zeros(n, dtype=bool)
        mask[index[~keep]] = True
        issues.append(
            ParseIssue(
                "out_of_order_timestamp",
                mask,
                "timestamp breaks the ascending order (not on the longest increasing run)",
            )
        )
    return issues


def _duplicates(values: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mask of repeats of an earlier value, and for each repeat where its first one is."""
    if bool(np.all(steps >= 0)):  # sorted with repeats: the common case, no sort needed
        repeat = np.concatenate(([False], steps == 0))
        starts = np.flatnonzero(~repeat)
        return repeat, starts[np.cumsum(~repeat)[repeat] - 1]
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = np.concatenate(([False], ordered[1:] == ordered[:-1]))
    group_start = np.maximum.accumulate(np.where(same, 0, np.arange(values.size)))
    first_of = np.empty(values.size, dtype=np.int64)
    first_of[order] = order[group_start]
    repeat = np.zeros(values.size, dtype=bool)
    repeat[order[same]] = True
    return repeat, first_of[repeat]


def longest_increasing_mask(values: np.ndarray) -> np.ndarray:
    """Mask of one longest strictly increasing subsequence of `values` (int64), O(n log n)."""
    array = np.ascontiguousarray(values, dtype=np.int64)
    if array.size == 0:
        return np.zeros(0, dtype=bool)
    result: np.ndarray = _lis_kernel()(array)
    return result


@cache
def _lis_kernel() -> Callable[[np.ndarray], np.ndarray]:
    # Compiled on first use, so importing the data layer does not pay for numba.
    import numba

    kernel: Callable[[np.ndarray], np.ndarray] = numba.njit(cache=True)(_lis_keep)
    return kernel


def _lis_keep(values: np.ndarray) -> np.ndarray:  # pragma: no cover - runs compiled
    n = values.shape[0]
    tails = np.empty(n, np.int64)
    previous = np.full(n, -1, np.int64)
    length = 0
    for i in range(n):
        value = values[i]
        lo, hi = 0, length
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo > 0:
            previous[i] = tails[lo - 1]
        tails[lo] = i
        if lo == length:
            length += 1
    keep = np.zeros(n, np.bool_)
    k = tails[length - 1]
    while k >= 0:
        keep[k] = True
        k = previous[k]
    return keep
