"""Trading-day ids for the daily loss limit: days start at a local reset time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from tradewind.risk.errors import RiskConfigError

__all__ = ["DAY_NS", "DailyReset", "local_wall_ns", "zone"]

DAY_NS = 86_400 * 1_000_000_000
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone `name`.

    Raises:
        RiskConfigError: the name is unknown, naming `field`.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise RiskConfigError(
            f"invalid {field} {name!r}: expected an IANA time zone such as 'America/New_York'"
        ) from None


def local_wall_ns(timestamps_ns: np.ndarray, timezone: str) -> np.ndarray:
    """Local wall-clock time in `timezone` of UTC instants, as int64 ns since 1970-01-01.

    Vectorized (DST-exact through pandas' time-zone conversion).
    """
    zone(timezone)
    utc = np.asarray(timestamps_ns, dtype=np.int64)
    index = pd.DatetimeIndex(utc.view("M8[ns]")).tz_localize("UTC").tz_convert(timezone)
    wall = np.asarray(index.tz_localize(None).as_unit("ns"), dtype="M8[ns]")
    return wall.view(np.int64)


@dataclass(frozen=True, slots=True)
class DailyReset:
    """When the trading day rolls over: `reset_time` local to `timezone` (e.g. 17:00
    America/New_York). The day that starts at a reset is labelled by the local calendar
    date of that reset; ids are days since 1970-01-01 of that label.

    The rollover follows the local wall clock, so it stays at 17:00 New York time
    across daylight-saving changes.

    Raises:
        RiskConfigError: an unknown time zone or a reset time that is not a `time`.
    """

    reset_time: time = time(0, 0)
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if not isinstance(self.reset_time, time):
            raise RiskConfigError(
                f"invalid daily_reset_time {self.reset_time!r}: expected a time such as 17:00"
            )
        zone(self.timezone, field="daily reset timezone")

    @property
    def _offset_ns(self) -> int:
        t = self.reset_time
        return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000_000 + t.microsecond * 1000

    def day_id(self, ts: datetime) -> int:
        """The trading-day id of instant `ts` (timezone-aware; naive is read as UTC)."""
        aware = ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)
        wall = aware.astimezone(zone(self.timezone)).replace(tzinfo=None)
        shifted = wall - timedelta(microseconds=self._offset_ns // 1000)
        return shifted.date().toordinal() - _EPOCH_ORDINAL

    def day_ids(self, timestamps_ns: np.ndarray) -> np.ndarray:
        """Trading-day ids (int64) of UTC instants given as int64 ns, vectorized."""
        wall = local_wall_ns(timestamps_ns, self.timezone)
        ids: np.ndarray = np.floor_divide(wall - self._offset_ns, DAY_NS)
        return ids
