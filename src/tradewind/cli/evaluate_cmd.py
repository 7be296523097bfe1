"""`tradewind evaluate intelligence`: measure every intelligence feature out of sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.mmin.evaluation.report import write_evaluation_json, write_evaluation_report
from tradewind.mmin.evaluation.run_all import EVALUATIONS, evaluate_intelligence

app = typer.Typer(help="Measure features against plain baselines.", no_args_is_help=True)
_out = Console()


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
    """Planted-truth recovery, walk-forward recession forecasting vs baselines, transfer
    learning vs no transfer, and the backtest with and without cross-market confirmation."""
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
