"""The risk monitor: the shown run's last risk state (row marker) and equity point,
against the config's limits."""

from __future__ import annotations

from typing import Any

from tradewind.app.monitor.journal_queries import LastEquity, LastRiskState
from tradewind.app.monitor.views import RiskView
from tradewind.config import TradewindConfig

__all__ = ["risk_view"]


def risk_view(
    marker: LastRiskState | None, equity: LastEquity | None, config: TradewindConfig | None
) -> RiskView | None:
    """The risk view, or None when the run saved neither a risk state nor equity.

    Daily P&L is `last_equity - day_start_equity` of the risk state (the engine's day,
    on the bar clock); the daily loss is that loss in percent of the day's start equity
    (0 on a winning day). Drawdown, leverage and exposures come from the equity point
    (drawdown from the risk state's high-water mark without one). The ladder maps warn,
    reduce and pause to `fraction x risk.global.max_drawdown_pct`.
    """
    if marker is None and equity is None:
        return None
    state: dict[str, Any] = marker.state if marker is not None else {}
    last = _number(state.get("last_equity"), equity.equity if equity is not None else 0.0)
    day_start = _number(state.get("day_start_equity"), last)
    high = _number(state.get("high_water_mark"), max(last, 0.0))
    daily_pnl = last - day_start
    limits = config.risk.global_ if config is not None else None
    return RiskView(
        as_of=marker.ts if marker is not None else equity.ts if equity is not None else None,
        trading_state=str(state.get("state") or "UNKNOWN"),
        drawdown_state=str(state.get("drawdown_state") or "UNKNOWN"),
        drawdown_pct=_drawdown_pct(equity, last, high),
        leverage=equity.leverage if equity is not None else 0.0,
        gross_exposure_usd=equity.gross_exposure if equity is not None else 0.0,
        net_exposure_usd=equity.net_exposure if equity is not None else 0.0,
        equity_usd=equity.equity if equity is not None else last,
        daily_pnl_usd=daily_pnl,
        daily_loss_pct=max(0.0, -daily_pnl) / day_start * 100.0 if day_start > 0 else 0.0,
        daily_loss_limit_pct=None if limits is None else float(limits.daily_loss_limit_pct),
        high_water_mark_usd=high,
        ladder={}
        if limits is None
        else {
            step: float(getattr(limits.drawdown_ladder, step)) * float(limits.max_drawdown_pct)
            for step in ("warn", "reduce", "pause")
        },
    )


def _number(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default


def _drawdown_pct(equity: LastEquity | None, last: float, high: float) -> float:
    if equity is not None:
        return abs(equity.drawdown) * 100.0
    return max(0.0, (high - last) / high * 100.0) if high > 0 else 0.0
