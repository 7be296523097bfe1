"""Results of an engine run: overall, per-market and per-strategy statistics, the JSON
summary and the HTML report."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewind.engine.backtest import EngineRun
from tradewind.research.capital_report import capital_context
from tradewind.research.groups import GroupPerformance, stats_by_group
from tradewind.research.metrics import drawdown_series
from tradewind.research.report import write_html_report
from tradewind.research.stats import PerformanceStats, compute_stats
from tradewind.research.trades import OPEN_TS, TradeArrays

__all__ = ["RunResults", "summarize_run"]


@dataclass(frozen=True, slots=True)
class RunResults:
    """Statistics of one run and the trades they were computed from."""

    run: EngineRun
    trades: TradeArrays
    overall: PerformanceStats
    by_market: dict[str, GroupPerformance]
    by_strategy: dict[str, GroupPerformance]

    def open_positions(self) -> list[dict[str, Any]]:
        """The positions still open at the end, one dict each: symbol, market,
        strategies, side, qty (signed), entry time (UTC ISO) and average entry price,
        mark price (the last close), and P&L in account currency (unrealized, realized
        by partial exits net of commission, and their sum)."""
        run = self.run
        held = run.open_trades
        markets = [m.name for m in run.spec.markets]
        money = ("qty", "entry_price", "mark_price", "unrealized_pnl", "realized_pnl", "pnl")
        values = {name: held[name].to_numpy(np.float64).tolist() for name in money}
        rows = []
        for i, book in enumerate(held["book"].to_numpy(np.int64).tolist()):
            rows.append(
                {
                    "symbol": str(held["symbol"].iloc[i]),
                    "market": markets[int(run.books.market[book])],
                    "strategies": list(run.books.strategies[book]),
                    "side": "long" if values["qty"][i] > 0 else "short",
                    "entry_time": pd.Timestamp(held["entry_ts"].iloc[i]).isoformat(),
                    **{name: values[name][i] for name in money},
                }
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: `entries`, `final_equity`, the statistics overall, per
        market and per strategy, order/fill counts and `open_positions` (see
        `open_positions`; `open_trades` is their count, `trades` counts closed trades)."""
        run = self.run
        orders = run.orders
        return {
            **self.overall.as_dict(),
            "open_positions": self.open_positions(),
            "entries": run.entries,
            "final_equity": run.final_equity,
            "initial_cash": run.spec.initial_cash,
            "bars": int(run.panel.shape[0]),
            "symbols": list(run.panel.symbols),
            "orders": len(orders),
            "orders_denied": int((orders["status"] == "denied").sum()) if len(orders) else 0,
            "fills": len(run.fills),
            "stops": int((run.fills["kind"] == "stop_loss").sum()) if len(run.fills) else 0,
            "per_market": {k: v.stats.as_dict() for k, v in self.by_market.items()},
            "per_strategy": {k: v.stats.as_dict() for k, v in self.by_strategy.items()},
        }

    def write_json(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n")
        return path

    def write_report(self, path: Path, *, title: str, notes: tuple[str, ...] = ()) -> Path:
        """The self-contained HTML report: equity, drawdown, P&L per market and per
        strategy, statistics tables and trades."""
        run = self.run
        ts = run.panel.timestamps
        return write_html_report(
            path,
            title=title,
            equity=(ts, run.equity),
            stats=self.overall,
            drawdown=(ts, drawdown_series(run.equity)),
            per_market_pnl={k: (ts, v.pnl) for k, v in self.by_market.items()},
            per_strategy_pnl={k: (ts, v.pnl) for k, v in self.by_strategy.items()},
            stats_by_market={k: v.stats for k, v in self.by_market.items()},
            stats_by_strategy={k: v.stats for k, v in self.by_strategy.items()},
            trades=self.trades,
            symbol_names=list(run.panel.symbols),
            market_names=[m.name for m in run.spec.markets],
            strategy_names=list(run.strategy_names),
            config_summary={
                "initial cash": f"{run.spec.initial_cash:,.2f}",
                "fill model": run.spec.fill_model.name.lower(),
                "markets": ", ".join(
                    f"{m.name} ({', '.join(m.symbols)}: {', '.join(s.name for s in m.strategies)}"
                    f"; {m.rule.method.value})"
                    for m in run.spec.markets
                ),
            },
            notes=notes,
            open_positions=self.open_positions(),
            capital=capital_context(run.capital, ts) if run.capital is not None else None,
        )


def summarize_run(run: EngineRun) -> RunResults:
    """Statistics of a run: overall (from the equity curve, trades, exposure and
    traded notional), per market and per strategy (P&L attributed through trades)."""
    trades = _trade_arrays(run)
    ts = run.panel.timestamps
    traded = np.zeros(len(ts))
    if len(run.fills):
        notional = np.abs(run.fills["qty"].to_numpy() * run.fills["price"].to_numpy())
        np.add.at(traded, run.fills["row"].to_numpy(), notional)
    exits = int((~run.fills["opens"]).sum()) if len(run.fills) else 0
    overall = compute_stats(
        ts,
        run.equity,
        trades,
        gross_exposure=run.gross_exposure,
        traded_notional=traded,
        entries=run.entries,
        exits=exits,
    )
    multipliers = _multipliers(run)
    groups: dict[str, dict[str, GroupPerformance]] = {}
    for kind, names in (
        ("market", [m.name for m in run.spec.markets]),
        ("strategy", list(run.strategy_names)),
    ):
        if kind == "strategy" and _one_owner(run, trades):
            groups[kind] = _renamed(groups["market"], names[0])
            continue
        groups[kind] = stats_by_group(
            ts,
            run.equity,
            trades,
            group=kind,  # type: ignore[arg-type]
            close=run.panel.mark,
            names=names,
            value_per_point=multipliers,
        )
    return RunResults(run, trades, overall, groups["market"], groups["strategy"])


def _one_owner(run: EngineRun, trades: TradeArrays) -> bool:
    """One market and one strategy, owning every trade: the strategy's curve and
    statistics are the market's (each trade counts once, with its full quantity)."""
    return (
        len(run.spec.markets) == 1
        and len(run.strategy_names) == 1
        and bool(np.all(trades.market == 0))
        and bool(np.all(trades.strategy == 1))
    )


def _renamed(groups: dict[str, GroupPerformance], name: str) -> dict[str, GroupPerformance]:
    (performance,) = groups.values()
    return {name: replace(performance, name=name, pnl=performance.pnl.copy())}


def _trade_arrays(run: EngineRun) -> TradeArrays:
    """Closed round trips, then the positions still open (exit OPEN_TS, P&L marked at
    the last close)."""
    trades, held = run.trades, run.open_trades
    if not len(trades) and not len(held):
        return TradeArrays.empty()
    fills = run.fills
    rows = fills["row"].to_numpy()
    commission = fills["commission"].to_numpy()
    qty = fills["qty"].to_numpy()
    entry = np.concatenate(
        [trades["entry_fill"].to_numpy(np.int64), held["entry_fill"].to_numpy(np.int64)]
    )
    exit_ = trades["exit_fill"].to_numpy(np.int64)
    book = np.concatenate([trades["book"].to_numpy(np.int64), held["book"].to_numpy(np.int64)])
    order_seq = fills["order_seq"].to_numpy()[entry]
    local_mask = run.orders["strategies"].to_numpy()[order_seq]
    # A run repeats a few contributor lists: parse each distinct one once.
    masks = {names: _global_mask(names, run.strategy_names) for names in set(local_mask)}
    global_bits = np.array([masks[names] for names in local_mask], dtype=np.int64)
    n_closed = len(trades)

    def closed_then_open(closed: np.ndarray, still_open: np.ndarray) -> np.ndarray:
        return np.concatenate([closed, still_open])

    return TradeArrays(
        entry_ts=run.panel.timestamps[rows[entry]],
        exit_ts=closed_then_open(run.panel.timestamps[rows[exit_]], np.full(len(held), OPEN_TS)),
        symbol=run.books.symbol[book],
        market=run.books.market[book],
        strategy=global_bits,
        qty=closed_then_open(
            trades["size"].to_numpy() * np.sign(qty[entry[:n_closed]]), held["qty"].to_numpy()
        ),
        entry_price=closed_then_open(
            trades["entry_price"].to_numpy(), held["entry_price"].to_numpy()
        ),
        exit_price=closed_then_open(trades["exit_price"].to_numpy(), np.full(len(held), np.nan)),
        pnl=closed_then_open(trades["pnl"].to_numpy(), held["pnl"].to_numpy()),
        commission=closed_then_open(
            commission[entry[:n_closed]] + commission[exit_], commission[entry[n_closed:]]
        ),
    )


def _global_mask(names: str, strategy_names: tuple[str, ...]) -> int:
    mask = 0
    for name in names.split(","):
        if name:
            mask |= 1 << strategy_names.index(name)
    return mask or 1  # a trade with no recorded contributor is the first strategy's


def _multipliers(run: EngineRun) -> np.ndarray:
    values = np.ones(len(run.panel.symbols))
    index = {s: i for i, s in enumerate(run.panel.symbols)}
    for market in run.spec.markets:
        for symbol in market.symbols:
            values[index[symbol]] = market.costs.multiplier
    return values
