"""The daily summary notice: what a run did on one UTC day, read from its journal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from tradewind.app.notification_records import Notice
from tradewind.config.operator import NoticeKind
from tradewind.domain.order_enums import OrderType

if TYPE_CHECKING:
    from tradewind.store import Journal

__all__ = ["daily_summary"]

_STOP_TYPES = frozenset({OrderType.STOP.value, OrderType.STOP_LIMIT.value})


def daily_summary(journal: Journal, run_id: str, day: date) -> Notice:
    """The DAILY_SUMMARY notice of run `run_id` for the UTC day `day`: orders placed (and
    how many of them stop orders), fills, risk denials by reason, and equity at the day's
    last row with its change since the last row before the day (the day's P&L, marked to
    market, base currency).

    Raises:
        UnknownRunError: no such run in the journal.
    """
    journal.run(run_id)
    orders = [o for o in journal.orders(run_id) if _on(o.ts_created, day)]
    fills = [f for f in journal.fills(run_id) if _on(f.ts, day)]
    denials = [
        d.reason or f"code {d.reason_code}"
        for d in journal.risk_decisions(run_id)
        if _on(d.ts, day) and str(d.action) == "deny"
    ]
    stops = sum(1 for o in orders if str(o.order_type) in _STOP_TYPES)
    lines = [
        f"Orders placed: {len(orders)}, of which stop orders: {stops}",
        f"Fills: {len(fills)}{_by_market(f.market for f in fills)}",
        f"Risk denials: {len(denials)}{_by_reason(denials)}",
        _equity_line(journal, run_id, day),
    ]
    return Notice(NoticeKind.DAILY_SUMMARY, f"Daily summary {day.isoformat()}", "\n".join(lines))


def _equity_line(journal: Journal, run_id: str, day: date) -> str:
    before: Decimal | None = None
    last: Decimal | None = None
    for point in journal.equity(run_id):
        ts_day = _utc_day(point.ts)
        if ts_day < day:
            before = Decimal(point.equity)
        elif ts_day == day:
            last = Decimal(point.equity)
    if last is None:
        return "Equity: no row this day"
    if before is None:
        return f"Equity: {last:,.2f} (first day of the run)"
    return f"Equity: {last:,.2f} (P&L {last - before:+,.2f} since the day before)"


def _by_market(markets: Iterable[str]) -> str:
    counts = Counter(markets)
    return f" ({_counts(counts)})" if counts else ""


def _by_reason(reasons: list[str]) -> str:
    return f" ({_counts(Counter(reasons))})" if reasons else ""


def _counts(counter: Counter[str]) -> str:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {name}" for name, count in ranked)


def _on(ts: datetime | int, day: date) -> bool:
    return _utc_day(ts) == day


def _utc_day(ts: datetime | int) -> date:
    if isinstance(ts, int):
        return datetime.fromtimestamp(ts / 1e9, tz=UTC).date()
    return ts.astimezone(UTC).date()
