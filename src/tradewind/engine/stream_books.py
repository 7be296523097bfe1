"""Books filled one row at a time from the bars a feed delivers (paper and live runs).

`BookStream` owns the arrays of a `BookSet` with the shapes and book order
`build_books` gives for the same markets, and fills column `t` when row `t`'s bars
arrive (`advance`): per market, the symbols with a new bar update their strategies'
streams (`strategies.streaming`), the strategies' rows are aggregated
(`signals.aggregate_stream`, equal to `aggregate`), stop and take levels come from the
first strategy that agrees with the target (as `books._levels`), and a symbol without
a new bar holds its target (as `books._hold`). With `confirm_required > 0` cross-market
confirmation runs on the row too (`signals.confirmation.confirm_row`, equal to
`confirm_targets` row by row), against the trailing correlations the caller computed.

Cost per row: the market's strategies x symbols, whatever the length of the history.
Built-in strategies stream exactly (decisions equal, floats to ~1e-15); a user's
strategy without a streaming form is rerun over a bounded window of its last bars
(`strategies.streaming.WindowStream`), which equals the full-history signal only when
it looks back no further than its warm-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from tradewind.engine.books import BookSet, SignalRecord, concat_signals
from tradewind.engine.setup import EngineSpec, MarketRun
from tradewind.intelligence.trailing import TrailingCorrelations
from tradewind.signals.aggregate_stream import AggregatedRows, AggregationStream
from tradewind.signals.confirmation import (
    ConfirmationResult,
    check_confirmation,
    confirm_row,
)
from tradewind.strategies.streaming import (
    BarRows,
    KernelStream,
    SignalRows,
    StrategyStream,
    open_stream,
)

__all__ = ["BookStream", "RowConfirmation", "open_book_stream"]


@dataclass(frozen=True, slots=True)
class RowConfirmation:
    """What cross-market confirmation needs on each row: each symbol's market, the
    correlation matrix in force per row (`block_of_row`, -1 = none yet) and the rule."""

    symbol_market: np.ndarray
    block_of_row: np.ndarray
    matrices: np.ndarray
    threshold: float
    required: int


def open_book_stream(
    n_rows: int,
    symbols: Sequence[str],
    spec: EngineSpec,
    strategy_names: tuple[str, ...],
    correlations: TrailingCorrelations,
) -> BookStream:
    """A `BookStream` for `spec`'s markets on a timeline of `n_rows` rows and the panel
    columns `symbols`, confirming entries across markets when the spec asks for it."""
    settings = spec.correlation
    confirmation = None
    if settings.confirm_required > 0:
        column = {s: i for i, s in enumerate(symbols)}
        symbol_market = np.zeros(len(symbols), dtype=np.int64)
        for m, market in enumerate(spec.markets):
            symbol_market[[column[s] for s in market.symbols]] = m
        confirmation = RowConfirmation(
            symbol_market=symbol_market,
            block_of_row=correlations.block_of_row(n_rows),
            matrices=np.ascontiguousarray(correlations.matrices, dtype=np.float64),
            threshold=float(settings.confirm_threshold),
            required=int(settings.confirm_required),
        )
    return BookStream(n_rows, symbols, spec.markets, strategy_names, confirmation)


class _MarketStream:
    """One market's strategy streams and aggregation; its books are contiguous from
    `first_book`, `per_symbol` per symbol in the market's symbol order."""

    def __init__(
        self, m: int, market: MarketRun, columns: np.ndarray, strategy_index: np.ndarray
    ) -> None:
        self.m = m
        self.columns = columns
        self.strategy_index = strategy_index
        n = len(columns)
        self.streams: list[StrategyStream] = [
            open_stream(s.spec, s.config, n) for s in market.strategies
        ]
        self.aggregation = AggregationStream([s.name for s in market.strategies], market.rule, n)
        self.first_book = 0

    def rows(self, fresh: np.ndarray, prices: np.ndarray, stamps: np.ndarray) -> _MarketRow | None:
        """The market's strategy rows and aggregated targets for the symbols with a new
        bar (None when none has one)."""
        mask = np.ascontiguousarray(fresh[self.columns])
        local = np.flatnonzero(mask)
        if not len(local):
            return None
        signals = self._signal_rows(prices, stamps, mask, local)
        aggregated = self.aggregation.update(
            local, signals.active, signals.direction, signals.confidence
        )
        return _MarketRow(self, local, signals, aggregated)

    def _signal_rows(
        self, prices: np.ndarray, stamps: np.ndarray, mask: np.ndarray, local: np.ndarray
    ) -> SignalRows:
        """Every strategy's row (S x f) at the masked symbols `local`."""
        matrix = np.ascontiguousarray(prices[:, self.columns])
        outs = []
        for stream in self.streams:
            if isinstance(stream, KernelStream):  # the compiled form's (6, n) output
                outs.append(stream.update_matrix(matrix, mask)[:, local])
                continue
            row = stream.update(BarRows.from_matrix(stamps[self.columns], matrix), mask)
            outs.append(np.stack([getattr(row, f.name)[local] for f in fields(row)]))
        return SignalRows.from_matrix(np.stack(outs, axis=1))


@dataclass(frozen=True, slots=True)
class _MarketRow:
    """One market's row: strategy outputs (S x f) and targets (B x f) of its fresh symbols."""

    market: _MarketStream
    local: np.ndarray
    signals: SignalRows
    aggregated: AggregatedRows

    def books(self) -> np.ndarray:
        """Book index of each target (B x f)."""
        b = self.market.aggregation.per_symbol
        return self.market.first_book + self.local[None, :] * b + np.arange(b)[:, None]

    def levels(self) -> tuple[np.ndarray, np.ndarray]:
        """Stop and take prices per target (B x f): those of the first strategy whose
        active signal matches the target, NaN when none gives one."""
        s, target = self.signals, self.aggregated.target
        independent = self.market.aggregation.independent
        stop = np.full(target.shape, np.nan)
        take = np.full(target.shape, np.nan)
        for j in range(target.shape[0]):
            for i in [j] if independent else range(len(s.active)):
                match = s.active[i] & (s.direction[i] == target[j]) & (target[j] != 0)
                stop[j] = np.where(np.isnan(stop[j]) & match, s.stop_price[i], stop[j])
                take[j] = np.where(np.isnan(take[j]) & match, s.target_price[i], take[j])
        return stop, take

    def signal_part(self, t: int) -> tuple[np.ndarray, ...]:
        """The row's emitted signals as `concat_signals` columns."""
        s, market = self.signals, self.market
        which, at = np.nonzero(s.active)
        count = len(at)
        return (
            np.full(count, t, dtype=np.int64),
            np.full(count, market.m, dtype=np.int64),
            market.columns[self.local[at]],
            market.strategy_index[which],
            s.direction[which, at],
            s.strength[which, at],
            s.confidence[which, at],
            s.stop_price[which, at],
            s.target_price[which, at],
        )


class BookStream:
    """The books of a paper or live run, one row at a time (see the module docstring).

    Args:
        n_rows: rows of the run's timeline (the arrays' width).
        symbols: the panel's symbols (column order of `advance`'s arrays).
        markets: the run's markets, as `build_books` takes them.
        strategy_names: every strategy of the run, in the order `signals` indexes.
        confirmation: cross-market confirmation of entries (None: off); the books'
            `target` and `edge` are then the confirmed ones.

    Raises:
        AggregationError: a market whose strategies or rule cannot be aggregated, or
            confirmation settings outside their ranges.
        StrategyError: a strategy config that does not belong to its strategy.
    """

    def __init__(
        self,
        n_rows: int,
        symbols: Sequence[str],
        markets: tuple[MarketRun, ...],
        strategy_names: tuple[str, ...],
        confirmation: RowConfirmation | None = None,
    ) -> None:
        column = {s: i for i, s in enumerate(symbols)}
        self._markets: list[_MarketStream] = []
        labels: dict[str, list[object]] = {k: [] for k in _LABELS}
        for m, market in enumerate(markets):
            index = np.array([strategy_names.index(s.name) for s in market.strategies])
            columns = np.array([column[s] for s in market.symbols], dtype=np.int64)
            stream = _MarketStream(m, market, columns, index)
            stream.first_book = len(labels["symbol"])
            self._markets.append(stream)
            _add_labels(labels, stream, market, strategy_names)
        n_books = len(labels["symbol"])
        book_symbol = np.array(labels["symbol"], dtype=np.int64)
        edge = np.zeros((n_books, n_rows), dtype=np.bool_)
        self._raw_target = np.zeros((n_books, n_rows), dtype=np.int8)
        self._confirm: _Confirmer | None = None
        if confirmation is not None:
            check_confirmation(confirmation.threshold, confirmation.required)
            self._confirm = _Confirmer(confirmation, self._raw_target, book_symbol, edge)
        self.books = BookSet(
            symbol=book_symbol,
            market=np.array(labels["market"], dtype=np.int64),
            strategy=np.array(labels["strategy"], dtype=np.int64),
            strategies=tuple(labels["strategies"]),  # type: ignore[arg-type]
            decision=tuple(labels["decision"]),  # type: ignore[arg-type]
            target=self._raw_target if self._confirm is None else self._confirm.target,
            edge=edge,
            contributors=np.zeros((n_books, n_rows), dtype=np.int64),
            stop=np.full((n_books, n_rows), np.nan),
            take=np.full((n_books, n_rows), np.nan),
            size_mode=np.array(labels["size_mode"], dtype=np.int64),
            size_value=np.array(labels["size_value"], dtype=np.float64),
            stop_pct=np.array(labels["stop_pct"], dtype=np.float64),
            take_pct=np.array(labels["take_pct"], dtype=np.float64),
            signals=concat_signals([]),
        )
        """The arrays the engine reads; column t is final once row t has advanced."""
        self._next_row = 0
        self._row_signals: list[SignalRecord] = []

    @property
    def rows_done(self) -> int:
        """Rows advanced so far."""
        return self._next_row

    @property
    def confirmation(self) -> ConfirmationResult | None:
        """Cross-market confirmation over the rows advanced so far (None when off)."""
        return None if self._confirm is None else self._confirm.result()

    def advance(self, t: int, fresh: np.ndarray, prices: np.ndarray, stamps: np.ndarray) -> None:
        """Fill column `t` from row `t`'s bars: `fresh` (N bool) marks the symbols with a
        new bar, `prices` (5 x N float64) their open, high, low, close and volume (NaN
        where absent) and `stamps` (N int64 ns) their open instants.

        Raises:
            RuntimeError: rows out of order (each row once, from 0 on).
            StrategyError, AggregationError: from the strategies or the aggregation.
        """
        if t != self._next_row:
            raise RuntimeError(f"book stream at row {self._next_row} was asked for row {t}")
        b = self.books
        if t > 0:
            self._raw_target[:, t] = self._raw_target[:, t - 1]
            b.contributors[:, t] = b.contributors[:, t - 1]
        parts = []
        for market in self._markets:
            row = market.rows(fresh, prices, stamps)
            if row is None:
                continue
            books = row.books()
            self._raw_target[books, t] = row.aggregated.target
            b.contributors[books, t] = row.aggregated.contributors
            b.stop[books, t], b.take[books, t] = row.levels()
            if self._confirm is None:
                b.edge[books, t] = row.aggregated.edge
            parts.append(row.signal_part(t))
        if self._confirm is not None:
            self._confirm.row(t, fresh)
        self._row_signals.append(concat_signals(parts))
        self._next_row = t + 1

    def signals_at(self, t: int) -> SignalRecord:
        """The strategies' signals emitted on row `t` (an advanced row), in
        `build_books`' order (symbol, then strategy)."""
        if not 0 <= t < self._next_row:
            raise IndexError(f"row {t} has not been advanced (rows done: {self._next_row})")
        return self._row_signals[t]

    def signals(self) -> SignalRecord:
        """Every signal of the rows advanced so far (as `BookSet.signals`)."""
        names = [f.name for f in fields(SignalRecord)]
        return concat_signals([tuple(getattr(r, n) for n in names) for r in self._row_signals])


class _Confirmer:
    """Per-row cross-market confirmation of the raw (aggregated) targets."""

    def __init__(
        self, settings: RowConfirmation, raw: np.ndarray, book_symbol: np.ndarray, edge: np.ndarray
    ) -> None:
        n_books, n_rows = raw.shape
        self.settings = settings
        self.raw = raw
        self.edge = edge
        self.book_symbol = book_symbol
        self.target = np.zeros((n_books, n_rows), dtype=np.int8)
        self.agreeing = np.zeros((n_books, n_rows), dtype=np.int16)
        self._confirmed = np.zeros(n_books, dtype=np.bool_)
        self._out = np.zeros(n_books, dtype=np.int8)
        self._count = np.zeros(n_books, dtype=np.int16)
        n_symbols = len(settings.symbol_market)
        self._blank = np.zeros((n_symbols, n_symbols))
        self._entries = [0, 0]  # proposed, confirmed

    def row(self, t: int, fresh: np.ndarray) -> None:
        s = self.settings
        block = int(s.block_of_row[t])
        proposed = np.ascontiguousarray(self.raw[:, t])
        previous = np.ascontiguousarray(self.raw[:, t - 1]) if t else np.zeros_like(proposed)
        confirm_row(
            proposed, previous, t == 0, self._confirmed, self.book_symbol, s.symbol_market,
            np.ascontiguousarray(fresh, dtype=np.bool_),
            s.matrices[block] if block >= 0 else self._blank, block >= 0,
            s.threshold, s.required, self._out, self._count,
        )  # fmt: skip
        before = self.target[:, t - 1] if t else np.zeros_like(self._out)
        self.target[:, t] = self._out
        self.agreeing[:, t] = self._count
        self.edge[:, t] = self._out != before
        self._entries[0] += int(((proposed != 0) & (proposed != previous)).sum())
        self._entries[1] += int(((self._out != 0) & (self._out != before)).sum())

    def result(self) -> ConfirmationResult:
        return ConfirmationResult(
            target=self.target,
            edge=self.edge,
            agreeing=self.agreeing,
            proposed_entries=self._entries[0],
            confirmed_entries=self._entries[1],
            proposed=self.raw,
        )


_LABELS = ("symbol", "market", "strategy", "strategies", "decision",
           "size_mode", "size_value", "stop_pct", "take_pct")  # fmt: skip


def _add_labels(
    labels: dict[str, list[object]],
    stream: _MarketStream,
    market: MarketRun,
    strategy_names: tuple[str, ...],
) -> None:
    """The market's books in `build_books`' order: per symbol, one book (or one per
    strategy under INDEPENDENT)."""
    aggregation = stream.aggregation
    for n in stream.columns:
        for j in range(aggregation.per_symbol):
            independent = aggregation.independent
            labels["symbol"].append(int(n))
            labels["market"].append(stream.m)
            labels["strategy"].append(
                strategy_names.index(aggregation.names[j]) if independent else -1
            )
            labels["strategies"].append(
                (aggregation.names[j],) if independent else aggregation.names
            )
            labels["decision"].append(aggregation.decision)
            labels["size_mode"].append(market.sizing.code)
            labels["size_value"].append(market.sizing.value)
            labels["stop_pct"].append(market.stop_loss_pct)
            labels["take_pct"].append(market.take_profit_pct)
