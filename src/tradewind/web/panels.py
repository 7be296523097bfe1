"""The dashboard's panels: which journal topics refresh each one, and the context each
template gets for a tab (a market class, or `all`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.api.state import ServerState
    from tradewind.app.monitor import MarketView, Overview

__all__ = ["ALL", "PANELS", "Tab", "panel_context", "tabs_of"]

ALL = "all"

PANELS: dict[str, tuple[str, ...]] = {
    "summary": ("risk", "sessions", "liveness", "controls", "fills"),
    "venues": ("sessions", "liveness", "runs"),
    "strategies": ("controls", "promotions", "runs"),
    "positions": ("fills", "sessions"),
    "exposure": ("fills", "sessions", "risk", "runs"),
    "signals": ("signals", "runs"),
    "risk": ("risk", "controls", "runs"),
    "capital": ("risk", "runs"),
}
"""Panel name -> the change-feed topics that refresh it."""


@dataclass(frozen=True, slots=True)
class Tab:
    key: str  # a market class value, or "all"
    label: str


def tabs_of(view: Overview) -> tuple[Tab, ...]:
    """One tab per market class the markets use (config order), then ALL MARKETS."""
    from tradewind.web.rendering import tab_label

    keys = (*view.market_classes, ALL)
    return tuple(Tab(key, tab_label(key)) for key in keys)


def _totals(markets: tuple[MarketView, ...]) -> dict[str, float]:
    unrealized = [m.unrealized_pnl for m in markets if m.unrealized_pnl is not None]
    return {
        "exposure_usd": sum(m.exposure_usd for m in markets),
        "allocation_usd": sum(m.allocation_usd or 0.0 for m in markets),
        "realized_today": sum(m.realized_pnl_today for m in markets),
        "unrealized": sum(unrealized) if unrealized else 0.0,
        "positions": float(sum(len(m.positions) for m in markets)),
    }


def panel_context(state: ServerState, tab: str) -> dict[str, Any]:
    """What every panel of `tab` may show (the markets of the tab, the overview, ...).

    Raises:
        KeyError: `tab` is neither a market class of the overview nor `all`.
    """
    view = state.overview()
    if tab != ALL and tab not in view.market_classes:
        raise KeyError(tab)
    markets = view.for_class(None if tab == ALL else tab)
    mmin, mmin_error = state.mmin()
    return {
        "view": view,
        "tab": tab,
        "tabs": tabs_of(view),
        "markets": markets,
        "totals": _totals(markets),
        "positions": [p for m in markets for p in m.positions],
        "signals": sorted(
            (s for m in markets for s in m.signals), key=lambda s: s.ts, reverse=True
        )[:20],
        "allocations": [
            a for a in view.allocations if tab == ALL or a.market in {m.name for m in markets}
        ],
        "mmin": mmin,
        "mmin_error": mmin_error,
        "mmin_note": state.mmin_note,
        "panels": PANELS,
        "has_config": state.config is not None,
    }
