"""Bar timeframes such as `1m`, `4h`, `1d`, `1w`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tradewind.domain.errors import DomainError


class TimeUnit(StrEnum):
    MINUTE = "m"
    HOUR = "h"
    DAY = "d"
    WEEK = "w"
    MONTH = "M"


_UNIT_SECONDS: dict[TimeUnit, int] = {
    TimeUnit.MINUTE: 60,
    TimeUnit.HOUR: 3_600,
    TimeUnit.DAY: 86_400,
    TimeUnit.WEEK: 604_800,
}
_PATTERN = re.compile(r"^\s*(\d+)\s*([a-zA-Z]+)\s*$")
_UNIT_WORDS: dict[str, TimeUnit] = {
    "m": TimeUnit.MINUTE,
    "min": TimeUnit.MINUTE,
    "t": TimeUnit.MINUTE,
    "h": TimeUnit.HOUR,
    "d": TimeUnit.DAY,
    "w": TimeUnit.WEEK,
    "M": TimeUnit.MONTH,
    "mo": TimeUnit.MONTH,
}


@dataclass(frozen=True, slots=True, order=True)
class Timeframe:
    """A bar length: `count` units. Parse with `Timeframe.parse("4h")`.

    `m` is minutes and `M` is months (the ccxt convention); hours, days and weeks
    accept either case (`1H` == `1h`).
    """

    count: int
    unit: TimeUnit

    def __post_init__(self) -> None:
        if self.count <= 0:
            raise DomainError(f"invalid timeframe count {self.count}: expected a positive integer")

    @classmethod
    def parse(cls, text: str | Timeframe) -> Timeframe:
        """Parse `"1m"`, `"5m"`, `"1H"`, `"4h"`, `"1d"`, `"1w"`, `"1M"`.

        Raises:
            DomainError: the text is not a count followed by a unit.
        """
        if isinstance(text, Timeframe):
            return text
        match = _PATTERN.match(str(text))
        unit = None
        if match:
            word = match.group(2)
            unit = _UNIT_WORDS.get(word) or _UNIT_WORDS.get(word.lower())
            if word in ("M", "mo", "MO", "Mo"):
                unit = TimeUnit.MONTH
        if match is None or unit is None:
            raise DomainError(
                f"invalid timeframe {text!r}: expected a count and a unit, "
                "e.g. 1m, 5m, 1h, 4h, 1d, 1w or 1M (month)"
            )
        return cls(int(match.group(1)), unit)

    @property
    def is_intraday(self) -> bool:
        return self.unit in (TimeUnit.MINUTE, TimeUnit.HOUR) and self.seconds < 86_400

    @property
    def seconds(self) -> int:
        """Length in seconds.

        Raises:
            DomainError: for month-based timeframes, which have no fixed length.
        """
        if self.unit is TimeUnit.MONTH:
            raise DomainError(f"timeframe {self} has no fixed length in seconds")
        return self.count * _UNIT_SECONDS[self.unit]

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    @property
    def pandas_freq(self) -> str:
        """The pandas offset alias, e.g. `4h`, `1D`, `1W-MON`, `1MS`."""
        alias = {
            TimeUnit.MINUTE: "min",
            TimeUnit.HOUR: "h",
            TimeUnit.DAY: "D",
            TimeUnit.WEEK: "W-MON",
            TimeUnit.MONTH: "MS",
        }[self.unit]
        return f"{self.count}{alias}"

    def __str__(self) -> str:
        return f"{self.count}{self.unit.value}"
