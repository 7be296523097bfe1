"""A running session's status, published in its heartbeat for the dashboard.

Per market: its venue, whether its feed is `connected`, `degraded` or `down` and why,
the instant of the last row that brought its bars, how long the last request for bars
took, and the last close of each symbol (the marks open positions are valued at).

`session_status` runs on the control watcher's thread while the session's thread works:
it only reads (dictionary look-ups, copies of a row or two of the panel's arrays), so a
read may see a row half written (one stale float), never raise on a structure resized
under it; a market whose status cannot be read keeps its previous one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np

from tradewind.app.venue_feed import VenueBarFeed
from tradewind.config.vocabulary import Provider
from tradewind.domain.timestamps import instant_from_ns
from tradewind.engine.feeds import RowFeed
from tradewind.engine.panel import MarketPanel

if TYPE_CHECKING:
    from tradewind.app.session import TradingSession
    from tradewind.app.session_loop import SessionLoop
    from tradewind.config import TradewindConfig

__all__ = ["CONNECTED", "DEGRADED", "DOWN", "STALE_AFTER_BARS", "market_venues", "session_status"]

CONNECTED, DEGRADED, DOWN = "connected", "degraded", "down"
STALE_AFTER_BARS = 3
"""A venue feed whose last bar is older than this many bar intervals is degraded."""

_SEARCH_ROWS = 64  # rows searched back for the last bar before searching them all
_BROKER_VENUES = {
    Provider.OANDA: "oanda",
    Provider.ALPACA: "alpaca",
    Provider.IB: "interactive_brokers",
}


def market_venues(config: TradewindConfig) -> dict[str, str]:
    """Per enabled market, its venue as configured: `sim`, the exchange id of a ccxt
    market (`binance`), `oanda`, `alpaca` or `interactive_brokers`."""
    venues: dict[str, str] = {}
    for name, market in config.enabled_markets.items():
        if market.provider is Provider.CCXT:
            venues[name] = market.exchange or Provider.CCXT.value
        else:
            venues[name] = _BROKER_VENUES.get(market.provider, market.provider.value)
    return venues


def session_status(
    loop: SessionLoop,
    *,
    row: int,
    mode: str,
    lost: Collection[str] = (),
    venues: Mapping[str, str] | None = None,
    row_age_s: float = 0.0,
    previous: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The heartbeat's detail: `row`, `paused`, `mode` and `markets` (JSON-compatible).

    Args:
        loop: the session's pass.
        row: the row the session is at (-1 before the first).
        mode: the session's mode.
        lost: markets the operator watch counts as lost (their venue down too long).
        venues: venue name per market (`market_venues`); missing: the provider's.
        row_age_s: wall seconds since `row` started (ages the last bar of venue feeds).
        previous: the last status's `markets`, kept for a market that cannot be read.
    """
    session = loop.session
    known = previous or {}
    markets: dict[str, object] = {}
    for name in session.market_names:
        venue = (venues or {}).get(name) or session.venues.get(name, {}).get("provider", "")
        try:
            markets[name] = _market_status(session, name, row, venue, lost, row_age_s, known)
        except Exception:  # a read torn by the session's thread: keep the last status
            if name in known:
                markets[name] = known[name]
    return {"row": row, "paused": dict(session.paused), "mode": mode, "markets": markets}


def _market_status(
    session: TradingSession,
    name: str,
    row: int,
    venue: str,
    lost: Collection[str],
    row_age_s: float,
    known: Mapping[str, object],
) -> dict[str, object]:
    feed = session.feeds.get(name)
    live = session.live
    cols = np.asarray(tuple(feed.symbols) if feed is not None else (), dtype=np.intp)
    r = min(row, live.shape[0] - 1)
    last_row = _last_bar_row(live.fresh, cols, r)
    last_ns = int(live.timestamps[last_row]) if last_row is not None else None
    state, reason = _state(session, name, feed, r, last_ns, lost, row_age_s)
    try:
        marks = _marks(live, cols, r)
    except Exception:  # torn read: the previous marks
        before = known.get(name)
        marks = dict(before.get("marks", {})) if isinstance(before, Mapping) else {}
    return {
        "venue": venue,
        "state": state,
        "reason": reason,
        "last_bar": None if last_ns is None else instant_from_ns(last_ns).isoformat(),
        "latency_ms": feed.latency_ms if isinstance(feed, VenueBarFeed) else None,
        "marks": marks,
    }


def _state(
    session: TradingSession,
    name: str,
    feed: RowFeed | None,
    r: int,
    last_ns: int | None,
    lost: Collection[str],
    row_age_s: float,
) -> tuple[str, str]:
    """(state, reason) of market `name` at row `r`."""
    health = session.feed_health
    paused = session.paused.get(name, "")
    if paused or health.is_down(name) or name in lost:
        reason = paused or health.last_error(name) or "feed down"
        return DOWN, (f"venue lost; {reason}" if name in lost else reason)
    shaky = health.shaky(name, r) if r >= 0 else ""
    if shaky:
        return DEGRADED, shaky
    if isinstance(feed, VenueBarFeed) and last_ns is not None and r >= 0:
        interval_s = feed.bar_interval_s
        age_s = (int(session.live.timestamps[r]) - last_ns) / 1e9 + max(row_age_s, 0.0)
        if interval_s and age_s > STALE_AFTER_BARS * interval_s:
            return DEGRADED, f"last bar {int(age_s // interval_s)} bars old"
    return CONNECTED, ""


def _last_bar_row(fresh: np.ndarray, cols: np.ndarray, r: int) -> int | None:
    """The last row at or before `r` with a bar in any of `cols` (None: none yet)."""
    if r < 0 or cols.size == 0:
        return None
    start = max(0, r + 1 - _SEARCH_ROWS)
    for lo in (start, 0):  # the recent rows first, then all of them
        hits = np.flatnonzero(fresh[lo : r + 1][:, cols].any(axis=1))
        if hits.size:
            return lo + int(hits[-1])
        if lo == 0:
            break
    return None


def _marks(live: MarketPanel, cols: np.ndarray, r: int) -> dict[str, float]:
    """The last close of each symbol of `cols` as of row `r` (the row's marks once it
    is polled, the previous row's before)."""
    if r < 0 or cols.size == 0:
        return {}
    values = live.mark[r, cols]  # fancy indexing: a copy
    if r > 0:
        values = np.where(np.isnan(values), live.mark[r - 1, cols], values)
    symbols = live.symbols
    return {
        str(symbols[c]): float(v) for c, v in zip(cols.tolist(), values.tolist(), strict=True)
        if not math.isnan(v)
    }  # fmt: skip
