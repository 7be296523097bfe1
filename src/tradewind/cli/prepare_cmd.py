"""`tradewind data prepare`: the data job over a config (the README's main job)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console, print_table, print_warnings

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.market_data import PreparedData


def prepare_command(
    config: Annotated[
        Path, typer.Option("--config", "-c", help="Tradewind YAML config.", show_default=False)
    ],
    catalog: Annotated[
        Path | None,
        typer.Option(help="Catalog directory (default: the config's data.catalog_dir)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the aligned panel (long form) to this Parquet file."),
    ] = None,
) -> None:
    """Load every enabled market's symbols, check quality, resample and align them."""
    from tradewind.app.config_commands import load_config
    from tradewind.app.market_data import catalog_for, prepare_market_data

    _out = console()
    cfg = load_config(config)
    with _out.status("preparing market data") as status:
        prepared = prepare_market_data(
            cfg, catalog_for(cfg, catalog), on_series=lambda s: status.update(f"loading {s}")
        )
    print_warnings(_out, prepared.warnings)
    _print_series(_out, prepared)
    _print_alignment(_out, prepared)
    if out is not None:
        written = prepared.write_panel(out)
        _out.print(f"aligned panel written to {written}")


def _print_series(_out: Console, prepared: PreparedData) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title="market data (quality against each trading calendar)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in ("market", "symbol", "tf", "calendar", "first", "last", "rows"):
        table.add_column(column, justify="right" if column == "rows" else "left", no_wrap=True)
    for column in ("cover", "gaps", "stale", "outl.", "aligned"):
        table.add_column(column, justify="right", no_wrap=True)
    for s in prepared.series:
        q = s.quality
        if q is None:  # prepare_market_data always checks; only the MMIN defers checks
            continue
        coverage = (
            "-"
            if not q.expected_bars
            else f"{100.0 * (q.expected_bars - q.missing_bars) / q.expected_bars:.1f}%"
        )
        on_timeline = str(s.rows_on_timeline)
        if s.resampled_to:
            on_timeline = f"{on_timeline} ({s.timeframe}>{s.resampled_to})"
        table.add_row(
            s.market,
            s.symbol,
            s.timeframe,
            s.calendar,
            _day(q.first),
            _day(q.last),
            str(q.rows),
            coverage,
            str(q.gap_count),
            str(q.stale_runs),
            str(q.outliers),
            on_timeline,
        )
    classes = sorted({s.market_class for s in prepared.series})
    print_table(_out, table)
    _out.print(f"{len(prepared.series)} series in {len(classes)} classes: {', '.join(classes)}")


def _print_alignment(_out: Console, prepared: PreparedData) -> None:
    panel = prepared.panel
    _out.print(f"[bold]alignment[/] {panel.report.summary()}")
    rows, symbols = panel.shape
    _out.print(f"timeline: {rows} rows x {symbols} symbols")


def _day(value: object) -> str:
    return "-" if value is None else str(value)[:10]
