"""A run's equity curve for the chart, evenly downsampled."""

from __future__ import annotations

from tradewind.app.monitor.journal_queries import equity_points
from tradewind.app.monitor.views import EquityPoint, MonitorError
from tradewind.store import Journal, UnknownRunError

__all__ = ["equity_curve"]


def equity_curve(
    journal: Journal, run_id: str, *, max_points: int = 2000
) -> tuple[EquityPoint, ...]:
    """The run's equity curve, at most `max_points` points picked evenly by position,
    always with the first and the last (empty for a run without equity points).

    Raises:
        MonitorError: an unknown run, or `max_points` below 2.
    """
    if max_points < 2:
        raise MonitorError(f"invalid max_points {max_points}: expected at least 2")
    with journal.engine.connect() as connection:
        points = equity_points(connection, run_id)
    if not points:
        try:
            journal.run(run_id)
        except UnknownRunError:
            raise MonitorError(f"unknown run {run_id!r} in journal {journal.label}") from None
        return ()
    count = len(points)
    if count > max_points:
        step = (count - 1) / (max_points - 1)
        points = [points[round(i * step)] for i in range(max_points)]
    return tuple(
        EquityPoint(time_s=int(ts.timestamp()), equity_usd=equity, drawdown_pct=abs(dd) * 100.0)
        for ts, equity, dd in points
    )
