"""Write an engine run into the journal: run, signals, risk decisions, orders, fills,
equity, final positions and risk state. Backtests write in bulk after the loop, in the
order the loop produced them (orders before their fills)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewind.app.capital_journal import journal_capital
from tradewind.app.journal_access import open_journal
from tradewind.app.signal_decisions import LoopLog, signal_decisions
from tradewind.engine.backtest import EngineRun
from tradewind.research.run_results import RunResults
from tradewind.risk.reasons import RiskReason
from tradewind.risk.state import RiskState
from tradewind.store.records import client_order_ids

__all__ = ["JOURNAL_ORDER_STATUS", "JOURNAL_ORDER_TYPE", "SIM_VENUE", "JournaledRun", "journal_run"]

SIM_VENUE = "SIM"
# How the engine's order states and kinds are named in the journal.
JOURNAL_ORDER_STATUS = {"open": "accepted", "filled": "filled", "canceled": "canceled",
                 "denied": "rejected"}  # fmt: skip
JOURNAL_ORDER_TYPE = {"market": "market", "stop_loss": "stop", "take_profit": "limit"}
_APPROVED = RiskReason.APPROVED.name


@dataclass(frozen=True, slots=True)
class JournaledRun:
    run_id: str
    digest: str


def journal_run(
    run: EngineRun,
    results: RunResults,
    target: str | Path,
    *,
    config_json: str,
    mode: str = "backtest",
    run_id: str | None = None,
    digest: bool = True,
) -> JournaledRun:
    """Store `run` in the journal at `target` (path, URL or ':memory:'); returns the run
    id and (with `digest`) the sha256 digest of everything stored for it, else "".
    `config_json` is stored with every URL password masked; each signal is stored with
    what the engine decided for it (see `tradewind.app.signal_decisions`).

    Raises:
        JournalError: the journal cannot be opened or written (a full disk or a
            read-only journal included; the message names the journal).
    """
    journal = open_journal(target)
    try:
        rid = journal.start_run(mode, config_json, run_id=run_id)  # URL passwords masked
        advisory = mode == "advisory"
        orders = run.orders
        columns = _order_columns(orders)
        coids = client_order_ids(rid, columns["seq"].tolist())
        journal.record_signals(rid, _signal_rows(run, advisory, coids))
        journal.record_orders(rid, _order_rows(columns))
        journal.record_risk_decisions(rid, _risk_rows(columns, coids))
        journal.record_fills(rid, _fill_rows(run, columns, coids))
        journal.record_equity(rid, _equity_rows(run))
        journal.record_positions(rid, _position_rows(run))
        state = RiskState.from_vector(run.risk_state).to_dict()
        journal.save_risk_state(rid, int(run.panel.timestamps[-1]), state)
        if run.capital is not None:
            journal_capital(journal, rid, run.capital, orders, coids, int(run.panel.timestamps[-1]))
        summary = json.loads(json.dumps(results.as_dict(), default=str))
        journal.finish_run(rid, "finished", summary)
        return JournaledRun(rid, journal.digest(rid) if digest else "")
    finally:
        journal.close()


def _signal_rows(run: EngineRun, advisory: bool, coids: list[str]) -> dict[str, Any]:
    s = run.books.signals
    decisions = signal_decisions(
        run.books,
        np.arange(len(s.row)),
        LoopLog.from_frames(run.orders, run.fills),
        coids.__getitem__,
        run.confirmation,
        run.spec.correlation.confirm_required,
    )
    ts = run.panel.timestamps
    markets = np.array([m.name for m in run.spec.markets], dtype=object)
    symbols = np.array(run.panel.symbols, dtype=object)
    names = np.array(run.strategy_names, dtype=object)
    direction = np.array(["flat", "long", "short"], dtype=object)[s.direction.astype(np.int64)]
    return {
        "ts": ts[s.row],
        "market": markets[s.market],
        "symbol": symbols[s.symbol],
        "strategy": names[s.strategy],
        "direction": direction,
        "strength": s.strength,
        "confidence": s.confidence,
        "stop": s.stop_price,  # NaN: none
        "target": s.target_price,
        "advisory": advisory,
        "aggregated": False,
        "decision": np.array(decisions, dtype=object),
    }


def _order_columns(orders: pd.DataFrame) -> dict[str, np.ndarray]:
    """The orders table as numpy columns, each converted once (`ts` as UTC
    datetime64[ns]); the row builders below share them."""
    columns = {str(name): orders[name].to_numpy() for name in orders.columns if name != "ts"}
    columns["ts"] = _instants(orders["ts"])
    return columns


def _order_rows(orders: dict[str, np.ndarray]) -> dict[str, Any]:
    filled = np.where(orders["status"] == "filled", orders["approved_qty"], 0.0)
    kind = orders["kind"]
    return {
        "seq": orders["seq"],
        "ts_created": orders["ts"],
        "market": orders["market"],
        "symbol": orders["symbol"],
        "side": orders["side"],
        "order_type": _mapped(kind, JOURNAL_ORDER_TYPE.__getitem__),
        "quantity": orders["requested_qty"],
        "price": np.where(kind == "take_profit", orders["price"], np.nan),  # NaN: none
        "trigger_price": np.where(kind == "stop_loss", orders["price"], np.nan),
        "status": _mapped(orders["status"], JOURNAL_ORDER_STATUS.__getitem__),
        "filled_qty": filled,
        "strategies": orders["strategies"],
        "reason": orders["reason"],
        "venue": SIM_VENUE,
    }


def _risk_rows(orders: dict[str, np.ndarray], coids: list[str]) -> dict[str, Any]:
    decided = orders["kind"] == "market"
    req = orders["requested_qty"][decided]
    ok = orders["approved_qty"][decided]
    action = np.where(ok <= 0, "deny", np.where(ok < req, "reduce", "approve"))
    reasons = orders["reason"][decided]
    return {
        "ts": orders["ts"][decided],
        "market": orders["market"][decided],
        "symbol": orders["symbol"][decided],
        "strategies": orders["strategies"][decided],
        "requested_qty": req,
        "approved_qty": ok,
        "action": action,
        "reason_code": _mapped(reasons, lambda r: RiskReason[r].value).astype(np.int64),
        "reason": _mapped(reasons, lambda r: RiskReason[r].text if r != _APPROVED else ""),
        "client_order_id": np.array(coids, dtype=object)[decided],
    }


def _fill_rows(run: EngineRun, orders: dict[str, np.ndarray], coids: list[str]) -> dict[str, Any]:
    fills = run.fills
    seq = fills["order_seq"].to_numpy()
    fill_coids = np.array(coids, dtype=object)[seq] if len(seq) else np.array([], dtype=object)
    return {
        "trade_id": np.array([f"{c}-F1" for c in fill_coids], dtype=object),
        "venue": SIM_VENUE,
        "client_order_id": fill_coids,
        "ts": _instants(fills["ts"]),
        "market": orders["market"][seq],
        "symbol": fills["symbol"].to_numpy(),
        "side": np.where(fills["qty"].to_numpy() > 0, "buy", "sell"),
        "qty": np.abs(fills["qty"].to_numpy()),
        "price": fills["price"].to_numpy(),
        "commission": fills["commission"].to_numpy(),
        "strategies": orders["strategies"][seq],
    }


def _equity_rows(run: EngineRun) -> dict[str, Any]:
    """Equity at every row with a fill, at each day's last row and at the end: the
    curve's shape without one row per minute bar."""
    ts = run.panel.timestamps
    day = ts // 86_400_000_000_000
    keep = np.zeros(len(ts), dtype=bool)
    keep[-1] = True
    keep[:-1] |= day[1:] != day[:-1]
    if len(run.fills):
        keep[run.fills["row"].to_numpy()] = True
    equity = run.equity[keep]
    gross = run.gross_exposure[keep]
    peak = np.maximum.accumulate(run.equity)[keep]
    cash = run.cash[keep]
    return {
        "ts": ts[keep],
        "equity": equity,
        "cash": cash,
        "gross_exposure": gross,
        "net_exposure": equity - cash,
        "leverage": gross / equity,
        "drawdown": equity / peak - 1.0,
    }


def _position_rows(run: EngineRun) -> dict[str, Any]:
    books = run.books
    held = np.flatnonzero(run.final_positions != 0)
    symbols = np.array(run.panel.symbols, dtype=object)
    markets = np.array([m.name for m in run.spec.markets], dtype=object)
    n = books.symbol[held]
    qty = run.final_positions[held]
    avg = run.final_avg_price[held]
    mark = run.panel.mark[-1][n]
    multiplier = np.array([_multiplier(run, int(b)) for b in held])
    realized = np.zeros(len(books.symbol))
    if len(run.fills):
        np.add.at(realized, run.fills["book"].to_numpy(), run.fills["realized_pnl"].to_numpy())
    return {
        "ts": int(run.panel.timestamps[-1]),
        "market": markets[books.market[held]],
        "symbol": symbols[n],
        "qty": qty,
        "avg_price": avg,
        "realized_pnl": realized[held],
        "unrealized_pnl": np.nan_to_num(qty * (mark - avg) * multiplier),
    }


def _multiplier(run: EngineRun, book: int) -> float:
    return run.spec.markets[int(run.books.market[book])].costs.multiplier


def _instants(stamps: pd.Series) -> np.ndarray:
    """Aware timestamps as UTC datetime64[ns] (not an object array of Timestamps)."""
    return stamps.to_numpy("datetime64[ns]")


def _mapped(values: np.ndarray, mapping: Callable[[Any], Any]) -> np.ndarray:
    """`mapping(value)` for every element, as an object array, called once per distinct
    value."""
    codes, distinct = pd.factorize(values)
    return np.array([mapping(value) for value in distinct] + [None], dtype=object)[codes]
