"""One behaviour per rule of `check_order`, each with its reason code."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.risk import LimitField, RiskAction, RiskReason, StateCode, limits_vector, risk_action

from .book import Book, no_limits

F = LimitField
PRICES = np.array([100.0, 50.0, 10.0])


def book() -> Book:
    # three instruments in three markets; strategies 0, 0, 1
    return Book(
        instrument_market=[0, 1, 2], instrument_strategy=[0, 0, 1], n_markets=3, n_strategies=2
    )


def check(b: Book, instrument: int, side: int, qty: float, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("limits_global", no_limits())
    kwargs.setdefault("limits_market", no_limits(3))
    kwargs.setdefault("limits_strategy", no_limits(2))
    return b.check(instrument, side, qty, PRICES, **kwargs)


def test_order_within_every_limit_is_approved_unchanged() -> None:
    limits = limits_vector(position_pct=0.5, leverage=1.0, exposure_pct=1.0, open_positions=5)
    assert check(book(), 0, 1, 10, limits_global=limits) == (10.0, RiskReason.APPROVED)


def test_entry_is_cut_to_the_max_position_pct_and_rounded_down_to_the_lot() -> None:
    limits = limits_vector(position_pct=0.10)  # 10 % of 100k = 10k = 100 units at 100
    assert check(book(), 0, 1, 500, limits_global=limits) == (100.0, RiskReason.MAX_POSITION_PCT)
    assert check(book(), 0, 1, 500, limits_global=limits, lot_size=30) == (
        90.0,
        RiskReason.MAX_POSITION_PCT,
    )


def test_max_position_abs_counts_the_position_already_held() -> None:
    b = book()
    b.apply(0, 1, 30)  # 3,000 held
    limits = limits_vector(position_abs=5_000)
    assert check(b, 0, 1, 50, limits_global=limits) == (20.0, RiskReason.MAX_POSITION_ABS)


def test_market_position_limit_is_tighter_than_the_global_one() -> None:
    markets = no_limits(3)
    markets[1, F.POSITION_PCT] = 0.01  # 1,000 = 20 units at 50
    result = check(
        book(), 1, -1, 100, limits_global=limits_vector(position_pct=0.1), limits_market=markets
    )
    assert result == (20.0, RiskReason.MAX_POSITION_PCT)


def test_global_leverage_caps_gross_exposure() -> None:
    b = book()
    b.apply(1, 1, 1_000)  # 50,000 gross
    limits = limits_vector(leverage=0.8)  # 80,000
    assert check(b, 0, 1, 1_000, limits_global=limits) == (300.0, RiskReason.MAX_LEVERAGE_GLOBAL)


def test_global_exposure_cap_binds_when_tighter_than_leverage() -> None:
    b = book()
    b.apply(1, 1, 1_000)
    limits = limits_vector(leverage=2.0, exposure_pct=0.6)  # 60,000
    assert check(b, 0, -1, 1_000, limits_global=limits) == (100.0, RiskReason.EXPOSURE_CAP)


def test_market_leverage_and_exposure_count_only_that_market() -> None:
    b = book()
    b.apply(1, 1, 1_000)  # 50,000 in market 1
    markets = no_limits(3)
    markets[0, F.LEVERAGE] = 0.2  # 20,000 in market 0
    assert check(b, 0, 1, 1_000, limits_market=markets) == (200.0, RiskReason.MAX_LEVERAGE_MARKET)
    markets = no_limits(3)
    markets[1, F.EXPOSURE_PCT] = 0.55
    assert check(b, 1, 1, 1_000, limits_market=markets) == (100.0, RiskReason.MARKET_EXPOSURE)


def test_strategy_exposure_and_leverage_count_the_strategy_positions() -> None:
    b = book()
    b.apply(1, 1, 200)  # strategy 0 holds 10,000 through instrument 1
    strategies = no_limits(2)
    strategies[0, F.LEVERAGE] = 0.15
    assert check(b, 0, 1, 1_000, limits_strategy=strategies) == (
        50.0,
        RiskReason.MAX_LEVERAGE_STRATEGY,
    )
    strategies = no_limits(2)
    strategies[0, F.EXPOSURE_PCT] = 0.12
    assert check(b, 0, 1, 1_000, limits_strategy=strategies) == (20.0, RiskReason.STRATEGY_EXPOSURE)


def test_market_allocation_budget_caps_the_market_exposure() -> None:
    b = book()
    budget = np.array([5_000.0, np.nan, np.nan])
    assert check(b, 0, 1, 100, market_budget=budget) == (50.0, RiskReason.MARKET_ALLOCATION)


@pytest.mark.parametrize(
    ("scope", "reason"),
    [
        ("global", RiskReason.MAX_OPEN_GLOBAL),
        ("market", RiskReason.MAX_OPEN_MARKET),
        ("strategy", RiskReason.MAX_OPEN_STRATEGY),
    ],
)
def test_a_new_position_beyond_the_open_position_limit_is_denied(
    scope: str, reason: RiskReason
) -> None:
    b = book()
    b.apply(0, 1, 1)  # market 0, strategy 0
    limits = {
        "limits_global": no_limits(),
        "limits_market": no_limits(3),
        "limits_strategy": no_limits(2),
    }
    if scope == "global":
        limits["limits_global"][F.OPEN_POSITIONS] = 1
        target = 2
    elif scope == "market":
        b.instrument_market[1] = 0  # instrument 1 also trades in market 0
        limits["limits_market"][0, F.OPEN_POSITIONS] = 1
        target = 1
    else:
        limits["limits_strategy"][0, F.OPEN_POSITIONS] = 1
        target = 1
    assert check(b, target, 1, 10, **limits) == (0.0, reason)


def test_adding_to_an_open_position_does_not_count_as_a_new_position() -> None:
    b = book()
    b.apply(0, 1, 1)
    assert check(b, 0, 1, 10, limits_global=limits_vector(open_positions=1)) == (
        10.0,
        RiskReason.APPROVED,
    )


def test_correlated_exposure_limits_concentration_and_nan_means_no_data() -> None:
    limits = limits_vector(correlated_pct=0.5)  # 50,000
    assert check(book(), 0, 1, 1_000, limits_global=limits, corr_exposure=45_000.0) == (
        50.0,
        RiskReason.CORRELATION_CONCENTRATION,
    )
    assert check(book(), 0, 1, 1_000, limits_global=limits) == (1_000.0, RiskReason.APPROVED)


def test_reductions_pass_every_limit_even_when_already_over_them() -> None:
    b = book()
    b.apply(0, 1, 900)  # 90,000: far above the limits below
    limits = limits_vector(position_pct=0.01, leverage=0.1, open_positions=0)
    assert check(b, 0, -1, 400, limits_global=limits) == (400.0, RiskReason.APPROVED)


def test_a_flip_keeps_the_closing_part_and_cuts_the_new_side() -> None:
    b = book()
    b.apply(0, 1, 50)
    limits = limits_vector(position_pct=0.02)  # 2,000 = 20 units
    assert check(b, 0, -1, 200, limits_global=limits) == (70.0, RiskReason.MAX_POSITION_PCT)


@pytest.mark.parametrize(
    ("state", "reason"),
    [(StateCode.REDUCING, RiskReason.REDUCING), (StateCode.HALTED, RiskReason.HALTED)],
)
def test_reducing_and_halted_allow_only_reductions(state: StateCode, reason: RiskReason) -> None:
    b = book()
    b.apply(0, 1, 50)
    assert check(b, 1, 1, 10, state=state) == (0.0, reason)
    assert check(b, 0, 1, 10, state=state) == (0.0, reason)
    assert check(b, 0, -1, 20, state=state) == (20.0, RiskReason.APPROVED)
    assert check(b, 0, -1, 80, state=state) == (50.0, reason)  # the flip part is refused


def test_a_blocked_entry_reports_why_the_state_is_what_it_is() -> None:
    result = check(book(), 0, 1, 10, state=StateCode.HALTED, state_reason=RiskReason.DAILY_LOSS)
    assert result == (0.0, RiskReason.DAILY_LOSS)


def test_frozen_denies_even_reductions() -> None:
    b = book()
    b.apply(0, 1, 50)
    assert check(b, 0, -1, 50, state=StateCode.FROZEN) == (0.0, RiskReason.FROZEN)


def test_disabled_market_and_trading_hours_block_entries_only() -> None:
    b = book()
    b.apply(0, 1, 10)
    markets = no_limits(3)
    markets[0, F.DISABLED] = 1.0
    assert check(b, 0, 1, 5, limits_market=markets) == (0.0, RiskReason.MARKET_DISABLED)
    assert check(b, 0, -1, 5, limits_market=markets) == (5.0, RiskReason.APPROVED)
    assert check(b, 1, 1, 5, in_trading_hours=False) == (0.0, RiskReason.OUTSIDE_TRADING_HOURS)
    assert check(b, 0, -1, 5, in_trading_hours=False) == (5.0, RiskReason.APPROVED)


def test_below_lot_and_below_min_notional_are_denied_with_their_codes() -> None:
    assert check(book(), 2, 1, 0.5, lot_size=1.0) == (0.0, RiskReason.BELOW_LOT)
    assert check(book(), 2, 1, 5, min_notional=100.0) == (0.0, RiskReason.BELOW_MIN_NOTIONAL)
    # a cut that leaves too little reports the binding limit, not the grid
    limits = limits_vector(position_abs=50.0)
    assert check(book(), 2, 1, 100, limits_global=limits, min_notional=100.0) == (
        0.0,
        RiskReason.MAX_POSITION_ABS,
    )


def test_off_grid_request_is_rounded_down_to_the_lot() -> None:
    assert check(book(), 2, 1, 3.05, lot_size=0.1) == (pytest.approx(3.0), RiskReason.BELOW_LOT)


def test_unusable_numbers_are_invalid() -> None:
    assert check(book(), 0, 1, 0.0) == (0.0, RiskReason.INVALID_ORDER)
    b = book()
    b.equity = float("nan")
    assert check(b, 0, 1, 1.0) == (0.0, RiskReason.INVALID_ORDER)


def test_non_positive_equity_denies_entries_under_any_percentage_limit() -> None:
    b = book()
    b.equity = -1_000.0
    assert check(b, 0, 1, 1, limits_global=limits_vector(leverage=1.0)) == (
        0.0,
        RiskReason.MAX_LEVERAGE_GLOBAL,
    )


def test_risk_action_and_reason_texts() -> None:
    assert risk_action(10, 10) is RiskAction.APPROVE
    assert risk_action(10, 4) is RiskAction.REDUCE
    assert risk_action(10, 0) is RiskAction.DENY
    assert all(reason.text for reason in RiskReason)
    assert max(RiskReason) < 63  # event bitmasks are int64


def test_a_cash_account_cuts_a_buy_to_the_cash_it_has_rounded_to_the_lot() -> None:
    limits = limits_vector(cash_account=1.0)
    assert check(book(), 0, 1, 50, limits_global=limits, cash_qty=37.5, lot_size=10) == (
        30.0,
        RiskReason.INSUFFICIENT_CASH,
    )
    assert check(book(), 0, 1, 20, limits_global=limits, cash_qty=37.5) == (
        20.0,
        RiskReason.APPROVED,
    )


def test_a_cash_account_refuses_to_open_a_short_but_sells_what_it_holds() -> None:
    b = book()
    b.apply(0, 1, 10)
    limits = limits_vector(cash_account=1.0)
    assert check(b, 0, -1, 25, limits_global=limits) == (10.0, RiskReason.SHORT_NOT_ALLOWED)
    assert check(b, 0, -1, 10, limits_global=limits) == (10.0, RiskReason.APPROVED)
    assert check(b, 0, -1, 25, limits_global=limits_vector(cash_account=0.0)) == (
        25.0,
        RiskReason.APPROVED,
    )
