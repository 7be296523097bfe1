"""Live rails: each rail, its boundary, what exits skip, and the reason codes."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.config.operator import RailsConfig
from tradewind.domain import ShutdownMode
from tradewind.risk.rails import (
    WINDOW_NS,
    LiveRails,
    OrderIntent,
    RailDenial,
    RailReason,
    RailsView,
)

T0_NS = 1_700_000_000_000_000_000
SECOND_NS = 1_000_000_000
NO_RAILS: dict[str, Any] = {
    "max_order_notional_usd": None,
    "max_notional_per_minute_usd": None,
    "price_collar_pct": None,
    "max_open_orders": None,
}


def rails(daily_loss_limit_pct: float | None = None, **limits: Any) -> LiveRails:
    """Only the rails named switched on (daily loss off unless given)."""
    return LiveRails(RailsConfig.model_validate(NO_RAILS | limits), daily_loss_limit_pct)


def entry(**fields: Any) -> OrderIntent:
    values: dict[str, Any] = {
        "market": "crypto",
        "symbol": "BTC/USDT",
        "side": 1,
        "quantity": 1.0,
        "price": 100.0,
        "notional_usd": 1_000.0,
        "is_exit": False,
        "ts_ns": T0_NS,
    }
    return OrderIntent(**(values | fields))


def exit_(**fields: Any) -> OrderIntent:
    return entry(**({"side": -1, "is_exit": True} | fields))


def view(**fields: Any) -> RailsView:
    values: dict[str, Any] = {
        "last_trade": 100.0,
        "open_orders": 0,
        "day_pnl_usd": 0.0,
        "day_start_equity_usd": 100_000.0,
        "stop": None,
    }
    return RailsView(**(values | fields))


def reason(denial: RailDenial | None) -> RailReason | None:
    return None if denial is None else denial.reason


def detail(denial: RailDenial | None) -> str:
    return "" if denial is None else denial.detail


# -- codes and configuration ---------------------------------------------------------


def test_reason_codes_are_the_stable_strings_the_journal_stores() -> None:
    assert {r.name: str(r) for r in RailReason} == {
        "DAILY_LOSS": "rail_daily_loss",
        "ORDER_NOTIONAL": "rail_order_notional",
        "NOTIONAL_PER_MINUTE": "rail_notional_per_minute",
        "PRICE_COLLAR": "rail_price_collar",
        "OPEN_ORDERS": "rail_open_orders",
        "NO_LAST_TRADE": "rail_no_last_trade",
        "STOPPED": "rail_stopped",
    }


def test_default_config_rails_deny_a_fat_finger_and_pass_an_ordinary_order() -> None:
    live = LiveRails(RailsConfig(), daily_loss_limit_pct=5.0)
    assert live.check(entry(), view()) is None
    assert reason(live.check(entry(notional_usd=250_000.0), view())) is RailReason.ORDER_NOTIONAL


def test_every_rail_switched_off_passes_anything() -> None:
    live = rails()
    extreme = entry(price=1e9, notional_usd=1e12)
    live.record_sent(extreme)
    assert live.check(extreme, view(last_trade=None, open_orders=10**6, day_pnl_usd=-1e9)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_order_notional_usd", -1.0),
        ("max_notional_per_minute_usd", math.nan),
        ("price_collar_pct", 0.0),
        ("max_open_orders", 0),
    ],
)
def test_an_unusable_rail_limit_is_refused_naming_it(field: str, value: float) -> None:
    settings_ = RailsConfig.model_construct(**(NO_RAILS | {field: value}))
    with pytest.raises(ValueError, match=f"rails.{field}"):
        LiveRails(settings_, None)


@pytest.mark.parametrize("value", [0.0, -2.0, math.inf])
def test_an_unusable_daily_loss_limit_is_refused_naming_it(value: float) -> None:
    with pytest.raises(ValueError, match="daily_loss_limit_pct"):
        LiveRails(RailsConfig(), value)


# -- stops ---------------------------------------------------------------------------


@pytest.mark.parametrize("stop", ["hard", "freeze", ShutdownMode.HARD, ShutdownMode.FREEZE])
def test_hard_and_freeze_stops_deny_entries_and_exits(stop: str) -> None:
    live = rails()
    for intent in (entry(), exit_(), exit_(price=None)):
        denial = live.check(intent, view(stop=stop))
        assert reason(denial) is RailReason.STOPPED
        assert "every order" in detail(denial)


def test_soft_stop_denies_entries_and_lets_exits_through() -> None:
    live = rails()
    denial = live.check(entry(), view(stop="soft"))
    assert reason(denial) is RailReason.STOPPED
    assert detail(denial) == "soft stop in force for crypto: denies entries"
    assert live.check(exit_(), view(stop=ShutdownMode.SOFT)) is None


def test_the_stop_is_reported_before_any_other_rail() -> None:
    live = rails(max_order_notional_usd=100.0)
    assert reason(live.check(entry(notional_usd=1e6), view(stop="soft"))) is RailReason.STOPPED


# -- order notional (fat finger) -----------------------------------------------------


def test_order_notional_at_the_limit_passes_and_above_is_denied_with_its_figures() -> None:
    live = rails(max_order_notional_usd=100_000)
    assert live.check(entry(notional_usd=100_000.0), view()) is None
    denial = live.check(entry(notional_usd=250_000.0), view())
    assert denial == RailDenial(
        RailReason.ORDER_NOTIONAL,
        "notional 250,000.00 USD above max_order_notional_usd 100,000",
    )
    assert reason(live.check(entry(notional_usd=100_000.01), view())) is RailReason.ORDER_NOTIONAL


def test_order_notional_applies_to_exits_too() -> None:
    live = rails(max_order_notional_usd=100_000)
    assert reason(live.check(exit_(notional_usd=100_001.0), view())) is RailReason.ORDER_NOTIONAL
    assert live.check(exit_(notional_usd=100_000.0), view()) is None


# -- price collar --------------------------------------------------------------------


@pytest.mark.parametrize("side", [1, -1])
def test_a_price_on_the_collar_passes_and_beyond_it_is_denied_both_ways(side: int) -> None:
    live = rails(price_collar_pct=5)
    for price in (95.0, 105.0):
        assert live.check(entry(side=side, price=price), view(last_trade=100.0)) is None
    for price in (94.99, 105.01):
        denial = live.check(entry(side=side, price=price), view(last_trade=100.0))
        assert reason(denial) is RailReason.PRICE_COLLAR


def test_the_collar_detail_names_price_distance_last_trade_and_limit() -> None:
    denial = rails(price_collar_pct=5).check(entry(price=110.0), view(last_trade=100.0))
    assert denial == RailDenial(
        RailReason.PRICE_COLLAR,
        "price 110 is 10.00% from last trade 100, above price_collar_pct 5",
    )


def test_market_orders_skip_the_collar_even_without_a_last_trade() -> None:
    live = rails(price_collar_pct=5)
    assert live.check(entry(price=None), view(last_trade=None)) is None
    assert live.check(exit_(price=None), view(last_trade=None)) is None


def test_a_priced_entry_without_a_last_trade_is_denied_for_want_of_one() -> None:
    live = rails(price_collar_pct=5)
    denial = live.check(entry(price=100.0), view(last_trade=None))
    assert reason(denial) is RailReason.NO_LAST_TRADE
    assert "BTC/USDT" in detail(denial)


def test_without_the_collar_a_missing_last_trade_does_not_matter() -> None:
    assert rails().check(entry(price=100.0), view(last_trade=None)) is None


def test_a_protective_stop_exit_far_from_the_last_trade_passes_the_collar() -> None:
    live = rails(price_collar_pct=5)
    stop_exit = exit_(price=80.0, is_stop=True)
    assert live.check(stop_exit, view(last_trade=100.0)) is None
    assert live.check(stop_exit, view(last_trade=None)) is None


def test_a_limit_exit_far_from_the_last_trade_is_collared() -> None:
    live = rails(price_collar_pct=5)
    fat_take_profit = exit_(price=10.0)
    assert reason(live.check(fat_take_profit, view(last_trade=100.0))) is RailReason.PRICE_COLLAR
    assert reason(live.check(fat_take_profit, view(last_trade=None))) is RailReason.NO_LAST_TRADE


def test_a_stop_entry_far_from_the_last_trade_is_collared() -> None:
    live = rails(price_collar_pct=5)
    breakout = entry(price=120.0, is_stop=True)
    assert reason(live.check(breakout, view(last_trade=100.0))) is RailReason.PRICE_COLLAR


# -- daily loss ----------------------------------------------------------------------


def test_daily_loss_reaching_the_limit_denies_entries() -> None:
    live = rails(daily_loss_limit_pct=2.0)
    assert live.check(entry(), view(day_pnl_usd=-1_999.99)) is None
    denial = live.check(entry(), view(day_pnl_usd=-2_000.0))
    assert denial == RailDenial(
        RailReason.DAILY_LOSS,
        "day loss 2,000.00 USD reached daily_loss_limit_pct 2 of day-start equity "
        "100,000.00 USD (2,000.00 USD)",
    )
    assert reason(live.check(entry(), view(day_pnl_usd=-5_000.0))) is RailReason.DAILY_LOSS


def test_a_day_in_profit_passes_the_daily_loss_rail() -> None:
    assert rails(daily_loss_limit_pct=2.0).check(entry(), view(day_pnl_usd=50_000.0)) is None


def test_exits_pass_the_daily_loss_rail() -> None:
    live = rails(daily_loss_limit_pct=2.0)
    assert live.check(exit_(), view(day_pnl_usd=-50_000.0)) is None


# -- open orders ---------------------------------------------------------------------


def test_an_entry_that_would_exceed_max_open_orders_is_denied() -> None:
    live = rails(max_open_orders=3)
    assert live.check(entry(), view(open_orders=2)) is None
    denial = live.check(entry(), view(open_orders=3))
    assert denial == RailDenial(RailReason.OPEN_ORDERS, "3 open orders, max_open_orders 3 reached")


def test_exits_pass_the_open_orders_rail() -> None:
    assert rails(max_open_orders=3).check(exit_(), view(open_orders=30)) is None


# -- notional per minute -------------------------------------------------------------


def test_notional_per_minute_up_to_the_limit_passes_and_beyond_is_denied() -> None:
    live = rails(max_notional_per_minute_usd=500_000)
    live.record_sent(entry(notional_usd=400_000.0, ts_ns=T0_NS))
    later = T0_NS + 30 * SECOND_NS
    assert live.check(entry(notional_usd=100_000.0, ts_ns=later), view()) is None
    denial = live.check(entry(notional_usd=100_000.01, ts_ns=later), view())
    assert denial == RailDenial(
        RailReason.NOTIONAL_PER_MINUTE,
        "notional 100,000.01 USD on top of 400,000.00 USD sent in the last 60 s above "
        "max_notional_per_minute_usd 500,000",
    )


def test_an_order_sent_exactly_sixty_seconds_ago_no_longer_counts() -> None:
    live = rails(max_notional_per_minute_usd=500_000)
    live.record_sent(entry(notional_usd=500_000.0, ts_ns=T0_NS))
    still_counted = entry(ts_ns=T0_NS + WINDOW_NS - 1)
    dropped_out = entry(ts_ns=T0_NS + WINDOW_NS)
    assert reason(live.check(still_counted, view())) is RailReason.NOTIONAL_PER_MINUTE
    assert live.check(dropped_out, view()) is None


def test_only_recorded_orders_count_toward_the_minute() -> None:
    live = rails(max_notional_per_minute_usd=1_500)
    for _ in range(5):
        assert live.check(entry(notional_usd=1_000.0), view()) is None
    live.record_sent(entry(notional_usd=1_000.0))
    assert reason(live.check(entry(notional_usd=1_000.0), view())) is RailReason.NOTIONAL_PER_MINUTE


def test_exits_pass_the_minute_rail_but_their_notional_counts_against_entries() -> None:
    live = rails(max_notional_per_minute_usd=10_000)
    big_exit = exit_(notional_usd=9_500.0)
    live.record_sent(big_exit)
    assert live.check(exit_(notional_usd=9_500.0), view()) is None
    assert reason(live.check(entry(notional_usd=1_000.0), view())) is RailReason.NOTIONAL_PER_MINUTE


def test_an_order_recorded_with_a_later_clock_still_counts_after_the_clock_steps_back() -> None:
    live = rails(max_notional_per_minute_usd=10_000)
    live.record_sent(entry(notional_usd=10_000.0, ts_ns=T0_NS + 5 * SECOND_NS))
    assert live.sent_in_window_usd(T0_NS) == 10_000.0
    assert reason(live.check(entry(ts_ns=T0_NS), view())) is RailReason.NOTIONAL_PER_MINUTE


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20 * SECOND_NS), st.floats(1.0, 40_000.0)),
        min_size=1,
        max_size=40,
    )
)
def test_entries_recorded_after_passing_never_exceed_the_minute_limit(
    stream: list[tuple[int, float]],
) -> None:
    max_usd = 100_000.0
    live = rails(max_notional_per_minute_usd=max_usd)
    ts_ns, sent = T0_NS, []
    for gap_ns, notional_usd in stream:
        ts_ns += gap_ns
        intent = entry(notional_usd=notional_usd, ts_ns=ts_ns)
        if live.check(intent, view()) is None:
            live.record_sent(intent)
            sent.append(intent)
    for last in sent:
        window = [s.notional_usd for s in sent if last.ts_ns - WINDOW_NS < s.ts_ns <= last.ts_ns]
        assert math.fsum(window) <= max_usd


# -- order of the rails and exits ----------------------------------------------------


def test_a_fat_exit_is_denied_while_every_risk_reducing_rail_is_breached() -> None:
    live = rails(
        daily_loss_limit_pct=1.0,
        max_order_notional_usd=1_000,
        max_open_orders=1,
        max_notional_per_minute_usd=1_000,
    )
    live.record_sent(entry(notional_usd=1_000.0))
    breached = view(day_pnl_usd=-10_000.0, open_orders=5)
    assert live.check(exit_(notional_usd=1_000.0), breached) is None
    assert reason(live.check(exit_(notional_usd=1_001.0), breached)) is RailReason.ORDER_NOTIONAL


def test_the_first_failing_rail_is_reported_in_the_documented_order() -> None:
    live = rails(
        daily_loss_limit_pct=1.0,
        max_order_notional_usd=1_000,
        price_collar_pct=5,
        max_open_orders=1,
        max_notional_per_minute_usd=1_000,
    )
    live.record_sent(entry(notional_usd=1_000.0))
    everything = view(day_pnl_usd=-10_000.0, open_orders=5)
    fat = entry(notional_usd=2_000.0, price=200.0)
    assert reason(live.check(fat, everything)) is RailReason.ORDER_NOTIONAL
    assert reason(live.check(replace(fat, notional_usd=500.0), everything)) is (
        RailReason.PRICE_COLLAR
    )
    in_collar = entry(notional_usd=500.0)
    assert reason(live.check(in_collar, everything)) is RailReason.DAILY_LOSS
    assert reason(live.check(in_collar, replace(everything, day_pnl_usd=0.0))) is (
        RailReason.OPEN_ORDERS
    )
    calm = view(open_orders=0)
    assert reason(live.check(in_collar, calm)) is RailReason.NOTIONAL_PER_MINUTE


# -- invalid inputs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", -1.0),
        ("quantity", 0.0),
        ("notional_usd", math.nan),
        ("notional_usd", -5.0),
        ("price", math.inf),
        ("price", 0.0),
        ("side", 0),
        ("side", True),
        ("market", ""),
        ("symbol", " "),
        ("ts_ns", -1),
        ("ts_ns", 1.5),
    ],
)
def test_an_unusable_order_intent_is_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"^{field}: expected"):
        entry(**{field: value})


def test_a_stop_intent_without_its_trigger_level_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^price: expected the trigger level"):
        exit_(price=None, is_stop=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_trade", -100.0),
        ("last_trade", math.nan),
        ("open_orders", -1),
        ("open_orders", 2.0),
        ("day_pnl_usd", math.nan),
        ("day_start_equity_usd", 0.0),
        ("stop", "pause"),
        ("stop", "SOFT"),
    ],
)
def test_an_unusable_view_is_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"^{field}: expected"):
        view(**{field: value})
