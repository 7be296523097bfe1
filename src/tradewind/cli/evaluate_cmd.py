"""`tradewind evaluate intelligence|capital`: measure features out of sample against plain
baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradewind.cli.tables import console, print_table
from tradewind.domain.errors import TradewindError
from tradewind.mmin.evaluation.names import EVALUATIONS

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
    from tradewind.data.catalog import Catalog
    from tradewind.mmin.evaluation.report import write_evaluation_json, write_evaluation_report
    from tradewind.mmin.evaluation.run_all import evaluate_intelligence

    _out = console()
    chosen = tuple(only) if only else EVALUATIONS
    unknown = [name for name in chosen if name not in EVALUATIONS]
    if unknown:
        raise TradewindError(f"--only {unknown}: expected some of {', '.join(EVALUATIONS)}")
    sections = evaluate_intelligence(
        Catalog(catalog) if catalog else None,
        chosen,
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
) -> None:
    """Measure capital routing and autonomous scaling against fixed sizing.

    Adaptive routing + autonomous scaling against fixed equal allocation with fixed
    sizing (and ablations), on bundled data, whole windows and calendar years.
    """
    from tradewind.cli.capital_tables import capital_table, capital_year_table
    from tradewind.data.catalog import Catalog
    from tradewind.mmin.evaluation.capital_eval import evaluate_capital, write_capital_json

    _out = console()

    _out.print("backtesting every variant on every window ...", highlight=False)
    evaluation = evaluate_capital(config, Catalog(catalog) if catalog else None)
    print_table(_out, capital_table(evaluation.whole()))
    print_table(_out, capital_year_table(evaluation.rows))
    _out.print(evaluation.method, highlight=False)
    _out.print(f"json: {write_capital_json(json_out, evaluation)}")
