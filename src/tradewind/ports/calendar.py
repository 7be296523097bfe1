"""The trading-calendar port: when a market is open and when its bars close.

Implementations live in `tradewind.data.calendars` (`get_calendar("XNYS")`). The
port imports only the domain; pandas/numpy types are annotated as `Any` so that
importing ports never pulls in pandas.

Conventions shared by every method:

* instants are UTC (tz-naive input is read as UTC), nanosecond resolution;
* a session `[open, close)` is labelled by its trading date (tz-naive midnight in
  `sessions()`/`session_labels()`, 00:00 UTC in bar timestamps);
* an instant exactly at a session close belongs to no session (the next session,
  if it opens at that very instant, owns it);
* a bar is visible only from its close time on: `bar_close_times` is the single
  source of that instant.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from tradewind.domain.timeframe import Timeframe

__all__ = ["TradingCalendar"]


@runtime_checkable
class TradingCalendar(Protocol):
    """Sessions of one market (24/7 crypto, 24/5 FX, or an exchange such as XNYS)."""

    @property
    def name(self) -> str:
        """The calendar code, e.g. `"24/7"`, `"FX"`, `"XNYS"`."""
        ...

    def sessions(self, start: Any, end: Any) -> Any:
        """Sessions whose label lies in `[start, end]` (dates, inclusive).

        Returns a DataFrame indexed by the tz-naive session label (midnight) with
        `open` and `close` columns (datetime64[ns, UTC]).
        """
        ...

    def is_open(self, instants: Any) -> Any:
        """Boolean ndarray: whether the market is open at each instant (NaT -> False)."""
        ...

    def session_labels(self, instants: Any) -> Any:
        """DatetimeIndex (tz-naive midnight) of the session each instant belongs to.

        NaT where the market is closed at that instant, including exactly at a close.
        """
        ...

    def bar_close_times(self, bar_times: Any, timeframe: Timeframe | str) -> Any:
        """DatetimeIndex (UTC) of the instant each bar closes.

        Daily bars (timestamp = session date at 00:00 UTC) close at that session's
        close; weekly/monthly bars at the close of the period's last session; intraday
        bars (timestamp = bar open) at `min(open + timeframe, session close)`. NaT for
        a daily label that is not a session or an intraday open outside any session.
        """
        ...

    def expected_bar_times(self, start: Any, end: Any, timeframe: Timeframe | str) -> Any:
        """DatetimeIndex (UTC) of the bar timestamps a gap-free series has in `[start, end]`.

        Daily: session labels at 00:00 UTC. Intraday: bar opens stepping by the
        timeframe from each session's open while inside the session.
        """
        ...
