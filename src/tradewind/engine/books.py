"""From strategies' signals on each symbol to the engine's books on the panel rows.

A book is one target position: a symbol (aggregated strategies) or a symbol and one
strategy (INDEPENDENT). Signals are computed on each symbol's own bars (causal), then
placed on the row where that bar became visible; between bars the target holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import MarketRun
from tradewind.signals.aggregate import AggregationMethod, StrategySignals, aggregate
from tradewind.strategies.api import BarWindow, SignalArrays

__all__ = ["BookSet", "SignalRecord", "build_books", "concat_signals"]


@dataclass(frozen=True, slots=True)
class SignalRecord:
    """Every emitted strategy signal, on panel rows (for the journal and exports)."""

    row: np.ndarray
    market: np.ndarray  # index into markets
    symbol: np.ndarray  # index into panel symbols
    strategy: np.ndarray  # index into strategy_names
    direction: np.ndarray
    strength: np.ndarray
    confidence: np.ndarray
    stop_price: np.ndarray
    target_price: np.ndarray


@dataclass(frozen=True, slots=True)
class BookSet:
    """The kernel's book arrays (K books x T rows) and their labels."""

    symbol: np.ndarray
    market: np.ndarray
    strategy: np.ndarray  # strategy index for INDEPENDENT books, -1 otherwise
    strategies: tuple[tuple[str, ...], ...]  # strategy names behind each book (bit order)
    decision: tuple[str, ...]
    target: np.ndarray
    edge: np.ndarray
    contributors: np.ndarray
    stop: np.ndarray
    take: np.ndarray
    size_mode: np.ndarray
    size_value: np.ndarray
    stop_pct: np.ndarray
    take_pct: np.ndarray
    signals: SignalRecord


def build_books(
    panel: MarketPanel,
    windows: Mapping[str, BarWindow],
    markets: tuple[MarketRun, ...],
    strategy_names: tuple[str, ...],
) -> BookSet:
    """Run every strategy on every symbol of its market and aggregate into books."""
    n_rows = panel.shape[0]
    symbol_index = {s: i for i, s in enumerate(panel.symbols)}
    columns: dict[str, list[Any]] = {key: [] for key in _BOOK_FIELDS}
    signal_parts: list[tuple[np.ndarray, ...]] = []
    for m, market in enumerate(markets):
        for symbol in market.symbols:
            n = symbol_index[symbol]
            rows = panel.bar_rows[symbol]
            window = windows[symbol]
            outputs = [s.spec.run(window, s.config) for s in market.strategies]
            for s, out in zip(market.strategies, outputs, strict=True):
                signal_parts.append(_signal_rows(out, rows, m, n, strategy_names.index(s.name)))
            aggregated = aggregate(
                [
                    StrategySignals(s.name, out.active, out.direction, out.confidence)
                    for s, out in zip(market.strategies, outputs, strict=True)
                ],
                market.rule,
            )
            independent = market.rule.method is AggregationMethod.INDEPENDENT
            owner = _owners(rows, n_rows)
            for j, agg in enumerate(aggregated):
                members = [outputs[j]] if independent else outputs
                stop, take = _levels(members, agg.target)
                columns["symbol"].append(n)
                columns["market"].append(m)
                columns["strategy"].append(
                    strategy_names.index(agg.strategies[0]) if independent else -1
                )
                columns["strategies"].append(agg.strategies)
                columns["decision"].append(agg.decision)
                columns["target"].append(_hold(agg.target, owner, np.int8))
                columns["edge"].append(_place(agg.edge, rows, n_rows, False))
                columns["contributors"].append(_hold(agg.contributors, owner, np.int64))
                columns["stop"].append(_place(stop, rows, n_rows, np.nan))
                columns["take"].append(_place(take, rows, n_rows, np.nan))
                columns["size_mode"].append(market.sizing.code)
                columns["size_value"].append(market.sizing.value)
                columns["stop_pct"].append(market.stop_loss_pct)
                columns["take_pct"].append(market.take_profit_pct)
    return BookSet(
        symbol=np.array(columns["symbol"], dtype=np.int64),
        market=np.array(columns["market"], dtype=np.int64),
        strategy=np.array(columns["strategy"], dtype=np.int64),
        strategies=tuple(columns["strategies"]),
        decision=tuple(columns["decision"]),
        target=_stack(columns["target"], n_rows, np.int8),
        edge=_stack(columns["edge"], n_rows, np.bool_),
        contributors=_stack(columns["contributors"], n_rows, np.int64),
        stop=_stack(columns["stop"], n_rows, np.float64),
        take=_stack(columns["take"], n_rows, np.float64),
        size_mode=np.array(columns["size_mode"], dtype=np.int64),
        size_value=np.array(columns["size_value"], dtype=np.float64),
        stop_pct=np.array(columns["stop_pct"], dtype=np.float64),
        take_pct=np.array(columns["take_pct"], dtype=np.float64),
        signals=concat_signals(signal_parts),
    )


_BOOK_FIELDS = (
    "symbol", "market", "strategy", "strategies", "decision", "target", "edge",
    "contributors", "stop", "take", "size_mode", "size_value", "stop_pct", "take_pct",
)  # fmt: skip


def _levels(outputs: list[SignalArrays], target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stop and target prices of the first strategy whose active signal matches the
    aggregated target at each bar (NaN when none gives one)."""
    stop = np.full(len(target), np.nan)
    take = np.full(len(target), np.nan)
    for out in outputs:
        match = out.active & (out.direction == target) & (target != 0)
        stop = np.where(np.isnan(stop) & match, out.stop_price, stop)
        take = np.where(np.isnan(take) & match, out.target_price, take)
    return stop, take


def _place(values: np.ndarray, rows: np.ndarray, n_rows: int, blank: object) -> np.ndarray:
    out: np.ndarray = np.full(n_rows, blank, dtype=np.asarray(values).dtype)
    out[rows] = values
    return out


def _owners(rows: np.ndarray, n_rows: int) -> np.ndarray:
    """For each row, the index of the last bar in `rows` (sorted) at or before it (-1:
    none), i.e. `searchsorted(rows, arange(n_rows), side="right") - 1` in linear time."""
    if len(rows) == 0 or rows[0] < 0:
        return np.searchsorted(rows, np.arange(n_rows), side="right") - 1
    counts = np.bincount(rows, minlength=n_rows)[:n_rows]
    return np.cumsum(counts) - 1


def _hold(values: np.ndarray, owner: np.ndarray, dtype: type) -> np.ndarray:
    """Each bar's value from its row until the next bar's row (0 before the first);
    `owner` from `_owners`."""
    out: np.ndarray = np.zeros(len(owner), dtype=dtype)
    seen = owner >= 0
    out[seen] = np.asarray(values)[owner[seen]]
    return out


def _stack(parts: list[np.ndarray], n_rows: int, dtype: type) -> np.ndarray:
    if not parts:
        return np.zeros((0, n_rows), dtype=dtype)
    return np.ascontiguousarray(np.vstack(parts).astype(dtype, copy=False))


def _signal_rows(
    out: SignalArrays, rows: np.ndarray, m: int, n: int, s: int
) -> tuple[np.ndarray, ...]:
    bars = np.flatnonzero(out.active)
    count = len(bars)
    return (
        rows[bars],
        np.full(count, m),
        np.full(count, n),
        np.full(count, s),
        out.direction[bars],
        out.strength[bars],
        out.confidence[bars],
        out.stop_price[bars],
        out.target_price[bars],
    )


def concat_signals(parts: list[tuple[np.ndarray, ...]]) -> SignalRecord:
    """One record from parts of parallel columns (row, market, symbol, strategy,
    direction, strength, confidence, stop, target), sorted by row, symbol, strategy."""
    if not parts:
        empty_i = np.zeros(0, dtype=np.int64)
        empty_f = np.zeros(0)
        return SignalRecord(empty_i, empty_i, empty_i, empty_i, empty_i.astype(np.int8),
                            empty_f, empty_f, empty_f, empty_f)  # fmt: skip
    joined = [np.concatenate(column) for column in zip(*parts, strict=True)]
    order = np.lexsort((joined[3], joined[2], joined[0]))
    return SignalRecord(*(column[order] for column in joined))
