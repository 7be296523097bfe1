"""`overview`: everything the dashboard's market tabs show, in a handful of queries.

Read on every live update, so nothing is cached here and nothing is read per market
that can be read once (the web layer caches by `journal_versions`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tradewind.app.control_commands import running_sessions
from tradewind.app.control_state import fold_controls
from tradewind.app.monitor.journal_queries import (
    fill_tuples,
    last_equity,
    last_risk_state,
    newest_allocations,
    newest_signals,
)
from tradewind.app.monitor.market_view import MarketInputs, market_view
from tradewind.app.monitor.positions import fold_fills, position_views
from tradewind.app.monitor.risk_view import risk_view
from tradewind.app.monitor.run_choice import run_config, run_ref, shown_run
from tradewind.app.monitor.venue_status import heartbeat_marks, venue_status
from tradewind.app.monitor.views import AllocationView, Overview, SessionView
from tradewind.config import TradewindConfig
from tradewind.store import Heartbeat, Journal, RunStatus

__all__ = ["SIGNALS_PER_MARKET", "overview", "session_views"]

SIGNALS_PER_MARKET = 20
"""How many of a market's newest signals the overview carries."""


def overview(
    journal: Journal, config: TradewindConfig | None, *, now: datetime | None = None
) -> Overview:
    """The dashboard's overview of `journal` at `now` (default: the wall clock).

    Markets come from `config` (config order), else from the shown run's stored config.
    The shown run is the newest session with a fresh heartbeat, else the newest
    session, else the newest backtest. Positions are folded from its fills; realized
    P&L today is that of its fills on the UTC day of its last risk state (bar clock).

    Raises:
        JournalError: the journal cannot be read.
    """
    now = now or datetime.now(UTC)
    beats = journal.heartbeats()
    run, running = shown_run(journal.runs(), beats, now)
    config = config or run_config(run)
    markets = _markets(config)
    controls = fold_controls(journal.control_commands())
    promotions = journal.promotions()
    beat = next((b for b in beats if run is not None and b.run_id == run.run_id), None)
    ref = run_ref(run, running)
    with journal.engine.connect() as connection:
        if run is None:
            fills, signals, marker, equity, allocated = [], {}, None, None, []
        else:
            fills = fill_tuples(connection, run.run_id)
            signals = newest_signals(connection, run.run_id, list(markets), SIGNALS_PER_MARKET)
            marker = last_risk_state(connection, run.run_id)
            equity = last_equity(connection, run.run_id)
            allocated = newest_allocations(connection, run.run_id)
    day_ts = marker.ts if marker is not None else equity.ts if equity is not None else None
    if day_ts is None and fills:
        day_ts = fills[-1][0]
    book = fold_fills(fills, day=None if day_ts is None else day_ts.date())
    risk = risk_view(marker, equity, config)
    allocations = tuple(_allocation(row) for row in allocated)
    inputs = MarketInputs(
        run=ref,
        controls=controls,
        promotions=promotions,
        positions=position_views(book, heartbeat_marks(beat)),
        signals=signals,
        realized_today=book.realized_on_day,
        allocations=allocations,
        equity_usd=None if risk is None else risk.equity_usd,
    )
    run_live = run is not None and run.status is RunStatus.RUNNING
    views = tuple(
        market_view(
            name,
            market_class,
            market_config,
            venue_status(name, market_config, beat, run_running=run_live, now=now),
            inputs,
        )
        for name, (market_class, market_config) in markets.items()
    )
    return Overview(
        journal=journal.label,
        as_of=now,
        markets=views,
        market_classes=tuple(dict.fromkeys(view.market_class for view in views)),
        risk=risk,
        allocations=allocations or _configured_allocations(config, inputs.equity_usd),
        sessions=session_views(beats, now),
        run=ref,
    )


def session_views(beats: list[Heartbeat], now: datetime) -> tuple[SessionView, ...]:
    """Every session's latest heartbeat, newest beat first."""
    alive = {beat.run_id for beat in running_sessions(beats, now)}
    return tuple(
        SessionView(
            run_id=beat.run_id,
            mode=beat.mode,
            host=beat.host,
            pid=beat.pid,
            beat_at=beat.beat_at,
            age_s=max(0.0, (now - beat.beat_at) / timedelta(seconds=1)),
            running=beat.run_id in alive,
            row=_row(beat.detail.get("row")),
        )
        for beat in reversed(beats)
    )


def _markets(config: TradewindConfig | None) -> dict[str, tuple[str, Any]]:
    if config is None:
        return {}
    return {name: (market.market_class.value, market) for name, market in config.markets.items()}


def _row(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _allocation(row: Any) -> AllocationView:
    market, strategy, share, amount, bound, explanation = row
    return AllocationView(
        market=market,
        strategy=strategy,
        share=float(share),
        amount_usd=float(amount),
        bound=bound or "",
        explanation=_explanation(explanation),
    )


def _explanation(text: str) -> str:
    try:
        document = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        return str(text)
    if not isinstance(document, dict):
        return str(document)
    return ", ".join(f"{key}={_short(value)}" for key, value in document.items())


def _short(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _configured_allocations(
    config: TradewindConfig | None, equity_usd: float | None
) -> tuple[AllocationView, ...]:
    if config is None:
        return ()
    return tuple(
        AllocationView(
            market=name,
            strategy="config",
            share=float(market.risk_allocation_pct) / 100.0,
            amount_usd=(equity_usd or 0.0) * float(market.risk_allocation_pct) / 100.0,
            bound="",
            explanation=f"risk_allocation_pct {market.risk_allocation_pct:g} of the config",
        )
        for name, market in config.markets.items()
        if market.enabled
    )
