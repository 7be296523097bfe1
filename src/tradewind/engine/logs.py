"""The loop's order and fill logs as tables (attributed to markets and strategies)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tradewind.engine.books import BookSet
from tradewind.engine.panel import MarketPanel
from tradewind.engine.state import KernelState
from tradewind.risk.reasons import RiskReason

__all__ = ["KINDS", "STATUSES", "fills_frame", "orders_frame"]

KINDS = np.array(["market", "stop_loss", "take_profit"])
STATUSES = np.array(["open", "filled", "canceled", "denied"])
_REASONS = {int(r): r.name for r in RiskReason}


def orders_frame(
    state: KernelState, panel: MarketPanel, books: BookSet, market_names: Sequence[str]
) -> pd.DataFrame:
    """Every order in sequence: where, why (strategies, risk reason) and what became of it."""
    n = state.n_orders
    book = state.o_book[:n]
    symbols = np.array(panel.symbols, dtype=object)
    markets = np.array(list(market_names), dtype=object)
    strategies = _strategy_lists(books, book, state.o_contrib[:n])
    return pd.DataFrame(
        {
            "seq": np.arange(n, dtype=np.int64),
            "row": state.o_row[:n],
            "ts": pd.to_datetime(panel.timestamps[state.o_row[:n]], utc=True),
            "book": book,
            "market": markets[books.market[book]] if n else markets[:0],
            "symbol": symbols[books.symbol[book]] if n else symbols[:0],
            "strategies": strategies,
            "side": np.where(state.o_side[:n] > 0, "buy", "sell"),
            "kind": KINDS[state.o_kind[:n]],
            "requested_qty": state.o_req[:n],
            "approved_qty": state.o_ok[:n],
            "reason": _reason_names(state.o_reason[:n]),
            "status": STATUSES[state.o_status[:n]],
            "price": state.o_price[:n],
        }
    )


def fills_frame(state: KernelState, panel: MarketPanel, books: BookSet) -> pd.DataFrame:
    """Every fill in sequence, with its order, book, signed quantity and costs."""
    n = state.n_fills
    order = state.f_order[:n]
    book = state.o_book[order]
    symbols = np.array(panel.symbols, dtype=object)
    return pd.DataFrame(
        {
            "order_seq": order,
            "row": state.f_row[:n],
            "ts": pd.to_datetime(panel.timestamps[state.f_row[:n]], utc=True),
            "book": book,
            "symbol": symbols[books.symbol[book]] if n else symbols[:0],
            "qty": state.f_qty[:n],
            "price": state.f_price[:n],
            "commission": state.f_fee[:n],
            "realized_pnl": state.f_realized[:n],
            "opens": state.f_entry[:n],
            "kind": KINDS[state.o_kind[order]],
        }
    )


def _strategy_lists(books: BookSet, book: np.ndarray, contrib: np.ndarray) -> list[str]:
    """Each order's contributing strategies, comma-separated; named once per distinct
    (book, contributor mask) pair, as orders repeat a few pairs many times."""
    names: dict[tuple[int, int], str] = {}
    out = []
    for key in zip(book.tolist(), contrib.tolist(), strict=True):
        text = names.get(key)
        if text is None:
            b, mask = key
            text = ",".join(
                name for bit, name in enumerate(books.strategies[b]) if (mask >> bit) & 1
            )
            names[key] = text
        out.append(text)
    return out


def _reason_names(reasons: np.ndarray) -> list[str]:
    """Each order's risk reason by name (the number itself when it has none)."""
    codes = reasons.tolist()
    names = {code: _REASONS.get(code, str(code)) for code in set(codes)}
    return [names[code] for code in codes]
