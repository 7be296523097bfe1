"""Vectorized bar validation: every rejected row is counted per rule and quarantined.

Rules run in two stages. Value rules (parse failures, non-finite or non-positive
prices, high < low, open/close outside [low, high], negative volume) look at each row
alone. Ordering rules (duplicate and out-of-order timestamps) then run on the rows
that passed the value rules, so a broken row cannot make a good row look out of order.

Secondary checks (`high_below_low`, `ohlc_inconsistent`) run only on rows whose
prices are otherwise sane, so one bad value is reported under one rule; genuinely
independent faults (a NaN close and a negative volume) are each counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from tradewind.data.schema import PRICE_FIELDS, VALUE_FIELDS, DataError
from tradewind.domain.market import QuoteType

__all__ = [
    "RULES",
    "ParseIssue",
    "ValidationResult",
    "longest_increasing_mask",
    "validate_bars",
]

RULES: tuple[str, ...] = (
    "unparseable_timestamp",
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
class ParseIssue:
    """Rows flagged before validation (by the file reader): rule name, mask, reason.

    `reason` is one text for every flagged row or an array with one text per row.
    """

    rule: str
    mask: np.ndarray
    reason: str | np.ndarray


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Accepted rows (timestamp + value fields, ascending, unique) and the quarantine.

    `quarantine` has `row_number, rules, reason` then the raw source values (`raw_*`).
    `counts` maps every rule in `RULES` to the number of rows that violate it; a row
    violating two rules counts under both but is quarantined once.
    """

    accepted: pd.DataFrame
    quarantine: pd.DataFrame
    counts: Mapping[str, int]
    rows_in: int
    accepted_row_numbers: np.ndarray = field(repr=False)

    @property
    def rejected(self) -> int:
        return len(self.quarantine)

    @property
    def nonzero_counts(self) -> dict[str, int]:
        return {rule: n for rule, n in self.counts.items() if n}


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
        raw: the source values as read, one row per frame row, copied into the quarantine.

    Raises:
        DataError: the frame lacks a timestamp column or a listed field.
    """
    n = len(frame)
    missing = [name for name in ("timestamp", *fields) if name not in frame.columns]
    if missing:
        raise DataError(
            f"bar frame lacks column(s) {', '.join(missing)}; found: {', '.join(map(str, frame))}"
        )
    rows = np.arange(1, n + 1, dtype=np.int64) if row_numbers is None else row_numbers
    stamps = _as_ns(frame["timestamp"])
    present = [name for name in VALUE_FIELDS if name in fields]
    values = {name: frame[name].to_numpy(dtype="float64", na_value=np.nan) for name in present}

    found = list(issues)
    parse_masks = _masks_by_rule(found)
    untimed = (stamps == _NAT) & ~_any_of(parse_masks, n, _TIME_RULES)
    if untimed.any():
        found.append(ParseIssue("unparseable_timestamp", untimed, "timestamp is missing"))
    found.extend(_value_issues(values, quote_type, parse_masks.get("unparseable_number"), n))

    bad = _any_of(_masks_by_rule(found), n, RULES)
    found.extend(_ordering_issues(stamps, rows, ~bad))
    by_rule = _masks_by_rule(found)
    rejected = _any_of(by_rule, n, RULES)

    keep = np.flatnonzero(~rejected)
    accepted = pd.DataFrame(
        {
            "timestamp": pd.DatetimeIndex(stamps[keep].view("datetime64[ns]"), tz="UTC"),
            **{
                name: values[name][keep] if name in values else np.full(keep.size, np.nan)
                for name in VALUE_FIELDS
            },
        }
    )
    counts = {rule: int(by_rule[rule].sum()) if rule in by_rule else 0 for rule in RULES}
    quarantine = _quarantine_frame(found, by_rule, rejected, rows, raw, frame, present)
    return ValidationResult(accepted, quarantine, counts, n, rows[keep])


_TIME_RULES = ("unparseable_timestamp", "ambiguous_local_time", "nonexistent_local_time")


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
    unparsed: np.ndarray | None,
    n: int,
) -> list[ParseIssue]:
    # Cells that failed to parse are already reported as unparseable_number.
    parsed = np.ones(n, dtype=bool) if unparsed is None else ~unparsed
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
    if sub.size < 2 or bool(np.all(np.diff(sub) > 0)):
        return []
    issues: list[ParseIssue] = []
    series = pd.Series(rows[index], index=sub)
    dup_sub = series.index.duplicated(keep="first")
    if dup_sub.any():
        first_row = series.groupby(level=0).transform("first").to_numpy()
        reason = np.full(n, "", dtype=object)
        reason[index[dup_sub]] = "duplicate timestamp; first kept at row " + first_row[
            dup_sub
        ].astype(str).astype(object)
        mask = np.zeros(n, dtype=bool)
        mask[index[dup_sub]] = True
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


def _quarantine_frame(
    issues: Sequence[ParseIssue],
    by_rule: Mapping[str, np.ndarray],
    rejected: np.ndarray,
    rows: np.ndarray,
    raw: pd.DataFrame | None,
    frame: pd.DataFrame,
    present: Sequence[str],
) -> pd.DataFrame:
    index = np.flatnonzero(rejected)
    source = raw if raw is not None else frame[["timestamp", *present]]
    if index.size == 0:
        names = ["rules", "reason", *(f"raw_{c}" for c in source.columns)]
        return pd.DataFrame(
            {
                "row_number": np.zeros(0, dtype=np.int64),
                **{name: np.zeros(0, dtype=object) for name in names},
            }
        )
    rules = _join_parts(((by_rule[r][index], r) for r in RULES if r in by_rule), index.size)
    reasons = _join_parts(
        (
            (
                np.asarray(issue.mask, dtype=bool)[index],
                issue.reason if isinstance(issue.reason, str) else issue.reason[index],
            )
            for issue in issues
        ),
        index.size,
    )
    raw_part = {
        f"raw_{name}": source[name].iloc[index].astype("str").to_numpy(dtype=object)
        for name in source.columns
    }
    return pd.DataFrame(
        {
            "row_number": rows[index].astype(np.int64),
            "rules": pd.array(rules, dtype="str"),
            "reason": pd.array(reasons, dtype="str"),
            **{name: pd.array(col, dtype="str") for name, col in raw_part.items()},
        }
    )


def _join_parts(parts: Iterable[tuple[np.ndarray, str | np.ndarray]], size: int) -> np.ndarray:
    out = np.full(size, "", dtype=object)
    for mask, text in parts:
        if not mask.any():
            continue
        piece = text[mask] if isinstance(text, np.ndarray) else text
        current = out[mask]
        out[mask] = np.where(current == "", piece, current + "; " + piece)
    return out
