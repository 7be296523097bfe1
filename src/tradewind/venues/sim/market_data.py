"""`SimMarketData`: the live market-data port as a replay over stored bar frames.

A replay clock (`advance_to`) decides what has happened: a bar exists for the
port's callers only once its `close_time` is at or before the clock, exactly as a
live venue never serves a bar that is still forming.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pandas as pd

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc
from tradewind.ports.market_data import BarFrame

__all__ = ["SimMarketData"]

_COLUMNS = ("timestamp", "close_time", "open", "high", "low", "close", "volume")


class SimMarketData:
    """Closed bars and history of a few instruments, replayed up to a moving clock.

    Args:
        frames: one normalized `BarFrame` per instrument, all at `timeframe`.
        timeframe: the only timeframe served.
        venue: the venue named by `venue`.

    Raises:
        DomainError: a frame whose columns are not the normalized ones (naming the
            instrument and what was expected) or whose timestamps are not ascending.
    """

    def __init__(
        self,
        frames: Mapping[InstrumentId, BarFrame],
        timeframe: Timeframe,
        venue: Venue | str = "SIM",
    ) -> None:
        self._venue = venue if isinstance(venue, Venue) else Venue(venue)
        self._timeframe = timeframe
        self._frames = {iid: _checked(iid, frame) for iid, frame in frames.items()}
        self._now: pd.Timestamp | None = None

    @property
    def venue(self) -> Venue:
        return self._venue

    @property
    def now(self) -> datetime | None:
        """The replay clock; None before the first `advance_to` (nothing visible yet)."""
        return None if self._now is None else self._now.to_pydatetime()

    def advance_to(self, now: datetime) -> None:
        """Move the replay clock to `now` (UTC); bars closed by then become visible.

        Raises:
            DomainError: `now` is naive or before the current clock.
        """
        instant = pd.Timestamp(ensure_utc(now, field="replay time"))
        if self._now is not None and instant < self._now:
            raise DomainError(
                f"invalid replay time {instant.isoformat()}: before the current "
                f"{self._now.isoformat()} (the replay only moves forward)"
            )
        self._now = instant

    def close_times(self) -> list[datetime]:
        """Every distinct bar close instant across the instruments, ascending."""
        closes = pd.concat([f["close_time"] for f in self._frames.values()], ignore_index=True)
        return [t.to_pydatetime() for t in sorted(set(closes.dropna()))]

    def instruments(self) -> Sequence[InstrumentId]:
        return list(self._frames)

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Bars with `since < close_time <= now`, oldest first."""
        frame = self._visible(instrument_id, timeframe)
        if since is not None:
            after = pd.Timestamp(ensure_utc(since, field="since"))
            frame = frame[frame["close_time"] > after]
        return frame.reset_index(drop=True)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Closed bars with `start <= timestamp < end` (`end` None: up to now)."""
        frame = self._visible(instrument_id, timeframe)
        mask = frame["timestamp"] >= pd.Timestamp(ensure_utc(start, field="start"))
        if end is not None:
            mask &= frame["timestamp"] < pd.Timestamp(ensure_utc(end, field="end"))
        return frame[mask].reset_index(drop=True)

    def _visible(self, instrument_id: InstrumentId, timeframe: Timeframe) -> pd.DataFrame:
        frame = self._frames.get(instrument_id)
        if frame is None:
            served = ", ".join(str(i) for i in self._frames) or "none"
            raise DomainError(
                f"unknown instrument {instrument_id} in the {self._venue} replay (served: {served})"
            )
        if timeframe != self._timeframe:
            raise DomainError(
                f"timeframe {timeframe} of {instrument_id} is not served by the "
                f"{self._venue} replay: expected {self._timeframe}"
            )
        if self._now is None:
            return frame.iloc[0:0]
        return frame[frame["close_time"] <= self._now]


def _checked(instrument_id: InstrumentId, frame: pd.DataFrame) -> pd.DataFrame:
    columns = tuple(frame.columns)
    if columns != _COLUMNS:
        raise DomainError(
            f"invalid bar frame for {instrument_id}: expected columns {', '.join(_COLUMNS)}, "
            f"found {', '.join(map(str, columns)) or 'none'}"
        )
    for name in ("timestamp", "close_time"):
        if not isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            raise DomainError(
                f"invalid bar frame for {instrument_id}: column {name} must be timezone-aware "
                f"datetimes (UTC), found {frame[name].dtype}"
            )
    if not frame["timestamp"].is_monotonic_increasing:
        raise DomainError(
            f"invalid bar frame for {instrument_id}: timestamps are not in ascending order"
        )
    return frame.reset_index(drop=True)
