"""Completing the close-only bundled equities into whole bars the market can trade."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - short literals in tables

import pytest

from tradewind.venues.alpaca.emulator.bundle import DEFAULT_SYNTHETIC_VOLUME, complete_bars

NAN = float("nan")


def test_close_only_rows_open_at_the_previous_close() -> None:
    bars = complete_bars([NAN, NAN], [NAN, NAN], [NAN, NAN], [10.5, 9.25], [NAN, NAN])
    assert bars.open == [D("10.5"), D("10.5")]
    assert bars.high == [D("10.5"), D("10.5")]
    assert bars.low == [D("10.5"), D("9.25")]
    assert bars.volume == [DEFAULT_SYNTHETIC_VOLUME] * 2


def test_complete_rows_pass_unchanged_unless_a_tick_is_given() -> None:
    row = ([14.36], [14.69], [14.2675], [14.6], [3060200.0])
    assert complete_bars(*row).low == [D("14.2675")]
    assert complete_bars(*row, tick=D("0.01")).low == [D("14.27")]


def test_a_missing_close_is_refused_naming_the_row() -> None:
    with pytest.raises(ValueError, match="row 1: expected a close"):
        complete_bars([1, 1], [1, 1], [1, 1], [1, NAN], [1, 1])
