"""`tradewind analyze`: run the multi-market intelligence and write its HTML report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.analysis import AnalysisResult


def analyze_command(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Config whose markets to analyse (default: all bundled)."
        ),
    ] = None,
    timeframe: Annotated[str, typer.Option(help="Bar timeframe.")] = "1d",
    limit: Annotated[int, typer.Option(help="Bars to analyse (the latest).")] = 500,
    level: Annotated[
        str | None, typer.Option(help="basic, advanced or god_mode (default: from config).")
    ] = None,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "reports/analyze.html"
    ),
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON.")] = None,
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory.")] = None,
) -> None:
    """Run the multi-market intelligence and write its HTML report.

    Correlations, clusters, lead-lag, macro regime, market conditions, transfer
    patterns, signals with cross-market confirmation, and the capital allocation.
    """
    from tradewind.app.analysis import analysis_json, analyze_markets, write_analysis_report

    _out = console()
    result = analyze_markets(
        config, timeframe=timeframe, limit=limit, level=level, catalog_dir=catalog
    )
    _print_summary(_out, result)
    path = write_analysis_report(report, result)
    _out.print(f"report: {path}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(analysis_json(result), indent=2) + "\n")
        _out.print(f"json: {json_out}")


def _print_summary(_out: Console, result: AnalysisResult) -> None:
    from rich import box
    from rich.table import Table

    from tradewind.cli.tables import print_table

    universe = ", ".join(f"{m} {len(s)}" for m, s in result.universe.items())
    _out.print(
        f"[bold]MMIN analysis[/] as of {result.as_of:%Y-%m-%d} over {result.rows} rows; "
        f"level {result.intelligence_level}, mode {result.mode}; symbols: {universe}"
    )
    correlations = result.correlations
    regime = correlations.regime
    clusters = len(set(result.clusters.labels.values()))
    _out.print(
        f"diversification {correlations.diversification:.2f}; correlation regime "
        f"{regime['state'] if regime else 'n/a'}; clusters {clusters}"
    )
    macro = result.macro_regime
    if macro:
        top = sorted(macro["probabilities"].items(), key=lambda kv: -kv[1])[:3]
        odds = ", ".join(f"{k} {v:.2f}" for k, v in top)
        _out.print(
            f"macro regime [bold]{macro['regime']}[/] "
            f"(confidence {macro['confidence']:.2f}; {odds})"
        )
    table = Table(title="Lead-lag (top 10)", box=box.SIMPLE_HEAD)
    for column in ("leader", "follower", "lag", "correlation", "q_value"):
        table.add_column(column, justify="left" if column in ("leader", "follower") else "right")
    for row in result.lead_lag[:10]:
        table.add_row(
            row.leader, row.follower, str(row.lag), f"{row.correlation:.3f}", f"{row.q_value:.2g}"
        )
    if result.lead_lag:
        print_table(_out, table)
    signals = Table(title="Signals", box=box.SIMPLE_HEAD)
    for column in (
        "symbol",
        "market",
        "source",
        "direction",
        "agreeing",
        "confirmed",
        "confidence",
    ):
        signals.add_column(
            column, justify="right" if column in ("agreeing", "confidence") else "left"
        )
    for s in result.signals[:15]:
        signals.add_row(
            s.symbol, s.market, s.source, s.direction, str(s.agreeing_markets),
            "yes" if s.confirmed else "no", f"{s.adjusted_confidence:.2f}",
        )  # fmt: skip
    print_table(_out, signals)
    allocation = result.capital_allocation
    weights = ", ".join(f"{m} {w:.1f}%" for m, w in allocation.weights_pct.items())
    _out.print(f"allocation ({allocation.method}): {weights}")
    _out.print(f"analysis time {result.timings_s['total']:.2f} s")
