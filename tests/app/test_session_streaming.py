"""A paper session's signals come from the bars its feeds deliver, row by row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.engine.books import build_books
from tradewind.engine.feeds import FeedRow, RowFeed
from tradewind.store import Journal
from tradewind.strategies.api import BarWindow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
SYMBOL = "BTC-USD"
FROM_ROW = 250
UNTIL_ROW = 420
FACTOR = 0.6  # a 40% gap down that the recording does not have


class _Shifted:
    """Delivers the inner feed's bars, with one symbol's prices scaled from a row on."""

    def __init__(self, inner: RowFeed, column: int, from_row: int, factor: float) -> None:
        self._inner, self.symbols = inner, inner.symbols
        self._at = list(inner.symbols).index(column)
        self._from, self._factor = from_row, factor

    def poll(self, row: int) -> FeedRow:
        found = self._inner.poll(row)
        if row < self._from:
            return found
        scale = np.ones(len(found.fresh))
        scale[self._at] = self._factor
        return FeedRow(found.fresh, found.open * scale, found.high * scale, found.low * scale,
                       found.close * scale, found.volume, found.bar_time)  # fmt: skip


def _journaled_signals(path: Path, run_id: str) -> set[tuple[int, str, str, str]]:
    with Journal.open(path) as journal:
        return {
            (pd.Timestamp(s.ts).value, s.symbol, s.strategy, str(s.direction))
            for s in journal.signals(run_id)
        }


def _expected_signals(session: TradingSession, windows: dict[str, BarWindow]):
    books = build_books(session.recording, windows, session.spec.markets, session.strategy_names)
    s, stamps = books.signals, session.recording.timestamps
    direction = {1: "long", -1: "short", 0: "flat"}
    return {
        (
            int(stamps[s.row[i]]),
            session.recording.symbols[s.symbol[i]],
            session.strategy_names[s.strategy[i]],
            direction[int(s.direction[i])],
        )
        for i in range(len(s.row))
        if s.row[i] <= UNTIL_ROW
    }


def _shifted_windows(session: TradingSession) -> dict[str, BarWindow]:
    windows = dict(session._windows)
    bars = windows[SYMBOL]
    scale = np.where(session.recording.bar_rows[SYMBOL] >= FROM_ROW, FACTOR, 1.0)
    windows[SYMBOL] = BarWindow(bars.timestamp, bars.open * scale, bars.high * scale,
                                bars.low * scale, bars.close * scale, bars.volume)  # fmt: skip
    return windows


@pytest.mark.slow
def test_signals_come_from_the_bars_the_feed_delivered(tmp_path: Path) -> None:
    config = load_config(EXAMPLE, apply_env=False)
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "j.sqlite")
    column = session.recording.symbols.index(SYMBOL)
    session.feeds["crypto"] = _Shifted(session.feeds["crypto"], column, FROM_ROW, FACTOR)
    report = session.run(until_row=UNTIL_ROW)

    got = _journaled_signals(tmp_path / "j.sqlite", report.run_id)
    recorded = _expected_signals(session, session._windows)
    delivered = _expected_signals(session, _shifted_windows(session))
    cut = int(session.recording.timestamps[FROM_ROW])
    # The signals are those of the delivered bars, not of the recording...
    assert got == delivered
    assert {s for s in got if s[1] == SYMBOL and s[0] >= cut} != {
        s for s in recorded if s[1] == SYMBOL and s[0] >= cut
    }
    # ... which agree with the recording's before the feed diverged, and elsewhere.
    assert {s for s in got if s[0] < cut} == {s for s in recorded if s[0] < cut}
    assert {s for s in got if s[1] != SYMBOL} == {s for s in recorded if s[1] != SYMBOL}


@pytest.mark.slow
def test_a_replayed_session_journals_the_recordings_signals(tmp_path: Path) -> None:
    config = load_config(EXAMPLE, apply_env=False)
    session = TradingSession(config, Catalog(tmp_path / "c"), tmp_path / "j.sqlite")
    report = session.run(until_row=UNTIL_ROW)
    got = _journaled_signals(tmp_path / "j.sqlite", report.run_id)
    assert got == _expected_signals(session, session._windows)
