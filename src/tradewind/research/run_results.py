"""Results of an engine run: overall, per-market and per-strategy statistics, the JSON
summary and the HTML report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tradewind.engine.backtest import EngineRun
from tradewind.research.capital_report import capital_context
from tradewind.research.groups import GroupPerformance, stats_by_group
from tradewind.research.metrics import drawdown_series
from tradewind.research.report import write_html_report
from tradewind.research.stats import PerformanceStats, compute_stats
from tradewind.research.trades import TradeArrays

__all__ = ["RunResults", "summarize_run"]


@dataclass(frozen=True, slots=True)
class RunResults:
    """Statistics of one run and the trades they were computed from."""

    run: EngineRun
    trades: TradeArrays
    overall: PerformanceStats
    by_market: dict[str, GroupPerformance]
    by_strategy: dict[str, GroupPerformance]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: `entries`, `final_equity`, the statistics overall, per
        market and per strategy, and order/fill counts."""
        run = self.run
        orders = run.orders
        return {
            **self.overall.as_dict(),
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


def _trade_arrays(run: EngineRun) -> TradeArrays:
    trades = run.trades
    fills = run.fills
    books = run.books
    if not len(trades):
        empty_i = np.zeros(0, dtype=np.int64)
        empty_f = np.zeros(0)
        return TradeArrays(empty_i, empty_i, empty_i, empty_i, empty_i, empty_f, empty_f,
                           empty_f, empty_f, empty_f)  # fmt: skip
    entry = trades["entry_fill"].to_numpy()
    exit_ = trades["exit_fill"].to_numpy()
    book = trades["book"].to_numpy()
    order_seq = fills["order_seq"].to_numpy()[entry]
    local_mask = run.orders["strategies"].to_numpy()[order_seq]
    global_bits = np.array(
        [_global_mask(names, run.strategy_names) for names in local_mask], dtype=np.int64
    )
    rows = fills["row"].to_numpy()
    commission = fills["commission"].to_numpy()
    qty = fills["qty"].to_numpy()
    return TradeArrays(
        entry_ts=run.panel.timestamps[rows[entry]],
        exit_ts=run.panel.timestamps[rows[exit_]],
        symbol=books.symbol[book],
        market=books.market[book],
        strategy=global_bits,
        qty=trades["size"].to_numpy() * np.sign(qty[entry]),
        entry_price=trades["entry_price"].to_numpy(),
        exit_price=trades["exit_price"].to_numpy(),
        pnl=trades["pnl"].to_numpy(),
        commission=commission[entry] + commission[exit_],
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
