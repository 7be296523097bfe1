"""Limits built from the config sections (duck-typed) and from plain values."""

from __future__ import annotations

from datetime import time

import numpy as np
import pytest

from tradewind.config import RiskConfig
from tradewind.risk import LimitField, RiskConfigError, RiskLimits, build_limits, limits_vector

F = LimitField


def risk_config() -> RiskConfig:
    return RiskConfig.model_validate(
        {
            "global": {
                "account": "margin",
                "max_leverage": 2,
                "max_exposure_pct": 150,
                "max_position_size_pct": 10,
                "max_open_positions": 8,
                "max_drawdown_pct": 20,
                "daily_loss_limit_pct": 3,
                "daily_reset_time": "17:00",
                "timezone": "America/New_York",
                "trading_hours": [
                    {"start": "09:30", "end": "16:00", "timezone": "America/New_York",
                     "markets": ["equities"], "days": ["mon", "tue"]}
                ],
            },
            "markets": {"crypto": {"max_leverage": 1.5, "max_open_positions": 3}},
            "strategies": {"sma_cross": {"max_position_size_usd": 5000}},
        }
    )  # fmt: skip


def test_config_sections_become_vectors_in_fractions() -> None:
    cfg = risk_config()
    limits = build_limits(
        cfg.global_, ["crypto", "equities", "forex"], ["sma_cross", "momentum_v1"],
        markets=cfg.markets, strategies=cfg.strategies, disabled_markets=["forex"],
    )  # fmt: skip
    g = limits.global_
    assert g[F.LEVERAGE] == 2.0
    assert g[F.CASH_ACCOUNT] == 0.0
    assert g[F.EXPOSURE_PCT] == pytest.approx(1.5)
    assert g[F.POSITION_PCT] == pytest.approx(0.10)
    assert np.isnan(g[F.POSITION_ABS])
    assert g[F.DRAWDOWN_PCT] == pytest.approx(0.2)
    assert g[F.DAILY_LOSS_PCT] == pytest.approx(0.03)
    assert g[F.CORRELATED_PCT] == pytest.approx(0.5)
    assert (g[F.LADDER_WARN], g[F.LADDER_REDUCE], g[F.LADDER_PAUSE]) == (0.8, 0.9, 1.0)
    crypto = limits.markets[limits.market_index("crypto")]
    assert crypto[F.LEVERAGE] == 1.5
    assert crypto[F.OPEN_POSITIONS] == 3
    assert np.isnan(limits.markets[1, F.LEVERAGE])
    assert limits.markets[:, F.DISABLED].tolist() == [0.0, 0.0, 1.0]
    assert limits.strategies[limits.strategy_index("sma_cross"), F.POSITION_ABS] == 5000
    assert np.isnan(limits.strategies[1]).all()
    assert limits.daily_reset.reset_time == time(17, 0)
    assert limits.daily_reset.timezone == "America/New_York"
    (rule,) = limits.trading_hours
    assert rule.markets == ("equities",)
    assert rule.weekdays == (0, 1)


def test_an_override_for_a_name_not_traded_is_refused() -> None:
    cfg = risk_config()
    with pytest.raises(RiskConfigError, match="crypto"):
        build_limits(cfg.global_, ["equities"], markets=cfg.markets)


def test_limits_vector_names_fields_and_refuses_unknown_ones() -> None:
    vector = limits_vector(leverage=2.0, open_positions=None)
    assert vector[F.LEVERAGE] == 2.0
    assert np.isnan(vector[F.OPEN_POSITIONS])
    with pytest.raises(RiskConfigError, match="levrage"):
        limits_vector(levrage=2.0)
    with pytest.raises(RiskConfigError, match="expected a finite value >= 0"):
        limits_vector(leverage=-1.0)


def test_risk_limits_checks_shapes_and_names() -> None:
    with pytest.raises(RiskConfigError, match="expected \\(2, "):
        RiskLimits(limits_vector(), np.zeros((1, len(F))), np.zeros((0, len(F))), ("a", "b"))
    limits = RiskLimits(limits_vector(), np.zeros((0, len(F))), np.zeros((0, len(F))))
    with pytest.raises(RiskConfigError, match="unknown market 'x'"):
        limits.market_index("x")
