"""Run every intelligence measurement in turn (what `tradewind evaluate intelligence` does)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tradewind.data.catalog import Catalog
from tradewind.mmin.evaluation.confirmation_eval import evaluate_confirmation
from tradewind.mmin.evaluation.macro_eval import evaluate_recession_forecasts
from tradewind.mmin.evaluation.names import EVALUATIONS
from tradewind.mmin.evaluation.planted import measure_planted
from tradewind.mmin.evaluation.regime_eval import evaluate_planted_regimes
from tradewind.mmin.evaluation.sections import (
    Section,
    confirmation_section,
    macro_section,
    planted_section,
    regime_section,
    transfer_section,
)
from tradewind.mmin.evaluation.transfer_eval import evaluate_transfer

__all__ = ["EVALUATIONS", "evaluate_intelligence"]


def evaluate_intelligence(
    catalog: Catalog | None = None,
    only: tuple[str, ...] = EVALUATIONS,
    on_start: Callable[[str], None] | None = None,
    backtest_config: Path | None = None,
) -> list[Section]:
    """Every measurement named in `only`, in the order of `EVALUATIONS`; each section
    records its own run time in its notes. `backtest_config` is the portfolio the
    confirmation measurement backtests (default: examples/backtest.yaml)."""
    catalog = catalog if catalog is not None else Catalog()
    runners: dict[str, Callable[[], Section]] = {
        "planted": lambda: planted_section(measure_planted()),
        "regimes": lambda: regime_section(
            evaluate_planted_regimes(model="hmm"), evaluate_planted_regimes(model="markov")
        ),
        "macro": lambda: macro_section(evaluate_recession_forecasts(catalog=catalog)),
        "transfer": lambda: transfer_section(evaluate_transfer(catalog=catalog)),
        "confirmation": lambda: confirmation_section(
            evaluate_confirmation(backtest_config, catalog=catalog)
        ),
    }
    sections = []
    for name in EVALUATIONS:
        if name not in only:
            continue
        if on_start is not None:
            on_start(name)
        started = time.perf_counter()
        section = runners[name]()
        seconds = time.perf_counter() - started
        sections.append(
            Section(
                key=section.key,
                title=section.title,
                headline=section.headline,
                helps=section.helps,
                columns=section.columns,
                rows=section.rows,
                method=section.method,
                notes=(*section.notes, f"Measured in {seconds:.1f} s."),
                extra=section.extra,
            )
        )
    return sections
