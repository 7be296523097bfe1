"""`tradewind montecarlo`: the run to resample (a journaled run, or a config backtested
now), the resampling, and its JSON and HTML outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from tradewind.research.montecarlo import MonteCarloInput, MonteCarloResult
    from tradewind.research.run_results import RunResults
    from tradewind.store import FillRecord

__all__ = [
    "DEFAULT_JOURNAL",
    "MonteCarloUsageError",
    "input_from_config",
    "input_from_journal",
    "input_from_results",
    "parse_methods",
    "resample",
    "write_montecarlo_json",
    "write_montecarlo_report",
]

DEFAULT_JOURNAL = "tradewind-data/journal.sqlite"
"""The journal without --journal and without TRADEWIND_JOURNAL."""


class MonteCarloUsageError(TradewindError):
    """The options of `tradewind montecarlo` do not name a run to resample."""


def parse_methods(text: str | None) -> tuple[str, ...] | None:
    """`shuffle,trades` -> ("shuffle", "trades"); None or empty -> None (all that apply).

    Raises:
        MonteCarloUsageError: an unknown method.
    """
    from tradewind.research.montecarlo import METHODS

    if text is None or not text.strip():
        return None
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise MonteCarloUsageError(
            f"--method {', '.join(unknown)}: expected a comma-separated subset of "
            f"{','.join(METHODS)}"
        )
    return names


def input_from_journal(run_id: str, journal: str | None = None) -> MonteCarloInput:
    """The journaled run `run_id` (`latest`: the newest run) of `journal` (default
    TRADEWIND_JOURNAL, else `DEFAULT_JOURNAL`): its equity records and the realized P&L,
    net of commissions, of each fill that reduces a position.

    Raises:
        JournalError: the journal cannot be opened, or has no such run.
        MonteCarloUsageError: the run has no equity records.
    """
    import numpy as np

    from tradewind.app.journal_access import open_journal
    from tradewind.research.montecarlo import MonteCarloInput

    target = journal or os.environ.get("TRADEWIND_JOURNAL") or DEFAULT_JOURNAL
    with open_journal(target, create=False) as opened:
        if run_id == "latest":
            newest = opened.latest_run()
            if newest is None:
                raise MonteCarloUsageError(f"--run latest: journal {target} has no runs")
            run_id = newest.run_id
        info = opened.run(run_id)
        equity = opened.equity(run_id)
        fills = opened.fills(run_id)
    if not equity:
        raise MonteCarloUsageError(f"run {run_id} has no equity records to resample")
    summary = info.summary or {}
    first = float(equity[0].equity)
    initial = float(summary.get("initial_cash") or first)
    return MonteCarloInput(
        label=run_id,
        initial_equity=initial,
        equity=np.array([float(e.equity) for e in equity]),
        timestamps_ns=np.array([_ns(e.ts) for e in equity], dtype=np.int64),
        trade_pnl=np.array(closed_trade_pnl(fills)),
    )


def closed_trade_pnl(fills: Iterable[FillRecord]) -> list[float]:
    """Average-cost fold of `fills` (journal order) per market and symbol: for each fill
    that reduces a position, its realized P&L less its commission and the opening
    commissions of the part it closes (multiplier 1). The journal does not say which of
    the engine's books (one per strategy group) a fill belongs to, so a symbol's books
    are folded together: the same total as the engine's trades, split differently when
    several books of one symbol overlap."""
    held: dict[tuple[str, str], list[float]] = {}  # qty (signed), avg price, open commission
    out: list[float] = []
    for fill in fills:
        qty = float(fill.qty) * (1.0 if str(fill.side).lower() == "buy" else -1.0)
        price, fee = float(fill.price), float(fill.commission)
        key = (fill.market, fill.symbol)
        position, avg, opened_fee = held.get(key, [0.0, 0.0, 0.0])
        if position == 0.0 or (position > 0) == (qty > 0):
            total = position + qty
            avg = (position * avg + qty * price) / total
            held[key] = [total, avg, opened_fee + fee]
            continue
        closing = min(abs(qty), abs(position))
        share = closing / abs(position)
        pnl = closing * (price - avg) * (1.0 if position > 0 else -1.0)
        own_fee = fee * closing / abs(qty)
        out.append(pnl - own_fee - opened_fee * share)
        rest = position + qty
        if abs(rest) < 1e-12:
            held[key] = [0.0, 0.0, 0.0]
        elif (rest > 0) == (position > 0):
            held[key] = [rest, avg, opened_fee * (1.0 - share)]
        else:  # reversed: the remainder opens at this price
            held[key] = [rest, price, fee - own_fee]
    return out


def input_from_results(results: RunResults, label: str) -> MonteCarloInput:
    """A run backtested in this process: its equity per bar and closed trades' P&L (net
    of commissions, in closing order)."""
    import numpy as np

    from tradewind.research.montecarlo import MonteCarloInput
    from tradewind.research.trades import OPEN_TS

    run, trades = results.run, results.trades
    closed = trades.exit_ts != OPEN_TS
    order = np.argsort(trades.exit_ts[closed], kind="stable")
    return MonteCarloInput(
        label=label,
        initial_equity=float(run.spec.initial_cash),
        equity=np.asarray(run.equity, dtype=np.float64),
        timestamps_ns=np.asarray(run.panel.timestamps, dtype=np.int64),
        trade_pnl=np.asarray(trades.pnl[closed], dtype=np.float64)[order],
    )


def input_from_config(config: Path, catalog: Path | None = None) -> MonteCarloInput:
    """Backtest `config` over the catalog now (as `tradewind backtest --config`, without
    journaling) and take the run.

    Raises:
        ConfigError: the config is invalid or its data missing.
    """
    from tradewind.app.backtest import backtest_config
    from tradewind.app.config_commands import load_config
    from tradewind.app.market_data import catalog_for
    from tradewind.app.preflight import preflight

    cfg = load_config(config)
    found = catalog_for(cfg, catalog)
    preflight(cfg, found, source=config, run="backtest")
    outcome = backtest_config(cfg, found)
    return input_from_results(outcome.results, config.name)


def resample(
    source: MonteCarloInput,
    methods: tuple[str, ...] | None,
    *,
    paths: int,
    block_bars: int | None,
    confidence_pct: float,
    seed: int,
) -> MonteCarloResult:
    """`run_montecarlo` with the command's units (confidence in percent).

    Raises:
        MonteCarloError: options out of range or a method the run does not allow.
    """
    from tradewind.research.montecarlo import run_montecarlo

    return run_montecarlo(
        source, methods, paths=paths, block_bars=block_bars,
        confidence=confidence_pct / 100.0, seed=seed,
    )  # fmt: skip


def write_montecarlo_json(path: Path, result: MonteCarloResult) -> Path:
    """Write `result.as_dict()` as JSON (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")
    return path


def write_montecarlo_report(path: Path, result: MonteCarloResult) -> Path:
    """Write the HTML report (histograms per metric, fan chart per method)."""
    from tradewind.research.montecarlo_report import write_montecarlo_report as write

    return write(path, result, title=f"Tradewind Monte-Carlo: {result.label}")


def _ns(value: datetime | int) -> int:
    if isinstance(value, datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(stamp.timestamp() * 1_000_000) * 1000
    return int(value)
