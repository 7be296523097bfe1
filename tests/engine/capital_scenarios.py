"""Capital scenarios for the end-to-end capital tests: the example multi-market config
(bundled real data: crypto, equity ETFs, oil, bond ETFs) on a short window, with the
`capital` and `autonomous_scaling` sections a test asks for. Not product code."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import prepare_market_data
from tradewind.config import TradewindConfig, load_config_text
from tradewind.data.catalog import Catalog
from tradewind.engine.books import BookSet, build_books
from tradewind.engine.capital import CapitalDriver, CapitalRecord
from tradewind.engine.correlation import confirm_books, panel_correlations
from tradewind.engine.inputs import KernelInputs, kernel_inputs, run_rows
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.risk.ladder import initial_state_vector
from tradewind.strategies.api import BarWindow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
SHORT_END = "2015-12-31"
"""End of the short window: about 400 daily rows from the example's 2014-12-01 start."""

SCALING: dict[str, Any] = {"autonomous_scaling": {"enabled": True}}
"""The scaling engine sizes every entry; the router stays FIXED."""

HALTING: dict[str, Any] = {
    "autonomous_scaling": {
        "enabled": True,
        "base_position_pct": 20,
        "warning_threshold_pct": 0.5,
        "halt_threshold_pct": 1,
    }
}
"""Large base positions and a 1% halt: the window's drawdown halts sizing mid-run."""

ROUTED: dict[str, Any] = {"capital": {"strategy": "ADAPTIVE"}, **HALTING}
"""The ADAPTIVE router and the halting scaling engine together."""

DOCUMENTED_BINDINGS = frozenset(
    {"halted", "available_balance", "base", "kelly", "atr", "vol_leverage", "min_leverage",
     "max_leverage", "regime", "sharpe", "protection"}
)  # fmt: skip
"""The binding names `tradewind.capital.scaling.sizing` documents."""


def capital_config(
    sections: dict[str, Any] | None = None, *, end: str = SHORT_END
) -> TradewindConfig:
    """The example config ending at `end`, with `sections` replacing its top-level ones."""
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document["data"]["end"] = end
    document.update(copy.deepcopy(sections or {}))
    return load_config_text(yaml.safe_dump(document), source="capital-scenario", apply_env=False)


@dataclass(frozen=True, slots=True)
class DrivenRun:
    """A run driven through `CapitalDriver` by hand, with what the backtest hides."""

    spec: EngineSpec
    panel: MarketPanel
    books: BookSet
    driver: CapitalDriver
    inputs: KernelInputs
    state: KernelState
    record: CapitalRecord
    prepared_rows: tuple[int, ...]


def drive(config: TradewindConfig, catalog: Catalog, *, span_rows: int | None = None) -> DrivenRun:
    """Run `config` the way `run_engine` does with a capital plan, in spans of
    `span_rows` rows (None: one span, as a backtest; 1: row by row, as a session)."""
    prepared = prepare_market_data(config, catalog)
    keys = {(s.market, s.symbol): s.key for s in prepared.series}
    spec = engine_spec_from_config(config, keys)
    panel = panel_from_aligned(prepared.panel)
    windows = {
        key: BarWindow.from_frame(panel.window_frame(key, frame))
        for key, frame in prepared.frames.items()
    }
    names = tuple(dict.fromkeys(s.name for m in spec.markets for s in m.strategies))
    correlations = panel_correlations(panel, spec)
    books = confirm_books(build_books(panel, windows, spec.markets, names), panel, spec,
                          correlations)[0]  # fmt: skip
    inputs = kernel_inputs(panel, spec, correlations)
    n_rows, n_symbols = panel.shape
    state = KernelState.allocate(
        n_rows=n_rows,
        n_symbols=n_symbols,
        n_books=len(books.symbol),
        capacity=3 * int(books.edge.sum()) + 3 * len(books.symbol) + 16,
        initial_cash=float(spec.initial_cash),
    )
    risk = initial_state_vector()
    driver = CapitalDriver(spec, panel, books, windows, inputs)
    prepared_rows: list[int] = []
    prepare = driver.prepare

    def spy(t: int, state: KernelState, market_limits: np.ndarray) -> None:
        prepared_rows.append(t)
        prepare(t, state, market_limits)

    driver.prepare = spy  # type: ignore[method-assign]

    def step(start: int, stop: int) -> None:
        run_rows(start, stop, panel, spec, inputs, driver.books, len(names),
                 spec.limits.markets, risk, state)  # fmt: skip

    span = span_rows or n_rows
    for start in range(0, n_rows, span):
        driver.run_span(start, min(start + span, n_rows), step, state, spec.limits.markets)
    record = driver.finish(state)
    return DrivenRun(spec, panel, books, driver, inputs, state, record, tuple(prepared_rows))
