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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tradewind.data.parse_issues import NumberedReason, ParseIssue
from tradewind.data.schema import PRICE_FIELDS, VALUE_FIELDS, DataError
from tradewind.data.timestamp_order import longest_increasing_mask, ordering_issues
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
    found.extend(ordering_issues(stamps, rows, ~bad))
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
