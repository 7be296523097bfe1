"""`tradewind evaluate intelligence|capital`: measure features out of sample against plain
baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradewind.app.evaluation import EVALUATIONS
from tradewind.cli.tables import console, print_table

app = typer.Typer(help="Measure features against plain baselines.", no_args_is_help=True)


@app.command("intelligence")
def intelligence_command(
    report: Annotated[Path, typer.Option(help="HTML report path.")] = Path(
        "reports/intelligence-evaluation.html"
    ),
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON.")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help=f"Run only these (repeatable): {', '.join(EVALUATIONS)}."),
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory.")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Portfolio for the confirmation backtests."),
    ] = None,
) -> None:
    """Measure each intelligence feature out of sample against a plain baseline.

    Planted-truth recovery, walk-forward recession forecasting vs baselines, transfer
    learning vs no transfer, and the backtest with and without cross-market confirmation.
    """
    from tradewind.app.evaluation import (
        evaluate_intelligence,
        write_evaluation_json,
        write_evaluation_report,
    )

    _out = console()
    sections = evaluate_intelligence(
        catalog,
        tuple(only) if only else EVALUATIONS,
        on_start=lambda name: _out.print(f"measuring {name} ...", highlight=False),
        backtest_config=config,
    )
    for section in sections:
        verdict = {None: "measured", True: "helps", False: "does not help"}[section.helps]
        _out.print(f"[bold]{section.title}[/] [{verdict}]\n  {section.headline}", highlight=False)
    _out.print(f"report: {write_evaluation_report(report, sections)}")
    if json_out is not None:
        _out.print(f"json: {write_evaluation_json(json_out, sections)}")


@app.command("capital")
def capital_command(
    json_out: Annotated[Path, typer.Option("--json", help="Where to write every row.")] = Path(
        "reports/capital-evaluation.json"
    ),
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Portfolio to measure.")
    ] = None,
    resamples: Annotated[
        int, typer.Option(min=100, help="Bootstrap resamples per comparison.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap resamples.")] = 0,
) -> None:
    """Measure capital features out of sample against fixed allocation and sizing.

    Adaptive routing, autonomous scaling, the walk-forward macro regime in the router
    and the regime actions, each against fixed equal allocation with fixed sizing (and
    ablations), on bundled data: whole windows, calendar years, and each feature's
    differences with paired stationary-bootstrap 95% intervals and a verdict.
    """
    from tradewind.app.evaluation import evaluate_capital, write_capital_json
    from tradewind.cli.capital_tables import (
        capital_comparison_table,
        capital_table,
        capital_year_table,
    )

    _out = console()

    _out.print("backtesting every variant on every window ...", highlight=False)
    evaluation = evaluate_capital(config, catalog, resamples=resamples, seed=seed)
    print_table(_out, capital_table(evaluation.whole()))
    print_table(_out, capital_year_table(evaluation.rows))
    print_table(_out, capital_comparison_table(evaluation.comparisons))
    _out.print(evaluation.method, highlight=False)
    _out.print(f"measured in {evaluation.runtime_s:.0f} s", highlight=False)
    _out.print(f"json: {write_capital_json(json_out, evaluation)}")
