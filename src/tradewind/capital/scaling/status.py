"""The autonomous engine's status document: conditions, features and live parameters."""

from __future__ import annotations

from typing import Any

from tradewind.capital.scaling.config import AutonomousScalingConfig
from tradewind.capital.scaling.optimizer import LiveParameters
from tradewind.domain.regimes import MarketConditions

__all__ = ["autonomous_status_fields"]


def autonomous_status_fields(
    cfg: AutonomousScalingConfig,
    conditions: MarketConditions | None,
    live: LiveParameters,
) -> dict[str, Any]:
    """The keys `get_autonomous_status` adds to the capital engine's status."""
    return {
        "market_conditions": None
        if conditions is None
        else {
            "regime": conditions.regime.value,
            "volatility_pct": conditions.volatility_pct,
            "volatility_state": conditions.volatility_state.value,
            "trend_strength": conditions.trend_strength,
            "momentum_score": conditions.momentum_score,
            "liquidity_score": conditions.liquidity_score,
        },
        "autonomous_features": {
            "volatility_leverage": cfg.enable_volatility_leverage,
            "risk_adjustment": cfg.enable_risk_adjustment,
            "regime_allocation": cfg.enable_regime_allocation,
            "adaptive_compounding": cfg.enable_adaptive_compounding,
            "realtime_optimization": cfg.enable_realtime_optimization,
        },
        "regime_allocations": {r.value: v for r, v in live.regime_allocations.items()},
        "volatility_leverage_sensitivity": live.volatility_leverage_sensitivity,
        "sizing_method": cfg.method.value,
    }
