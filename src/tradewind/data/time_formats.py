"""Which layout a column of naive date/time text is written in, decided on a sample."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["looks_yyyymmdd", "pick_format"]

# Tried in order on a sample; the first with the most parsed values wins, so the US
# month/day layout wins ties against day/month (a note records the ambiguity).
_FORMATS: tuple[str, ...] = (
    "ISO8601",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%Y-%m-%d %I-%p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%m-%Y",
    "%Y%m%d",
)
_SAMPLE = 400
_YYYYMMDD_SHARE = 0.9


def looks_yyyymmdd(text: pd.Series) -> bool:
    """Whether nearly all values are eight-digit `YYYYMMDD` dates."""
    # Nearly all values (not every one), so one bad row does not turn a date column
    # into epoch seconds in 1970.
    if text.empty or bool(text.str.contains(".", regex=False).any()):
        return False
    eight = (text.str.len() == 8).to_numpy(dtype=bool)
    dates = pd.to_datetime(text, format="%Y%m%d", errors="coerce").notna().to_numpy(dtype=bool)
    return bool((eight & dates).mean() >= _YYYYMMDD_SHARE)


def pick_format(sample_source: pd.Series, note: Callable[[str], None]) -> str:
    """The layout that parses the most of an even sample of the values (notes the choice)."""
    count = len(sample_source)
    picks = np.unique(np.linspace(0, count - 1, num=min(count, _SAMPLE)).astype(int))
    sample = sample_source.iloc[picks]
    best, best_score, scores = _FORMATS[0], -1, {}
    for fmt in _FORMATS:
        score = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
        scores[fmt] = score
        if score > best_score:
            best, best_score = fmt, score
        if score == len(sample) and "%m/%d" not in fmt:
            break
    swapped = best.replace("%m/%d", "%d/%m")
    if swapped != best and scores.get(swapped, _score(sample, swapped)) == best_score:
        note(f"dates are ambiguous between month/day and day/month; read as {best}")
    if best != "ISO8601":
        note(f"timestamps read with format {best}")
    return best


def _score(sample: pd.Series, fmt: str) -> int:
    return int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
