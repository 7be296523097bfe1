"""One market's row of the overview, from what `overview` read once for all markets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tradewind.app.control_state import ControlState
from tradewind.app.monitor.views import (
    AllocationView,
    MarketView,
    PositionView,
    RunRef,
    SignalView,
    StrategyView,
    VenueStatusView,
)
from tradewind.config import MarketConfig
from tradewind.store import PromotionRecord
from tradewind.store.control_records import ALL_STRATEGIES, Stage

__all__ = ["MarketInputs", "direction_name", "market_view", "stage"]

_DIRECTIONS = {"1": "long", "-1": "short", "0": "flat", "+1": "long"}


@dataclass(frozen=True, slots=True)
class MarketInputs:
    """What the overview read for every market (one query each, not one per market)."""

    run: RunRef | None
    controls: ControlState
    promotions: Sequence[PromotionRecord]
    positions: Sequence[PositionView]
    signals: Mapping[str, Sequence[Any]]
    realized_today: Mapping[str, float]
    allocations: Sequence[AllocationView]
    equity_usd: float | None


def stage(promotions: Sequence[PromotionRecord], market: str, strategy: str) -> str:
    """`app.promotion.stage_of` over promotions already read: the latest promotion of
    the market's `strategy` or of the whole market; advisory when there is none."""
    relevant = [
        r for r in promotions if r.market == market and r.strategy in (strategy, ALL_STRATEGIES)
    ]
    return Stage(relevant[-1].to_stage).value if relevant else Stage.ADVISORY.value


def direction_name(value: object) -> str:
    """long, short or flat for a stored direction (text or +1/-1/0)."""
    text = str(value).strip().lower()
    return _DIRECTIONS.get(text, text)


def market_view(
    name: str,
    market_class: str,
    config: MarketConfig | None,
    venue: VenueStatusView,
    inputs: MarketInputs,
) -> MarketView:
    """The market's view. Exposure counts a position without a mark at its entry price;
    the allocation is the latest capital router decision for the market when the run
    has one, else `risk_allocation_pct` of the config applied to the current equity."""
    positions = tuple(p for p in inputs.positions if p.market == name)
    enabled = (config.enabled if config is not None else True) and (
        name not in inputs.controls.disabled
    )
    stop = inputs.controls.stop_for(name)
    strategy_names = config.strategies if config is not None else []
    allocation_usd, allocation_pct = _allocation(name, config, inputs)
    return MarketView(
        name=name,
        market_class=market_class,
        run=inputs.run,
        enabled=enabled,
        stage=stage(inputs.promotions, name, ALL_STRATEGIES),
        stop=None if stop is None else stop.value,
        strategies=tuple(
            StrategyView(s, stage(inputs.promotions, name, s), enabled) for s in strategy_names
        ),
        positions=positions,
        signals=tuple(_signal(row) for row in inputs.signals.get(name, ())),
        realized_pnl_today=inputs.realized_today.get(name, 0.0),
        unrealized_pnl=_unrealized(positions),
        exposure_usd=sum(
            p.notional_usd if p.notional_usd is not None else p.qty * p.entry_price
            for p in positions
        ),
        allocation_usd=allocation_usd,
        allocation_pct=allocation_pct,
        venue=venue,
    )


def _signal(row: Sequence[Any]) -> SignalView:
    ts, market, symbol, strategy, direction, confidence, strength, decision = row
    return SignalView(
        ts=ts,
        market=market,
        symbol=symbol,
        strategy=strategy,
        direction=direction_name(direction),
        confidence=float(confidence),
        strength=float(strength),
        decision=decision,
    )


def _unrealized(positions: Sequence[PositionView]) -> float | None:
    total = 0.0
    for position in positions:
        if position.pnl is None:
            return None
        total += position.pnl
    return total


def _allocation(
    name: str, config: MarketConfig | None, inputs: MarketInputs
) -> tuple[float | None, float | None]:
    rows = [a for a in inputs.allocations if a.market == name]
    if rows:
        return sum(a.amount_usd for a in rows), sum(a.share for a in rows) * 100.0
    if config is None:
        return None, None
    pct = float(config.risk_allocation_pct)
    equity = inputs.equity_usd
    return (None if equity is None else equity * pct / 100.0), pct
