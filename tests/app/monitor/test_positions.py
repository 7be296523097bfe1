"""Average-cost folding of fills: adds, partial closes, flips through zero, dust."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tradewind.app.monitor.positions import fold_fills, position_views

T1 = datetime(2024, 1, 1, tzinfo=UTC)
T2 = datetime(2024, 1, 2, tzinfo=UTC)


def test_partial_close_realizes_at_the_average_and_keeps_it() -> None:
    book = fold_fills(
        [
            (T1, "m", "X", "buy", 2.0, 10.0, 0.0),
            (T1, "m", "X", "buy", 2.0, 20.0, 0.0),
            (T2, "m", "X", "sell", 1.0, 30.0, 0.25),
        ],
        day=date(2024, 1, 2),
    )
    assert book.open_lots() == [("m", "X", 3.0, 15.0)]
    assert book.realized_on_day == {"m": pytest.approx(15.0 - 0.25)}


def test_flip_through_zero_starts_a_new_average_at_the_fill_price() -> None:
    book = fold_fills(
        [(T1, "m", "X", "buy", 1.0, 10.0, 0.0), (T1, "m", "X", "SELL", 3.0, 12.0, 1.0)],
        day=date(2024, 1, 1),
    )
    assert book.open_lots() == [("m", "X", -2.0, 12.0)]
    assert book.realized_on_day == {"m": pytest.approx(2.0 - 1.0)}


def test_short_cover_realizes_the_drop() -> None:
    book = fold_fills(
        [(T1, "m", "X", "sell", 4.0, 50.0, 0.0), (T2, "m", "X", "buy", 4.0, 40.0, 0.0)],
        day=date(2024, 1, 2),
    )
    assert book.open_lots() == []
    assert book.realized_on_day == {"m": pytest.approx(40.0)}


def test_float_dust_is_flat() -> None:
    book = fold_fills(
        [
            (T1, "m", "X", "buy", 0.1, 10.0, 0.0),
            (T1, "m", "X", "buy", 0.2, 10.0, 0.0),
            (T1, "m", "X", "sell", 0.3, 10.0, 0.0),
        ],
        day=None,
    )
    assert book.open_lots() == []
    assert book.realized_on_day == {}


def test_short_position_pnl_at_a_mark() -> None:
    book = fold_fills([(T1, "fx", "EUR-USD", "sell", 1000.0, 1.10, 0.0)], day=None)
    (view,) = position_views(book, {"fx": {"EUR-USD": 1.12}})
    assert (view.side, view.qty) == ("short", 1000.0)
    assert view.pnl == pytest.approx(-20.0)
    assert view.pnl_pct == pytest.approx(-20.0 / 1100.0 * 100.0)
    (unmarked,) = position_views(book, {})
    assert (unmarked.current_price, unmarked.pnl, unmarked.notional_usd) == (None, None, None)
