"""Composition root of the evaluations (`tradewind evaluate`): the measurements of
`tradewind.research.evaluation`, run with this app's backtest.

Light at import (the CLI lists `EVALUATIONS` in its help); each function imports what it
runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from tradewind.data.catalog import Catalog
    from tradewind.research.evaluation.capital_eval import CapitalEvaluation
    from tradewind.research.evaluation.capital_eval import (
        FeatureComparison as FeatureComparison,
    )
    from tradewind.research.evaluation.sections import Section

__all__ = [
    "EVALUATIONS",
    "evaluate_capital",
    "evaluate_intelligence",
    "write_capital_json",
    "write_evaluation_json",
    "write_evaluation_report",
]

EVALUATIONS: tuple[str, ...] = ("planted", "regimes", "macro", "transfer", "confirmation")
"""The intelligence measurements, in the order they run and are reported."""


def evaluate_intelligence(
    catalog_dir: Path | None = None,
    only: tuple[str, ...] = EVALUATIONS,
    on_start: Callable[[str], None] | None = None,
    backtest_config: Path | None = None,
) -> list[Section]:
    """Every measurement named in `only`, in the order of `EVALUATIONS`; each section
    records its own run time in its notes. `backtest_config` is the portfolio the
    confirmation measurement backtests (default: examples/backtest.yaml).

    Raises:
        TradewindError: a name in `only` is not one of `EVALUATIONS`.
    """
    unknown = [name for name in only if name not in EVALUATIONS]
    if unknown:
        raise TradewindError(f"--only {unknown}: expected some of {', '.join(EVALUATIONS)}")
    runners = _intelligence_runners(_catalog(catalog_dir), backtest_config)
    sections = []
    for name in EVALUATIONS:
        if name not in only:
            continue
        if on_start is not None:
            on_start(name)
        started = time.perf_counter()
        section = runners[name]()
        seconds = time.perf_counter() - started
        sections.append(section.with_note(f"Measured in {seconds:.1f} s."))
    return sections


def _intelligence_runners(
    catalog: Catalog, backtest_config: Path | None
) -> dict[str, Callable[[], Section]]:
    from tradewind.app.backtest import backtest_config as run_backtest
    from tradewind.research.evaluation import sections as s
    from tradewind.research.evaluation.confirmation_eval import evaluate_confirmation
    from tradewind.research.evaluation.macro_eval import evaluate_recession_forecasts
    from tradewind.research.evaluation.planted import measure_planted
    from tradewind.research.evaluation.regime_eval import evaluate_planted_regimes
    from tradewind.research.evaluation.transfer_eval import evaluate_transfer

    return {
        "planted": lambda: s.planted_section(measure_planted()),
        "regimes": lambda: s.regime_section(
            evaluate_planted_regimes(model="hmm"), evaluate_planted_regimes(model="markov")
        ),
        "macro": lambda: s.macro_section(evaluate_recession_forecasts(catalog=catalog)),
        "transfer": lambda: s.transfer_section(evaluate_transfer(catalog=catalog)),
        "confirmation": lambda: s.confirmation_section(
            evaluate_confirmation(run_backtest, backtest_config, catalog=catalog)
        ),
    }


def evaluate_capital(
    config_path: Path | None = None,
    catalog_dir: Path | None = None,
    *,
    resamples: int = 2000,
    seed: int = 0,
) -> CapitalEvaluation:
    """Capital routing, autonomous scaling, the macro regime in the router and the
    regime actions against fixed allocation and sizing, on the portfolio at
    `config_path` (default: examples/backtest.yaml), with paired stationary-bootstrap
    intervals (`resamples` resamples, seeded with `seed`)."""
    from tradewind.app.backtest import backtest_config as run_backtest
    from tradewind.research.evaluation import capital_eval

    return capital_eval.evaluate_capital(
        run_backtest, config_path, _catalog(catalog_dir), resamples=resamples, seed=seed
    )


def write_evaluation_report(path: Path, sections: list[Section]) -> Path:
    """The self-contained HTML report of the intelligence measurements."""
    from tradewind.research.evaluation import report

    return report.write_evaluation_report(path, sections)


def write_evaluation_json(path: Path, sections: list[Section]) -> Path:
    """The same figures as JSON (one object per section)."""
    from tradewind.research.evaluation import report

    return report.write_evaluation_json(path, sections)


def write_capital_json(path: Path, evaluation: CapitalEvaluation) -> Path:
    """Every row of the capital evaluation (whole windows and years), every comparison
    with its intervals, the default each feature earns, and the method."""
    from tradewind.research.evaluation import capital_eval

    return capital_eval.write_capital_json(path, evaluation)


def _catalog(catalog_dir: Path | None) -> Catalog:
    from tradewind.data.catalog import Catalog

    return Catalog(catalog_dir) if catalog_dir else Catalog()
