"""Runs driven through `CapitalDriver` with a regime plan and chosen macro forecasts, on
the example config's bundled data (see `capital_scenarios`). Not product code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from tests.engine.capital_scenarios import capital_config

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import prepare_market_data
from tradewind.capital.regime import RegimePlan
from tradewind.data.catalog import Catalog
from tradewind.domain.regimes import MacroRegime
from tradewind.engine.books import BookSet, build_books
from tradewind.engine.capital import CapitalDriver, CapitalRecord
from tradewind.engine.capital.regimes import MacroForecasts
from tradewind.engine.correlation import confirm_books, panel_correlations
from tradewind.engine.inputs import KernelInputs, kernel_inputs, run_rows
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.engine.setup import CapitalPlan, EngineSpec
from tradewind.engine.state import KernelState
from tradewind.risk.ladder import initial_state_vector
from tradewind.strategies.api import BarWindow

ADAPTIVE: dict[str, Any] = {"capital": {"strategy": "ADAPTIVE"}}
"""The ADAPTIVE router, no scaling engine."""


@dataclass(frozen=True, slots=True)
class RegimeRun:
    """A run driven by hand, with the books as built and what the router was told."""

    spec: EngineSpec
    panel: MarketPanel
    books: BookSet
    driver: CapitalDriver
    inputs: KernelInputs
    state: KernelState
    record: CapitalRecord
    router_regimes: tuple[tuple[int, MacroRegime | None], ...]
    """(row, regime) of every router call."""
    stop_as_built: np.ndarray
    """The strategies' stop levels before the driver tightened any."""


def forecasts_at(panel: MarketPanel, marks: list[tuple[int, int, MacroRegime]]) -> MacroForecasts:
    """Forecasts dated `timestamps[row] + offset_ns` for each `(row, offset_ns, regime)`."""
    stamps = np.array([int(panel.timestamps[row]) + offset for row, offset, _ in marks])
    return MacroForecasts(stamps, tuple(regime for _, _, regime in marks))


def prepared(sections: dict[str, Any] | None, catalog: Catalog) -> tuple[Any, ...]:
    """Spec (with a capital plan even when the config has none), panel, windows, books."""
    config = capital_config(sections)
    data = prepare_market_data(config, catalog)
    keys = {(s.market, s.symbol): s.key for s in data.series}
    spec = engine_spec_from_config(config, keys)
    if spec.capital is None:
        spec = dataclasses.replace(spec, capital=CapitalPlan())
    panel = panel_from_aligned(data.panel)
    windows = {
        key: BarWindow.from_frame(panel.window_frame(key, frame))
        for key, frame in data.frames.items()
    }
    names = tuple(dict.fromkeys(s.name for m in spec.markets for s in m.strategies))
    correlations = panel_correlations(panel, spec)
    books = confirm_books(build_books(panel, windows, spec.markets, names), panel, spec,
                          correlations)[0]  # fmt: skip
    return spec, panel, windows, books, names, correlations


def drive_regimes(
    sections: dict[str, Any] | None,
    catalog: Catalog,
    plan: RegimePlan | None,
    forecasts: MacroForecasts | None = None,
    *,
    span_rows: int | None = None,
) -> RegimeRun:
    """Run the example config with `sections` as `run_engine` does, the driver given
    `plan` and `forecasts`, in spans of `span_rows` rows (None: one span)."""
    spec, panel, windows, books, names, correlations = prepared(sections, catalog)
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
    stop_as_built = books.stop.copy()
    driver = CapitalDriver(spec, panel, books, windows, inputs, regime=plan, forecasts=forecasts)
    told: list[tuple[int, MacroRegime | None]] = []
    if driver.router is not None:
        allocate = driver.router.calculate_allocation
        row_of = {int(ts): t for t, ts in enumerate(panel.timestamps)}

        def spy(metrics: Any, correlations: Any, regime: Any, capital: float) -> Any:
            # The row being decided is the one whose instant the driver last prepared.
            told.append((row_of[current[0]], regime))
            return allocate(metrics, correlations, regime, capital)

        driver.router.calculate_allocation = spy  # type: ignore[method-assign,assignment]
    current = [0]
    prepare = driver.prepare

    def prepare_spy(t: int, state: KernelState, market_limits: np.ndarray) -> None:
        current[0] = int(panel.timestamps[t])
        prepare(t, state, market_limits)

    driver.prepare = prepare_spy  # type: ignore[method-assign]

    def step(start: int, stop: int) -> None:
        run_rows(start, stop, panel, spec, inputs, driver.books, len(names),
                 spec.limits.markets, risk, state)  # fmt: skip

    span = span_rows or n_rows
    for start in range(0, n_rows, span):
        driver.run_span(start, min(start + span, n_rows), step, state, spec.limits.markets)
    record = driver.finish(state)
    return RegimeRun(spec, panel, books, driver, inputs, state, record, tuple(told), stop_as_built)
