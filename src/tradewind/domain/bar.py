"""One OHLCV bar as a value object (the edge representation; the core uses arrays)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.market import QuoteType
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc

__all__ = ["Bar"]


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLCV bar of one instrument.

    `open_time` is the bar's open instant (intraday) or its session date at 00:00 UTC
    (daily and longer); `close_time` is when it closes. Both are stored in UTC. A bar
    is visible to consumers only from `close_time` on.

    Prices are floats in quote currency. `close` is required; `open`, `high`, `low` and
    `volume` may be NaN when the source lacks that field entirely (see the series'
    `fields`). Present values satisfy `low <= open, close <= high`, `volume >= 0`, and
    prices are > 0 unless `quote_type` allows otherwise (yields).

    Raises:
        DomainError: a field is missing, non-finite or inconsistent.
    """

    instrument_id: InstrumentId
    timeframe: Timeframe
    open_time: datetime
    close_time: datetime
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_type: QuoteType = QuoteType.PRICE

    def __post_init__(self) -> None:
        if not isinstance(self.instrument_id, InstrumentId):
            raise DomainError(
                f"invalid bar instrument_id {self.instrument_id!r}: expected an InstrumentId"
            )
        set_ = object.__setattr__
        try:
            set_(self, "quote_type", QuoteType(self.quote_type))
        except ValueError:
            raise DomainError(
                f"invalid bar quote_type {self.quote_type!r} for {self.instrument_id}: "
                "expected price, index_level or yield"
            ) from None
        set_(self, "timeframe", Timeframe.parse(self.timeframe))
        set_(self, "open_time", ensure_utc(self.open_time, field=f"open_time of {self._where}"))
        set_(self, "close_time", ensure_utc(self.close_time, field=f"close_time of {self._where}"))
        if self.close_time <= self.open_time:
            raise DomainError(
                f"invalid bar {self._where}: close_time {self.close_time.isoformat()} must be "
                f"after open_time {self.open_time.isoformat()}"
            )
        for name in ("open", "high", "low", "close", "volume"):
            set_(self, name, self._number(name))
        self._check_prices()

    @property
    def _where(self) -> str:
        opened = self.open_time.isoformat() if isinstance(self.open_time, datetime) else "?"
        return f"{self.instrument_id} {self.timeframe} at {opened}"

    def _number(self, name: str) -> float:
        raw = getattr(self, name)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise DomainError(
                f"invalid {name} {raw!r} in bar {self._where}: expected a number, "
                f"found {type(raw).__name__}"
            )
        value = float(raw)
        if math.isinf(value) or (math.isnan(value) and name == "close"):
            raise DomainError(
                f"invalid {name} {value} in bar {self._where}: expected a finite number"
            )
        return value

    def _check_prices(self) -> None:
        present = {
            name: value
            for name in ("open", "high", "low", "close")
            if not math.isnan(value := getattr(self, name))
        }
        if self.quote_type.must_be_positive:
            for name, value in present.items():
                if value <= 0:
                    raise DomainError(
                        f"invalid {name} {value} in bar {self._where}: expected a price > 0"
                    )
        high, low = present.get("high"), present.get("low")
        if high is not None and low is not None and high < low:
            raise DomainError(f"invalid bar {self._where}: high {high} is below low {low}")
        for name in ("open", "close"):
            value = present.get(name)
            if value is None:
                continue
            if high is not None and value > high:
                raise DomainError(f"invalid bar {self._where}: {name} {value} is above high {high}")
            if low is not None and value < low:
                raise DomainError(f"invalid bar {self._where}: {name} {value} is below low {low}")
        if not math.isnan(self.volume) and self.volume < 0:
            raise DomainError(
                f"invalid volume {self.volume} in bar {self._where}: expected a value >= 0"
            )

    def is_visible_at(self, at: datetime) -> bool:
        """Whether a consumer at instant `at` may see this bar (`at >= close_time`).

        Raises:
            DomainError: `at` is naive.
        """
        return ensure_utc(at, field="visibility time") >= self.close_time
