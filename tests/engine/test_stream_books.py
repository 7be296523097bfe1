"""Books streamed row by row from a feed equal the books built over the whole recording."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import prepare_market_data
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.engine.books import BookSet, build_books
from tradewind.engine.correlation import confirm_books, panel_correlations
from tradewind.engine.feeds import ReplayFeed
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.engine.setup import EngineSpec
from tradewind.engine.stream_books import BookStream, open_book_stream
from tradewind.signals.aggregate import AggregationError
from tradewind.signals.confirmation import ConfirmationResult
from tradewind.strategies.api import BarWindow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"

#: Stop and take prices come from strategies whose streamed floats may differ from
#: TA-Lib's vectorized build in the last bits (ATR); every decision must be equal.
PRICE_RTOL = 1e-12


@dataclass(frozen=True, slots=True)
class Recorded:
    """A config's recording and the books built over all of it."""

    panel: MarketPanel
    spec: EngineSpec
    names: tuple[str, ...]
    books: BookSet
    confirmation: ConfirmationResult | None
    correlations: Any


def _recorded(tmp: Path, changes: dict[str, Any]) -> Recorded:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw.update(changes)
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    config = load_config(path, apply_env=False)
    prepared = prepare_market_data(config, Catalog(tmp / "catalog"))
    spec = engine_spec_from_config(config, {(s.market, s.symbol): s.key for s in prepared.series})
    panel = panel_from_aligned(prepared.panel)
    windows = {
        key: BarWindow.from_frame(panel.window_frame(key, frame))
        for key, frame in prepared.frames.items()
    }
    names = tuple(dict.fromkeys(s.name for m in spec.markets for s in m.strategies))
    correlations = panel_correlations(panel, spec)
    books, confirmation = confirm_books(
        build_books(panel, windows, spec.markets, names), panel, spec, correlations
    )
    return Recorded(panel, spec, names, books, confirmation, correlations)


def _stream(recorded: Recorded) -> BookStream:
    """The recording replayed through the feeds a session uses, one row at a time."""
    panel = recorded.panel
    stream = open_book_stream(
        panel.shape[0], panel.symbols, recorded.spec, recorded.names, recorded.correlations
    )
    feed = ReplayFeed(panel, range(panel.shape[1]))
    for t in range(panel.shape[0]):
        row = feed.poll(t)
        assert row.volume is not None
        assert row.bar_time is not None
        prices = np.stack([row.open, row.high, row.low, row.close, row.volume])
        stream.advance(t, row.fresh, prices, row.bar_time)
    return stream


def _assert_books_equal(want: BookSet, got: BookSet) -> None:
    for name in ("symbol", "market", "strategy", "strategies", "decision", "size_mode",
                 "size_value", "stop_pct", "take_pct"):  # fmt: skip
        mine, theirs = getattr(want, name), getattr(got, name)
        same = mine == theirs if isinstance(mine, tuple) else np.array_equal(mine, theirs, True)
        assert same, name
    for name in ("target", "edge", "contributors"):
        mine, theirs = getattr(want, name), getattr(got, name)
        assert mine.shape == theirs.shape, name
        bad = np.argwhere(mine != theirs)
        assert not len(bad), f"{name}: first difference at (book, row) {tuple(bad[0])}"
    for name in ("stop", "take"):
        np.testing.assert_allclose(
            getattr(got, name), getattr(want, name), rtol=PRICE_RTOL, err_msg=name
        )


def _assert_signals_equal(want: BookSet, stream: BookStream) -> None:
    got = stream.signals()
    for f in fields(got):
        mine, theirs = getattr(want.signals, f.name), getattr(got, f.name)
        assert mine.dtype == theirs.dtype, f.name
        if mine.dtype.kind == "f":
            np.testing.assert_allclose(theirs, mine, rtol=PRICE_RTOL, err_msg=f.name)
        else:
            assert np.array_equal(mine, theirs), f.name
    for t in np.unique(want.signals.row)[:50]:
        assert np.array_equal(stream.signals_at(int(t)).symbol,
                              want.signals.symbol[want.signals.row == t])  # fmt: skip


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return _recorded(tmp_path_factory.mktemp("example"), {})


def test_streamed_books_equal_the_recordings_books_on_the_example(example: Recorded) -> None:
    stream = _stream(example)
    assert {m.rule.method.value for m in example.spec.markets} == {
        "CONSENSUS", "WEIGHTED", "PRIORITY", "INDEPENDENT",
    }  # fmt: skip
    _assert_books_equal(example.books, stream.books)
    _assert_signals_equal(example.books, stream)
    assert stream.confirmation is None


ONE_METHOD = {
    "consensus": {"method": "CONSENSUS", "consensus_threshold": 0.6},
    "weighted_by_confidence": {"method": "WEIGHTED"},
    "weighted_by_weights": {
        "method": "WEIGHTED",
        "weights": {"sma_cross": 1.0, "breakout_v1": 2.0, "trend_following_v1": 3.0},
    },
    "priority": {"method": "PRIORITY", "priorities": {"mean_reversion_v2": 3, "sma_cross": 1}},
    "independent": {"method": "INDEPENDENT"},
}


@pytest.mark.slow
@pytest.mark.parametrize("method", sorted(ONE_METHOD))
def test_streamed_books_equal_the_recordings_books_under_each_aggregation_method(
    method: str, tmp_path: Path
) -> None:
    recorded = _recorded(tmp_path, {"signal_aggregation": ONE_METHOD[method]})
    stream = _stream(recorded)
    assert recorded.books.edge.any()
    _assert_books_equal(recorded.books, stream.books)
    _assert_signals_equal(recorded.books, stream)


@pytest.mark.slow
def test_streamed_books_equal_the_confirmed_books_with_cross_market_confirmation(
    tmp_path: Path,
) -> None:
    recorded = _recorded(
        tmp_path, {"mmin": {"cross_market_signals_required": 1, "correlation_threshold": 0.3}}
    )
    want = recorded.confirmation
    assert want is not None
    assert 0 < want.confirmed_entries < want.proposed_entries  # confirmation held some back
    stream = _stream(recorded)
    _assert_books_equal(recorded.books, stream.books)
    got = stream.confirmation
    assert got is not None
    assert np.array_equal(got.proposed, want.proposed)
    assert np.array_equal(got.agreeing, want.agreeing)
    assert (got.proposed_entries, got.confirmed_entries) == (
        want.proposed_entries, want.confirmed_entries,
    )  # fmt: skip


def test_a_row_out_of_order_is_refused(example: Recorded) -> None:
    panel = example.panel
    stream = BookStream(panel.shape[0], panel.symbols, example.spec.markets, example.names)
    prices = np.full((5, panel.shape[1]), np.nan)
    no_bars = np.zeros(panel.shape[1], dtype=bool)
    stamps = np.zeros(panel.shape[1], dtype=np.int64)
    stream.advance(0, no_bars, prices, stamps)
    with pytest.raises(RuntimeError, match="at row 1 was asked for row 3"):
        stream.advance(3, no_bars, prices, stamps)
    with pytest.raises(IndexError, match="row 1 has not been advanced"):
        stream.signals_at(1)


def test_rows_without_bars_hold_the_target_and_carry_no_signal(example: Recorded) -> None:
    stream = _stream(example)
    books = stream.books
    fresh = example.panel.fresh[:, books.symbol].T
    held = ~fresh[:, 1:]
    assert held.any()
    assert np.array_equal(books.target[:, 1:][held], books.target[:, :-1][held])
    assert not books.edge[:, 1:][held].any()
    assert np.isnan(books.stop[:, 1:][held]).all()


def test_bad_confirmation_settings_are_refused(example: Recorded) -> None:
    from tradewind.engine.stream_books import RowConfirmation

    panel = example.panel
    settings = RowConfirmation(
        symbol_market=np.zeros(panel.shape[1], dtype=np.int64),
        block_of_row=np.full(panel.shape[0], -1),
        matrices=np.zeros((0, panel.shape[1], panel.shape[1])),
        threshold=1.5,
        required=1,
    )
    with pytest.raises(AggregationError, match=r"confirmation threshold 1.5: expected in \(0, 1\]"):
        BookStream(panel.shape[0], panel.symbols, example.spec.markets, example.names, settings)
