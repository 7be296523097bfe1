"""Config `autonomous_scaling` -> the scaling engine's two configs."""

from __future__ import annotations

from tradewind.capital.scaling import AutonomousScalingConfig, CapitalEngineConfig
from tradewind.config.scaling import AutonomousScalingConfig as ScalingSection

__all__ = ["scaling_configs"]


def scaling_configs(section: ScalingSection) -> tuple[CapitalEngineConfig, AutonomousScalingConfig]:
    """The capital engine config and the autonomous config the YAML section describes."""
    base_kwargs: dict[str, object] = {}
    if section.milestones:
        base_kwargs["milestones"] = tuple(section.milestones)
    base = CapitalEngineConfig(
        compounding_strategy=section.compounding_strategy,
        enable_drawdown_protection=section.enable_drawdown_protection,
        halt_threshold_pct=section.halt_threshold_pct,
        warning_threshold_pct=section.warning_threshold_pct,
        base_position_pct=section.base_position_pct / 100.0,
        **base_kwargs,  # type: ignore[arg-type]
    )
    autonomous = AutonomousScalingConfig(
        enable_volatility_leverage=section.enable_volatility_leverage,
        min_leverage=section.min_leverage,
        max_leverage=section.max_leverage,
        volatility_leverage_sensitivity=section.volatility_leverage_sensitivity,
        enable_risk_adjustment=section.enable_risk_adjustment,
        risk_free_rate=section.risk_free_rate,
        target_sharpe_ratio=section.target_sharpe_ratio,
        enable_regime_allocation=section.enable_regime_allocation,
        regime_allocations=section.regime_allocations.model_dump(),
        enable_adaptive_compounding=section.enable_adaptive_compounding,
        enable_realtime_optimization=section.enable_realtime_optimization,
        optimization_window_days=section.optimization_window_days,
        normal_volatility_pct=section.normal_volatility_pct,
        min_size_multiplier=section.min_size_multiplier,
        max_size_multiplier=section.max_size_multiplier,
        win_rate_increase_above=section.win_rate_increase_above,
        win_rate_decrease_below=section.win_rate_decrease_below,
        min_trades_for_optimization=section.min_trades_for_optimization,
        sizing_method=section.sizing_method,
        kelly_fraction=section.kelly_fraction,
        max_kelly_fraction=section.max_kelly_fraction,
        atr_risk_pct=section.atr_risk_pct / 100.0,
        atr_stop_multiple=section.atr_stop_multiple,
    )
    return base, autonomous
