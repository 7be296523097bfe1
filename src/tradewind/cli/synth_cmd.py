"""`tradewind data synth`: generate a seeded synthetic market with planted truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from tradewind.app.synthetic_market import SyntheticTruth

__all__ = ["synth_command"]

_SHOWN_ROWS = 12


def synth_command(
    symbols: Annotated[
        int, typer.Option("--symbols", "-n", help="Number of symbols, spread across classes.")
    ] = 100,
    bars: Annotated[
        int,
        typer.Option(
            "--bars",
            help="Bars of the 24/7 master clock (crypto symbols get exactly this many; "
            "session calendars get the bars they open in the same span).",
        ),
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same data.")] = 7,
    name: Annotated[
        str, typer.Option("--name", help="Market name: symbol prefix and truth folder.")
    ] = "syn",
    catalog_dir: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Catalog directory (default: $TRADEWIND_CATALOG_DIR or ./tradewind-data/catalog).",
        ),
    ] = None,
    timeframe: Annotated[
        str, typer.Option("--timeframe", help="Bar timeframe: intraday dividing 24h, or 1d.")
    ] = "1h",
    start: Annotated[
        str | None,
        typer.Option("--start", help="First bar (UTC, ISO); default: ends 2025-01-01."),
    ] = None,
    pairs: Annotated[
        int | None, typer.Option("--pairs", help="Lead-lag pairs (default: symbols // 10).")
    ] = None,
    breaks: Annotated[
        int | None,
        typer.Option("--breaks", help="Correlation breaks (default: symbols // 20)."),
    ] = None,
    validate: Annotated[
        bool,
        typer.Option("--validate/--no-validate", help="Ingest through full validation (slower)."),
    ] = False,
) -> None:
    """Generate a seeded synthetic market with planted truth into the catalog.

    Regimes, lead-lag pairs, correlation breaks and GARCH volatility; what was planted
    is recorded in `_synthetic/<name>/truth.json`.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from tradewind.app.synthetic_market import synthetic_spec, write_synthetic

    spec = synthetic_spec(
        n_symbols=symbols,
        n_bars=bars,
        timeframe=timeframe,
        seed=seed,
        start=start,
        name=name,
        n_lead_lag_pairs=pairs,
        n_correlation_breaks=breaks,
    )
    console = Console()
    with Progress(
        TextColumn("[bold]synth[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(f"{spec.name} ({spec.n_bars} x {spec.tf})", total=spec.n_symbols)
        truth, path = write_synthetic(
            spec,
            catalog_dir,
            validate=validate,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    _print_summary(console, truth, path)


def _print_summary(console: Console, truth: SyntheticTruth, path: Path) -> None:
    spec = truth.spec
    console.print(
        f"[bold]{spec.n_symbols}[/] symbols, master clock {spec.n_bars} x {spec.tf} bars "
        f"({truth.start_time:%Y-%m-%d %H:%M} to {truth.end_time:%Y-%m-%d %H:%M} UTC), "
        f"seed {spec.seed}"
    )
    for table in (_groups_table(truth), _regimes_table(truth), _pairs_table(truth),
                  _breaks_table(truth)):  # fmt: skip
        console.print(table)
    vol = truth.volatility
    console.print(
        f"volatility: GARCH(1,1) alpha {vol.alpha} beta {vol.beta} "
        f"(half-life {vol.half_life_bars:.0f} bars)"
    )
    if max(len(truth.lead_lag), len(truth.breaks)) > _SHOWN_ROWS:
        console.print(f"(first {_SHOWN_ROWS} rows shown; all of them are in the truth file)")
    console.print(f"truth: {path}")


def _table(title: str, columns: tuple[str, ...], *, no_wrap: bool = False) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, no_wrap=no_wrap)
    return table


def _groups_table(truth: SyntheticTruth) -> Table:
    groups = _table("Calendar groups", ("calendar", "symbols", "bars each", "factor symbol",
                                        "classes"))  # fmt: skip
    for group in truth.groups:
        classes = Counter(truth.symbol(s).market for s in group.symbols)
        mix = ", ".join(f"{k} {v}" for k, v in classes.items())
        groups.add_row(group.calendar, str(len(group.symbols)), str(group.n_bars),
                       group.factor_symbol, mix)  # fmt: skip
    return groups


def _regimes_table(truth: SyntheticTruth) -> Table:
    from tradewind.app.synthetic_market import regime_labels

    regimes = _table(f"Regimes ({len(truth.regimes)} spans)",
                     ("regime", "spans", "master bars", "share"))  # fmt: skip
    for label in regime_labels():
        spans = [r for r in truth.regimes if r.label == label]
        count = sum(r.end_bar - r.start_bar + 1 for r in spans)
        regimes.add_row(label, str(len(spans)), str(count), f"{count / truth.spec.n_bars:.0%}")
    return regimes


def _pairs_table(truth: SyntheticTruth) -> Table:
    columns = ("leader", "follower", "lag bars", "beta", "corr", "calendar")
    pairs = _table(f"Lead-lag pairs ({len(truth.lead_lag)})", columns, no_wrap=True)
    for pair in truth.lead_lag[:_SHOWN_ROWS]:
        pairs.add_row(pair.leader, pair.follower, str(pair.lag_bars), f"{pair.beta:.3f}",
                      f"{pair.corr:.2f}", pair.calendar)  # fmt: skip
    return pairs


def _breaks_table(truth: SyntheticTruth) -> Table:
    breaks = _table(
        f"Correlation breaks ({len(truth.breaks)}; correlation with the group's factor)",
        ("symbol", "bar", "time", "before", "after", "kind"),
        no_wrap=True,
    )
    for brk in truth.breaks[:_SHOWN_ROWS]:
        breaks.add_row(brk.symbol, str(brk.bar), f"{brk.time:%Y-%m-%d %H:%M}",
                       f"{brk.corr_before:+.2f}", f"{brk.corr_after:+.2f}", brk.kind)  # fmt: skip
    return breaks
