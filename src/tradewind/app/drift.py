"""The drift monitor: a paper or live session's period replayed through the backtest
path and compared with what the session did.

`backtest_figures` runs `engine.backtest.run_engine` over the bars the session's feeds
delivered (rows 0..upto_row); `session_figures` reads the same figures from the
session's own engine state, whose fills came from the venues. `compare` measures per
market and over all markets ("*"):

- `pnl_gap_pct`: |session P&L - backtest P&L| / start equity x 100;
- `fill_gap_pct`: fills without a counterpart of the same row, symbol and side in the
  other run, as a percent of both runs' fills;
- `signal_gap_pct`: the same for the strategies' signals (row, symbol, strategy, direction);
- `slippage_bps`: mean adverse price difference of the matched fills (worse for us > 0).

A metric past its `DriftConfig` limit is a breach. On the simulated venue the session's
fills equal the backtest's, so a paper run there shows no drift at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from tradewind.config.operator import DriftConfig
from tradewind.engine.backtest import run_engine
from tradewind.engine.books import BookSet, SignalRecord
from tradewind.engine.fx import value_scale
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.store.control_records import DriftCheckRecord
from tradewind.strategies.api import BarWindow

if TYPE_CHECKING:
    from tradewind.app.session import TradingSession

__all__ = [
    "ALL_MARKETS",
    "METRICS",
    "DriftResult",
    "FillFigure",
    "RunFigures",
    "SignalFigure",
    "backtest_figures",
    "compare",
    "delivered_bars",
    "drift_check",
    "session_figures",
]

ALL_MARKETS = "*"
"""The scope of the metrics over every market together."""
METRICS = ("pnl_gap_pct", "fill_gap_pct", "signal_gap_pct", "slippage_bps")
_DIRECTION = np.array(["flat", "long", "short"], dtype=object)  # index -1 is short


@dataclass(frozen=True, slots=True)
class SignalFigure:
    """One strategy signal: where, from which strategy, which direction."""

    row: int
    market: str
    symbol: str
    strategy: str
    direction: str


@dataclass(frozen=True, slots=True)
class FillFigure:
    """One fill: row, symbol, side (`buy`/`sell`), unsigned quantity and price."""

    row: int
    market: str
    symbol: str
    side: str
    qty: float
    price: float


_F = TypeVar("_F", FillFigure, SignalFigure)


@dataclass(frozen=True, slots=True)
class RunFigures:
    """What one run did over rows 0..`upto_row`: signals, fills and P&L.

    `pnl` maps each market and `ALL_MARKETS` to its P&L at `upto_row`'s close, in the
    account currency (fills' cash flows and commissions, plus open positions at the mark).
    """

    upto_row: int
    markets: tuple[str, ...]
    signals: tuple[SignalFigure, ...]
    fills: tuple[FillFigure, ...]
    pnl: dict[str, float]

    def signal_counts(self) -> dict[tuple[int, str], Counter[str]]:
        """Per (row, symbol): how many signals of each direction."""
        counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        for s in self.signals:
            counts[(s.row, s.symbol)][s.direction] += 1
        return dict(counts)


@dataclass(frozen=True, slots=True)
class DriftResult:
    """One drift check: metrics and breaches per market and for `ALL_MARKETS`."""

    upto_row: int
    metrics: dict[str, dict[str, float]]
    """Scope (market or "*") -> metric name (`METRICS`) -> value."""
    breaches: dict[str, tuple[str, ...]]
    """Scope -> names of the metrics past their limit (empty when within bounds)."""
    limits: dict[str, float]
    """Metric name -> the limit it was held to."""

    @property
    def within_bounds(self) -> bool:
        """No metric of any scope is past its limit."""
        return not any(self.breaches.values())

    def records(self, run_id: str) -> list[DriftCheckRecord]:
        """One journal record per scope (markets, then "*"); a market's record is within
        bounds when that market is, the "*" record when every scope is."""
        return [
            DriftCheckRecord(
                run_id=run_id,
                market=scope,
                rows=self.upto_row + 1,
                metrics=dict(values),
                breaches=self.breaches[scope],
                within_bounds=(
                    self.within_bounds if scope == ALL_MARKETS else not self.breaches[scope]
                ),
            )
            for scope, values in self.metrics.items()
        ]

    def summary(self) -> str:
        """One line: within bounds with the overall figures, or every breach."""
        head = f"drift at row {self.upto_row}"
        if self.within_bounds:
            m = self.metrics[ALL_MARKETS]
            return (
                f"{head}: within bounds (P&L gap {m['pnl_gap_pct']:.2f}%, fill gap "
                f"{m['fill_gap_pct']:.1f}%, signal gap {m['signal_gap_pct']:.1f}%, "
                f"slippage {m['slippage_bps']:.1f} bps)"
            )
        found = [
            f"{scope} {name} {self.metrics[scope][name]:.2f} > {self.limits[name]:g}"
            for scope, names in self.breaches.items()
            for name in names
        ]
        return f"{head}: {len(found)} breach{'es' if len(found) != 1 else ''}: " + "; ".join(found)


# -- figures ------------------------------------------------------------------------


def delivered_bars(
    session: TradingSession, upto_row: int
) -> tuple[MarketPanel, dict[str, BarWindow]]:
    """The bars the session's feeds delivered on rows 0..`upto_row`, as a panel and each
    symbol's window (what a backtest of that period reads).

    Raises:
        ValueError: `upto_row` outside the session's rows.
    """
    live = session.live
    _check_row(upto_row, live.shape[0], "session")
    rows = upto_row + 1
    fresh = live.fresh[:rows].copy()
    volume = live.volume[:rows].copy() if live.volume is not None else np.full(fresh.shape, np.nan)
    bar_rows: dict[str, np.ndarray] = {}
    bar_times: dict[str, np.ndarray] = {}
    windows: dict[str, BarWindow] = {}
    for n, symbol in enumerate(live.symbols):
        at = np.flatnonzero(fresh[:, n]).astype(np.int64)
        times = _bar_times(session.recording, symbol, at, live.timestamps)
        bar_rows[symbol], bar_times[symbol] = at, times
        windows[symbol] = BarWindow(times, live.open[at, n], live.high[at, n], live.low[at, n],
                                    live.close[at, n], volume[at, n])  # fmt: skip
    panel = MarketPanel(
        timestamps=live.timestamps[:rows].copy(),
        symbols=live.symbols,
        open=live.open[:rows].copy(),
        high=live.high[:rows].copy(),
        low=live.low[:rows].copy(),
        close=live.close[:rows].copy(),
        mark=live.mark[:rows].copy(),
        fresh=fresh,
        bar_rows=bar_rows,
        bar_times=bar_times,
        volume=volume,
    )
    return panel, windows


def backtest_figures(session: TradingSession, upto_row: int) -> RunFigures:
    """The backtest (`run_engine`) of the bars the session was delivered on rows
    0..`upto_row`, with the session's engine spec.

    Raises:
        ValueError: `upto_row` outside the session's rows.
        TradewindError: from the engine's set-up (as a backtest of the config would).
    """
    panel, windows = delivered_bars(session, upto_row)
    run = run_engine(panel, windows, session.spec)
    fills = run.fills
    return _figures(
        _Fills(
            row=fills["row"].to_numpy(np.int64),
            book=fills["book"].to_numpy(np.int64),
            qty=fills["qty"].to_numpy(np.float64),
            price=fills["price"].to_numpy(np.float64),
            fee=fills["commission"].to_numpy(np.float64),
        ),
        run.books.signals,
        _Labels(session.spec, panel, run.books, run.strategy_names),
        upto_row,
    )


def session_figures(session: TradingSession, state: KernelState, upto_row: int) -> RunFigures:
    """The same figures from the session's own engine `state` (fills as the venues
    reported them), for rows 0..`upto_row`; `state` must have processed `upto_row`
    (positions are rebuilt from the fills, so later rows do not count).

    Raises:
        ValueError: `upto_row` outside the rows the session has processed.
    """
    stream = session._stream  # the session's book stream holds every signal so far
    _check_row(upto_row, stream.rows_done, "processed")
    panel, _ = delivered_bars(session, upto_row)
    n = state.n_fills
    keep = state.f_row[:n] <= upto_row
    order = state.f_order[:n][keep]
    fills = _Fills(
        row=state.f_row[:n][keep],
        book=state.o_book[order],
        qty=state.f_qty[:n][keep],
        price=state.f_price[:n][keep],
        fee=state.f_fee[:n][keep],
    )
    labels = _Labels(session.spec, panel, session.books, session.strategy_names)
    return _figures(fills, stream.signals(), labels, upto_row)


def drift_check(
    session: TradingSession, state: KernelState, upto_row: int, config: DriftConfig
) -> DriftResult:
    """`compare` the session's figures with the backtest's over rows 0..`upto_row`,
    against the session's initial cash."""
    return compare(
        session_figures(session, state, upto_row),
        backtest_figures(session, upto_row),
        config,
        float(session.spec.initial_cash),
    )


# -- comparison ---------------------------------------------------------------------


def compare(
    live: RunFigures, backtest: RunFigures, config: DriftConfig, start_equity: float
) -> DriftResult:
    """The drift metrics of `live` against `backtest` per market and for "*"; a metric
    strictly above its limit in `config` is a breach.

    Raises:
        ValueError: `start_equity` not positive, or the figures cover different rows.
    """
    if not start_equity > 0:
        raise ValueError(f"start_equity: expected a positive amount, got {start_equity}")
    if live.upto_row != backtest.upto_row:
        raise ValueError(
            f"figures up to row {live.upto_row} cannot be compared with figures up to row "
            f"{backtest.upto_row}"
        )
    limits = {
        "pnl_gap_pct": float(config.max_pnl_gap_pct),
        "fill_gap_pct": float(config.max_fill_gap_pct),
        "signal_gap_pct": float(config.max_signal_gap_pct),
        "slippage_bps": float(config.max_slippage_bps),
    }
    scopes = (*dict.fromkeys((*live.markets, *backtest.markets)), ALL_MARKETS)
    metrics = {scope: _metrics(live, backtest, scope, start_equity) for scope in scopes}
    breaches = {
        scope: tuple(name for name in METRICS if values[name] > limits[name])
        for scope, values in metrics.items()
    }
    return DriftResult(live.upto_row, metrics, breaches, limits)


def _metrics(
    live: RunFigures, backtest: RunFigures, scope: str, start_equity: float
) -> dict[str, float]:
    live_fills, bt_fills = _in_scope(live.fills, scope), _in_scope(backtest.fills, scope)
    gap = abs(live.pnl.get(scope, 0.0) - backtest.pnl.get(scope, 0.0))
    return {
        "pnl_gap_pct": 100.0 * gap / start_equity,
        "fill_gap_pct": _unmatched_pct(
            [_fill_key(f) for f in live_fills], [_fill_key(f) for f in bt_fills]
        ),
        "signal_gap_pct": _unmatched_pct(
            [_signal_key(s) for s in _in_scope(live.signals, scope)],
            [_signal_key(s) for s in _in_scope(backtest.signals, scope)],
        ),
        "slippage_bps": _slippage_bps(live_fills, bt_fills),
    }


def _in_scope(items: Sequence[_F], scope: str) -> list[_F]:
    return [x for x in items if scope == ALL_MARKETS or x.market == scope]


def _fill_key(f: FillFigure) -> tuple[int, str, str]:
    return (f.row, f.symbol, f.side)


def _signal_key(s: SignalFigure) -> tuple[int, str, str, str]:
    return (s.row, s.symbol, s.strategy, s.direction)


def _unmatched_pct(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Items of either side without a counterpart on the other, percent of all items."""
    total = len(a) + len(b)
    if total == 0:
        return 0.0
    left, right = Counter(a), Counter(b)
    unmatched = sum(((left - right) + (right - left)).values())
    return 100.0 * unmatched / total


def _slippage_bps(live: Sequence[FillFigure], backtest: Sequence[FillFigure]) -> float:
    """Mean adverse difference of matched fills (paired in order per row, symbol and
    side), bps of the backtest's price: a buy dearer or a sell cheaper is > 0."""
    pending: dict[tuple[int, str, str], list[FillFigure]] = defaultdict(list)
    for f in backtest:
        pending[_fill_key(f)].append(f)
    gaps = []
    for f in live:
        queue = pending.get(_fill_key(f))
        if not queue:
            continue
        ref = queue.pop(0)
        if ref.price > 0:
            sign = 1.0 if f.side == "buy" else -1.0
            gaps.append(sign * (f.price - ref.price) * 1e4 / ref.price)
    return float(np.mean(gaps)) if gaps else 0.0


# -- helpers ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fills:
    """A fill log's columns: row, book, signed quantity, price, commission."""

    row: np.ndarray
    book: np.ndarray
    qty: np.ndarray
    price: np.ndarray
    fee: np.ndarray


@dataclass(frozen=True, slots=True)
class _Labels:
    """Names for a run's indices: markets, symbols, books and strategies."""

    spec: EngineSpec
    panel: MarketPanel
    books: BookSet
    strategy_names: tuple[str, ...]

    @property
    def markets(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.spec.markets)


def _figures(fills: _Fills, signals: SignalRecord, labels: _Labels, upto_row: int) -> RunFigures:
    column = labels.books.symbol[fills.book]
    return RunFigures(
        upto_row,
        labels.markets,
        _signal_figures(signals, labels, upto_row),
        _fill_figures(fills, column, labels),
        _pnl(fills, column, labels),
    )


def _fill_figures(fills: _Fills, column: np.ndarray, labels: _Labels) -> tuple[FillFigure, ...]:
    markets, symbols = labels.markets, labels.panel.symbols
    market = labels.books.market[fills.book]
    return tuple(
        FillFigure(int(r), markets[m], symbols[n], "buy" if q > 0 else "sell", abs(q), p)
        for r, m, n, q, p in zip(
            fills.row.tolist(), market.tolist(), column.tolist(), fills.qty.tolist(),
            fills.price.tolist(), strict=True,
        )
    )  # fmt: skip


def _signal_figures(
    signals: SignalRecord, labels: _Labels, upto_row: int
) -> tuple[SignalFigure, ...]:
    markets, symbols, strategies = labels.markets, labels.panel.symbols, labels.strategy_names
    shown = signals.row <= upto_row
    columns = (signals.row, signals.market, signals.symbol, signals.strategy, signals.direction)
    rows = zip(*(c[shown].tolist() for c in columns), strict=True)
    return tuple(
        SignalFigure(r, markets[m], symbols[n], strategies[s], str(_DIRECTION[d]))
        for r, m, n, s, d in rows
    )


def _pnl(fills: _Fills, column: np.ndarray, labels: _Labels) -> dict[str, float]:
    """Each market's P&L at the last row: cash flows of its fills and commissions, plus
    its open positions at the mark (the engine's own equity identity, market by market)."""
    panel, spec = labels.panel, labels.spec
    n_symbols = panel.shape[1]
    index = {s: i for i, s in enumerate(panel.symbols)}
    symbol_market = np.full(n_symbols, -1, dtype=np.int64)
    multiplier = np.ones(n_symbols)
    for m, market in enumerate(spec.markets):
        for symbol in market.symbols:
            symbol_market[index[symbol]] = m
            multiplier[index[symbol]] = market.costs.multiplier
    scale = value_scale(panel, multiplier, spec.quote_currencies, spec.base_currency)
    flows = -(fills.qty * fills.price * scale[fills.row, column]) - fills.fee
    held = np.zeros(n_symbols)
    np.add.at(held, column, fills.qty)
    last = panel.shape[0] - 1
    value = np.where(held != 0.0, held * panel.mark[last] * scale[last], 0.0)
    per_market = np.zeros(len(spec.markets))
    np.add.at(per_market, symbol_market[column], flows)
    np.add.at(per_market, symbol_market[symbol_market >= 0], value[symbol_market >= 0])
    pnl = {name: float(per_market[m]) for m, name in enumerate(labels.markets)}
    pnl[ALL_MARKETS] = float(per_market.sum())
    return pnl


def _bar_times(
    recording: MarketPanel, symbol: str, at: np.ndarray, timestamps: np.ndarray
) -> np.ndarray:
    """Open instants of the bars delivered on rows `at`: the recording's where it has a
    bar on each of those rows (a replay), else the rows' own instants (a live feed)."""
    known_rows, known_times = recording.bar_rows[symbol], recording.bar_times[symbol]
    pos = np.searchsorted(known_rows, at)
    inside = pos < len(known_rows)
    source = known_times[pos] if inside.all() and np.array_equal(known_rows[pos], at) else None
    times: np.ndarray = (source if source is not None else timestamps[at]).astype(np.int64)
    return times


def _check_row(row: int, n_rows: int, what: str) -> None:
    if not 0 <= row < n_rows:
        raise ValueError(f"upto_row {row}: expected a {what} row, 0..{n_rows - 1}")
