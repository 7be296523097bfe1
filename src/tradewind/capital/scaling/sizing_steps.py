"""Autonomous sizing's input checks and steps 2-4: volatility leverage, regime, Sharpe."""

from __future__ import annotations

from dataclasses import dataclass

from tradewind.capital.scaling._checks import check_finite, check_range
from tradewind.capital.scaling.config import AutonomousScalingConfig
from tradewind.capital.scaling.factors import clamp, sharpe_ratio, volatility_leverage
from tradewind.capital.scaling.optimizer import ParameterOptimizer
from tradewind.domain.regimes import MarketConditions

__all__ = ["MarketFactors", "checked_balance", "market_factors"]


@dataclass(frozen=True, slots=True)
class MarketFactors:
    """The market-aware factors of one sizing; 1 (and None) where a step did not apply."""

    regime: str | None = None
    vol_leverage_raw: float = 1.0
    vol_leverage: float = 1.0
    regime_multiplier: float = 1.0
    sharpe: float | None = None
    sharpe_factor: float = 1.0


def market_factors(
    cfg: AutonomousScalingConfig,
    optimizer: ParameterOptimizer,
    conditions: MarketConditions,
    *,
    volatility: float | None,
    normal_volatility_pct: float,
    expected_return: float | None,
) -> MarketFactors:
    """The factors for `conditions` (see `AutonomousScalingEngine.size_position`).

    `volatility` and `expected_return` are annual fractions; `normal_volatility_pct` and
    the conditions' volatility are in percent.
    """
    lev_raw = lev = regime_mult = sharpe_factor = 1.0
    sharpe: float | None = None
    current_vol = volatility if volatility is not None else conditions.volatility_pct / 100
    if cfg.enable_volatility_leverage:
        normal_vol = normal_volatility_pct / 100
        lev_raw = volatility_leverage(normal_vol, current_vol, optimizer.sensitivity)
        lev = clamp(lev_raw, cfg.min_leverage, cfg.max_leverage)
    if cfg.enable_regime_allocation:
        regime_mult = optimizer.allocation(conditions.regime)
    if expected_return is not None and cfg.enable_risk_adjustment:
        sharpe = sharpe_ratio(expected_return, cfg.risk_free_rate, current_vol)
        sharpe_factor = clamp(
            sharpe / cfg.target_sharpe_ratio,
            cfg.min_size_multiplier,
            cfg.max_size_multiplier,
        )
    return MarketFactors(
        regime=conditions.regime.value,
        vol_leverage_raw=lev_raw,
        vol_leverage=lev,
        regime_multiplier=regime_mult,
        sharpe=sharpe,
        sharpe_factor=sharpe_factor,
    )


def checked_balance(
    available_balance: float,
    expected_return: float | None,
    volatility: float | None,
    atr_pct: float | None,
) -> float:
    """The available balance, once every sizing input is known to be usable."""
    available = check_range("available_balance", available_balance, 0.0)
    if expected_return is not None:
        check_finite("expected_return", expected_return)
    if volatility is not None:
        check_range("volatility", volatility, 0.0)
    if atr_pct is not None:
        check_range("atr_pct", atr_pct, 0.0, low_open=True)
    return available
