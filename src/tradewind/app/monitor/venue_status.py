"""Per-market venue status from the shown run's heartbeat.

A session's heartbeat may carry `detail["markets"][market] = {"venue", "state",
"reason", "last_bar", "latency_ms", "marks"}`. Fresh and not ended: the session's own
word (connected, degraded or down), or `connected` when an older session sends no
markets block; stale and not ended: `down`; ended (the last beat says so, or the run
is no longer running): `stopped`, with the last known bar and latency; no heartbeat
(backtests, journals from before heartbeats): `unknown`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tradewind.app.control_commands import FRESH_HEARTBEAT_S
from tradewind.app.monitor.views import VenueStatusView
from tradewind.config import MarketConfig
from tradewind.store import Heartbeat

__all__ = ["beat_ended", "heartbeat_marks", "market_block", "venue_status"]

_STATES = ("connected", "degraded", "down")


def beat_ended(beat: Heartbeat, run_running: bool) -> bool:
    """The session said it ended (`"ended": true`), or its run is no longer running."""
    return beat.detail.get("ended") is True or not run_running


def market_block(beat: Heartbeat | None, market: str) -> Mapping[str, Any]:
    """The heartbeat's markets block for `market` ({} when absent or malformed)."""
    if beat is None:
        return {}
    markets = beat.detail.get("markets")
    block = markets.get(market) if isinstance(markets, Mapping) else None
    return block if isinstance(block, Mapping) else {}


def heartbeat_marks(beat: Heartbeat | None) -> dict[str, dict[str, float]]:
    """market -> symbol -> last close, from the heartbeat's markets block."""
    if beat is None:
        return {}
    markets = beat.detail.get("markets")
    if not isinstance(markets, Mapping):
        return {}
    marks: dict[str, dict[str, float]] = {}
    for market, block in markets.items():
        found = block.get("marks") if isinstance(block, Mapping) else None
        if isinstance(found, Mapping):
            marks[str(market)] = {
                str(symbol): float(price)
                for symbol, price in found.items()
                if isinstance(price, int | float) and not isinstance(price, bool)
            }
    return marks


def venue_status(
    market: str,
    config: MarketConfig | None,
    beat: Heartbeat | None,
    *,
    run_running: bool,
    now: datetime,
) -> VenueStatusView:
    """The venue status of `market` in the shown run (see the module docstring);
    `run_running` is whether the run's journaled status is running."""
    block = market_block(beat, market)
    venue = str(block.get("venue") or _configured_venue(config))
    if beat is None:
        return VenueStatusView(market, venue, "unknown", "no heartbeat", None, None, None, None)
    age_s = max(0.0, (now - beat.beat_at).total_seconds())
    last_bar, latency_ms = _last_bar(block), _latency(block)
    if beat_ended(beat, run_running):
        state, reason = "stopped", "the session ended"
    elif age_s > FRESH_HEARTBEAT_S:
        state, reason = "down", f"no heartbeat for {age_s:.0f} s"
    elif not block:
        state, reason = "connected", "session alive (no venue detail in its heartbeat)"
    else:
        told = str(block.get("state", "")).lower()
        state = told if told in _STATES else "unknown"
        reason = str(block.get("reason") or "")
    return VenueStatusView(market, venue, state, reason, last_bar, latency_ms, age_s, beat.run_id)


def _configured_venue(config: MarketConfig | None) -> str:
    if config is None:
        return "unknown"
    return config.exchange or config.provider.value


def _last_bar(block: Mapping[str, Any]) -> datetime | None:
    text = block.get("last_bar")
    if not isinstance(text, str):
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _latency(block: Mapping[str, Any]) -> float | None:
    value = block.get("latency_ms")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
