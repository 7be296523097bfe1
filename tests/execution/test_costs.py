"""Commission models, slippage and float rounding, hand-computed."""

from __future__ import annotations

import pytest

from tradewind.domain import DomainError
from tradewind.execution import (
    CommissionModel,
    apply_slippage,
    commission,
    commission_params,
    round_down_to_lot,
    round_to_tick,
)


def test_bps_commission_is_a_share_of_notional_including_the_multiplier() -> None:
    params = commission_params(bps=10)
    assert commission(CommissionModel.BPS, 10, 100.0, 1.0, params) == pytest.approx(1.0)
    assert commission(CommissionModel.BPS, 2, 4_000.0, 50.0, params) == pytest.approx(400.0)


def test_per_share_commission_has_a_minimum_per_order() -> None:
    params = commission_params(per_unit=0.005, min_per_order=1.0)
    assert commission(CommissionModel.PER_SHARE, 100, 400.0, 1.0, params) == pytest.approx(1.0)
    assert commission(CommissionModel.PER_SHARE, 1_000, 400.0, 1.0, params) == pytest.approx(5.0)


def test_fx_spread_costs_half_the_spread_per_unit() -> None:
    params = commission_params(spread=0.0002)  # 2 pips on EUR/USD
    assert commission(CommissionModel.FX_SPREAD, 100_000, 1.1, 1.0, params) == pytest.approx(10.0)


def test_no_commission_model_is_free_and_negative_parameters_are_refused() -> None:
    assert commission(CommissionModel.NONE, 10, 100.0, 1.0, commission_params(bps=10)) == 0.0
    with pytest.raises(DomainError, match="bps"):
        commission_params(bps=-1)


def test_slippage_moves_the_price_against_the_trader() -> None:
    assert apply_slippage(1, 100.0, 5.0) == pytest.approx(100.05)
    assert apply_slippage(-1, 100.0, 5.0) == pytest.approx(99.95)
    assert apply_slippage(1, 100.0, 0.0) == 100.0


def test_rounding_to_tick_and_down_to_lot() -> None:
    assert round_to_tick(1.005, 0.01) == pytest.approx(1.01)  # a half rounds away from zero
    assert round_to_tick(1.23449, 0.01) == pytest.approx(1.23)
    assert round_to_tick(-0.125, 0.05) == pytest.approx(-0.15)  # yields may be negative
    assert round_to_tick(3.3, 0.0) == 3.3
    assert round_down_to_lot(3.0, 0.1) == 3.0  # no float-noise loss of a lot
    assert round_down_to_lot(0.00129, 0.001) == pytest.approx(0.001)
    assert round_down_to_lot(7.9, 1.0) == 7.0
    assert round_down_to_lot(0.0, 1.0) == 0.0
