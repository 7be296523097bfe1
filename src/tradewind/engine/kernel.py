"""The compiled event loop: signals' edges -> risk -> orders -> fills -> equity.

One loop over rows (bars of the common timeline) and books (a symbol, or a symbol and
strategy under INDEPENDENT aggregation). Per row, in this order:

1. pending market orders fill at the bar's open (NEXT_OPEN; fresh bars only: nothing
   fills while a market is closed, the order waits);
2. protective exits (stop-loss, take-profit) of open positions are checked on the bar;
3. equity is marked to the last closes and the risk state is updated (drawdown ladder,
   daily loss);
4. signal edges at this row's close become orders: the wanted position minus the
   current one, checked by `risk.check_order` before anything is sent, recorded in the
   order log (the journal's source) and, under THIS_CLOSE, filled at once.

A cash account (`LimitField.CASH_ACCOUNT`) pays for buys from its cash: orders are cut
to the cash not promised to resting buys, and a fill at an open that gapped up is cut
again (reason INSUFFICIENT_CASH), so cash never goes negative (see `engine.cash`).

Everything is float64/int arrays, grouped into records (`engine.kernel_records`), so
that the loop compiles with numba; steps 1-2 live in `engine.kernel_bar`, step 4 in
`engine.kernel_decide` and one fill's bookkeeping in `engine.kernel_fill`. The per-bar
step is the same code paper and advisory runs drive row by row. With `fill_model ==
FILLS_AT_VENUE` the loop only decides (steps 3 and 4; orders stay pending): paper,
advisory and live runs send those orders to a venue and apply what it reports with
`engine.venue_fills`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.engine.kernel_bar import fill_at_open, fill_exit
from tradewind.engine.kernel_decide import decide_book, exposures_into, fill_at_close
from tradewind.engine.kernel_records import (
    FILLS_AT_VENUE,
    KIND_MARKET,
    KIND_STOP_LOSS,
    KIND_TAKE_PROFIT,
    SIZE_EQUITY_FRACTION,
    SIZE_UNITS,
    STATUS_CANCELED,
    STATUS_DENIED,
    STATUS_FILLED,
    STATUS_OPEN,
    BookArrays,
    FillLog,
    Ledger,
    MarketArrays,
    OrderLog,
    Positions,
    RiskArrays,
    Scratch,
    Tally,
)
from tradewind.execution.fills import EXIT_NONE, exit_on_bar
from tradewind.execution.models import FillModel
from tradewind.risk.ladder import update_on_equity
from tradewind.risk.limits import LimitField

__all__ = [
    "FILLS_AT_VENUE",
    "KIND_MARKET",
    "KIND_STOP_LOSS",
    "KIND_TAKE_PROFIT",
    "SIZE_EQUITY_FRACTION",
    "SIZE_UNITS",
    "STATUS_CANCELED",
    "STATUS_DENIED",
    "STATUS_FILLED",
    "STATUS_OPEN",
    "step_rows",
]

_CASH_ACCOUNT = int(LimitField.CASH_ACCOUNT)
_THIS_CLOSE = int(FillModel.THIS_CLOSE)


@njit(cache=True)
def step_rows(
    t0: int,
    t1: int,
    fill_model: int,
    market: MarketArrays,
    books: BookArrays,
    risk: RiskArrays,
    orders: OrderLog,
    fills: FillLog,
    positions: Positions,
    ledger: Ledger,
) -> None:
    """Process rows `t0 <= t < t1`, continuing from the state records (see
    `engine.kernel_records`) and updating them in place. On overflow (logs full) it
    stops early with `ledger.counters[3] = 1`.

    The per-row scan of the books stays here and only a book with work (a resting
    order on a fresh bar, a triggered exit, a signal edge) calls out, so that a row
    without events costs no calls in a million-row run; hence one function longer
    than the house ~60 lines.
    """
    p, counters, money = positions, ledger.counters, ledger.money
    n_symbols, n_books = market.close.shape[1], books.symbol.shape[0]
    n_markets, width = risk.limits_market.shape[0], max(books.n_strategies, 1)
    scratch = Scratch(
        np.zeros(n_markets), np.zeros(n_markets, dtype=np.int64), np.zeros(n_markets),
        np.zeros(width), np.zeros(width, dtype=np.int64),
    )  # fmt: skip
    tally = Tally(money[0], money[1], counters[0], counters[1], False)
    n_events = counters[2]
    cash_only = risk.limits_global[_CASH_ACCOUNT] > 0.0
    venue_fills = fill_model == FILLS_AT_VENUE  # steps 1 and 2 then happen at a venue
    for t in range(t0, t1):
        scale = market.value_scale[t]  # contract multiplier x FX rate to the account currency
        for n in range(n_symbols):
            if not np.isnan(market.mark[t, n]):
                p.last_mark[n] = market.mark[t, n]

        # 1. Resting market orders fill at this bar's open.
        for k in range(0 if venue_fills else n_books):
            if p.pending[k] >= 0 and market.fresh[t, books.symbol[k]]:
                tally, full = fill_at_open(t, k, tally, cash_only, market, books, orders, fills, p)
                if full:
                    break

        # 2. Protective exits on the bar.
        for k in range(0 if venue_fills else n_books):
            if p.pos[k] == 0.0 or (p.stop_order[k] < 0 and p.take_order[k] < 0):
                continue
            n = books.symbol[k]
            if not market.fresh[t, n]:
                continue
            stop = orders.price[p.stop_order[k]] if p.stop_order[k] >= 0 else np.nan
            take = orders.price[p.take_order[k]] if p.take_order[k] >= 0 else np.nan
            code, px = exit_on_bar(
                1 if p.pos[k] > 0 else -1, stop, take, market.open_[t, n], market.high[t, n],
                market.low[t, n], p.entry_row[k] == t,
            )  # fmt: skip
            if code != EXIT_NONE:
                tally, full = fill_exit(t, k, n, code, px, tally, market, orders, fills, p)
                if full:
                    break

        # 3. Mark to market and update the risk state.
        equity = tally.cash
        for n in range(n_symbols):
            if p.sym_pos[n] != 0.0 and not np.isnan(p.last_mark[n]):
                equity += p.sym_pos[n] * p.last_mark[n] * scale[n]
        bits = update_on_equity(risk.risk_state, equity, market.day_id[t], risk.limits_global)
        if bits != 0:
            ledger.event_row[n_events] = t
            ledger.event_bits[n_events] = bits
            n_events += 1
        tally = Tally(tally.cash, equity, tally.n_orders, tally.n_fills, tally.overflow)

        # 4. Signal edges at this row's close become orders.
        for k in range(n_books):
            if not books.edge[k, t] or not market.fresh[t, books.symbol[k]]:  # needs its bar
                continue
            tally, i, full = decide_book(t, k, tally, market, books, risk, orders, p, scratch)
            if full:
                break
            if i >= 0 and fill_model != _THIS_CLOSE:
                p.pending[k] = i
            elif i >= 0:
                tally, full = fill_at_close(t, k, i, tally, market, books, orders, fills, p)
                if full:
                    break

        ledger.equity_out[t] = tally.equity
        ledger.cash_out[t] = tally.cash
        ledger.gross_out[t], _ = exposures_into(
            p.sym_pos, p.last_mark, scale, market.symbol_market, scratch.market_gross,
            scratch.open_market,
        )  # fmt: skip
        if tally.overflow:
            break

    counters[0] = tally.n_orders
    counters[1] = tally.n_fills
    counters[2] = n_events
    counters[3] = 1 if tally.overflow else 0
    money[0] = tally.cash
    money[1] = tally.equity
