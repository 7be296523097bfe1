"""Fill prices against one bar, hand-computed."""

from __future__ import annotations

import math

import pytest

from tradewind.domain import DomainError
from tradewind.execution import (
    EXIT_NONE,
    EXIT_STOP_LOSS,
    EXIT_TAKE_PROFIT,
    FillModel,
    exit_on_bar,
    limit_fill,
    market_fill_price,
    protective_stop_fill,
    stop_fill,
    take_profit_fill,
)

BUY, SELL = 1, -1


def test_market_orders_fill_at_the_next_open_or_this_close() -> None:
    assert market_fill_price(FillModel.NEXT_OPEN, 101.0, 100.0) == 101.0
    assert market_fill_price(FillModel.THIS_CLOSE, 101.0, 100.0) == 100.0
    assert math.isnan(market_fill_price(FillModel.NEXT_OPEN, math.nan, 100.0))
    assert FillModel.parse("this_close") is FillModel.THIS_CLOSE
    with pytest.raises(DomainError, match="next_open, this_close"):
        FillModel.parse("next_close")


def test_limit_fills_at_the_limit_when_touched_and_at_a_better_open() -> None:
    assert limit_fill(BUY, 99.0, 100.0, 101.0, 98.5) == (True, 99.0)
    assert limit_fill(BUY, 99.0, 98.0, 101.0, 97.0) == (True, 98.0)  # opened below
    assert limit_fill(BUY, 99.0, 100.0, 101.0, 99.0) == (True, 99.0)  # a touch fills
    assert limit_fill(BUY, 99.0, 100.0, 101.0, 99.5) == (False, 0.0)
    assert limit_fill(SELL, 102.0, 100.0, 102.5, 99.0) == (True, 102.0)
    assert limit_fill(SELL, 102.0, 103.0, 104.0, 101.0) == (True, 103.0)
    assert limit_fill(SELL, 102.0, 100.0, 101.9, 99.0) == (False, 0.0)


def test_stop_fills_at_the_trigger_or_at_a_worse_open_after_a_gap() -> None:
    assert stop_fill(BUY, 101.0, 100.0, 102.0, 99.0) == (True, 101.0)
    assert stop_fill(BUY, 101.0, 103.0, 104.0, 102.0) == (True, 103.0)  # gapped through
    assert stop_fill(BUY, 101.0, 100.0, 100.9, 99.0) == (False, 0.0)
    assert stop_fill(SELL, 98.0, 100.0, 101.0, 97.0) == (True, 98.0)
    assert stop_fill(SELL, 98.0, 95.0, 96.0, 94.0) == (True, 95.0)
    assert stop_fill(SELL, 98.0, 100.0, 101.0, 98.1) == (False, 0.0)


def test_protective_stop_on_the_entry_bar_fills_at_the_stop_price() -> None:
    # entry at this bar's open (100), stop 2 % below: the low reaches it
    assert protective_stop_fill(1, 98.0, 100.0, 101.0, 97.0, True) == (True, 98.0)
    # the same bar later on gaps below the stop: filled at the open
    assert protective_stop_fill(1, 98.0, 96.0, 97.0, 95.0, False) == (True, 96.0)
    # ... but on the entry bar the stop price stands even if the open is below it
    assert protective_stop_fill(1, 98.0, 96.0, 97.0, 95.0, True) == (True, 98.0)
    assert protective_stop_fill(1, 98.0, 100.0, 101.0, 98.01, False) == (False, 0.0)
    assert protective_stop_fill(-1, 102.0, 100.0, 102.0, 99.0, False) == (True, 102.0)
    assert protective_stop_fill(-1, 102.0, 104.0, 105.0, 103.0, False) == (True, 104.0)
    assert protective_stop_fill(0, 98.0, 100.0, 101.0, 90.0, False) == (False, 0.0)


def test_take_profit_fills_at_the_target_or_a_better_open() -> None:
    assert take_profit_fill(1, 105.0, 100.0, 106.0, 99.0, False) == (True, 105.0)
    assert take_profit_fill(1, 105.0, 107.0, 108.0, 106.0, False) == (True, 107.0)
    assert take_profit_fill(-1, 95.0, 100.0, 101.0, 94.0, False) == (True, 95.0)
    assert take_profit_fill(-1, 95.0, 93.0, 94.0, 92.0, False) == (True, 93.0)
    assert take_profit_fill(1, 105.0, 100.0, 104.9, 99.0, True) == (False, 0.0)


def test_when_both_exits_lie_inside_the_bar_the_stop_is_assumed_first() -> None:
    assert exit_on_bar(1, 98.0, 105.0, 100.0, 106.0, 97.0, False) == (EXIT_STOP_LOSS, 98.0)
    assert exit_on_bar(-1, 102.0, 95.0, 100.0, 103.0, 94.0, False) == (EXIT_STOP_LOSS, 102.0)


def test_a_gap_at_the_open_decides_the_exit_before_the_range() -> None:
    assert exit_on_bar(1, 98.0, 105.0, 106.0, 107.0, 97.0, False) == (EXIT_TAKE_PROFIT, 106.0)
    assert exit_on_bar(1, 98.0, 105.0, 96.0, 107.0, 95.0, False) == (EXIT_STOP_LOSS, 96.0)
    assert exit_on_bar(1, 98.0, 105.0, 100.0, 105.5, 99.0, False) == (EXIT_TAKE_PROFIT, 105.0)


def test_nan_levels_never_fill_and_flat_positions_have_no_exit() -> None:
    assert exit_on_bar(1, math.nan, math.nan, 100.0, 200.0, 1.0, False) == (EXIT_NONE, 0.0)
    assert exit_on_bar(1, math.nan, 105.0, 100.0, 106.0, 1.0, False) == (EXIT_TAKE_PROFIT, 105.0)
    assert exit_on_bar(0, 98.0, 105.0, 100.0, 200.0, 1.0, False) == (EXIT_NONE, 0.0)
