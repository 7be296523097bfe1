"""`tradewind data ...`: list, import, download and show market data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.data_download_cmd import download_command
from tradewind.cli.tables import console as _console
from tradewind.cli.tables import print_table

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from tradewind.app.data_commands import CatalogEntry

app = typer.Typer(
    help="List, import, download, show and prepare market data.", no_args_is_help=True
)
app.command("download")(download_command)

_Catalog = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog directory (default: $TRADEWIND_CATALOG_DIR or ./tradewind-data/catalog).",
        show_default=False,
    ),
]
_Market = Annotated[
    str | None,
    typer.Option("--market", help="Market class: crypto, forex, equities, commodities, bonds, ..."),
]
_Timeframe = Annotated[str | None, typer.Option("--timeframe", help="Bar timeframe, e.g. 1d, 1h.")]


@app.command("list")
def list_command(market: _Market = None, catalog_dir: _Catalog = None) -> None:
    """Show the series available (bundled real data and your catalog) and the macro data."""
    from rich import box
    from rich.table import Table

    from tradewind.app.data_commands import fields_label, open_catalog

    catalog = open_catalog(catalog_dir)
    entries = catalog.entries(market)
    console = _console()
    table = Table(box=box.SIMPLE_HEAD, title="market data")
    for name, justify in (
        ("symbol", "left"),
        ("class", "left"),
        ("timeframe", "left"),
        ("first", "left"),
        ("last", "left"),
        ("rows", "right"),
        ("fields", "left"),
        ("source", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for entry in entries:
        table.add_row(
            entry.symbol,
            entry.market.value,
            entry.timeframe,
            _bar_time(entry.first),
            _bar_time(entry.last),
            f"{entry.rows:,}",
            fields_label(entry.fields) + (" adj" if _adjusted(entry) else ""),
            entry.source,
        )
    print_table(console, table)
    classes = sorted({e.market.value for e in entries})
    console.print(
        f"{len(entries)} series in {len(classes)} classes ({', '.join(classes)}); "
        f"user catalog: {catalog.root}" + ("" if catalog.root.exists() else " (not created yet)"),
        highlight=False,
    )
    if market is None:
        print_table(console, _macro_table())


def _adjusted(entry: CatalogEntry) -> bool:
    text = (entry.price_adjustment or "").lower()
    return "adjusted close" in text and "unadjusted" not in text


def _macro_table() -> Table:
    from rich import box
    from rich.table import Table

    from tradewind.app.data_commands import fred_catalog, nber_recessions

    table = Table(box=box.SIMPLE_HEAD, title="macro data")
    for name in ("dataset", "frequency", "first", "last", "rows", "contents"):
        table.add_column(name)
    fred = fred_catalog()
    table.add_row(
        "FRED monthly",
        "1M",
        str(fred["first"].min()),
        str(fred["last"].max()),
        f"{int(fred['n_obs'].sum()):,}",
        f"{len(fred)} series (rates, inflation, labour, money, FX, oil)",
    )
    nber = nber_recessions()
    table.add_row(
        "NBER recessions",
        "events",
        nber["peak"].iloc[0].strftime("%Y-%m"),
        nber["trough"].iloc[-1].strftime("%Y-%m"),
        f"{len(nber)}",
        "US business-cycle peaks and troughs",
    )
    return table


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV (.csv, .txt, .tsv; plain, .gz, .bz2, .xz) or Parquet.")
    ],
    symbol: Annotated[str, typer.Option("--symbol", help="Symbol to store it as, e.g. BTC-USD.")],
    market: Annotated[str, typer.Option("--market", help="Market class, e.g. crypto, equities.")],
    timeframe: Annotated[str, typer.Option("--timeframe", help="Bar timeframe.")] = "1d",
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", help="Time zone of naive timestamps (default UTC), e.g. Europe/Berlin."
        ),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            help="Column mapping NAME=COLUMN, comma-separated or repeated; quote names with "
            'spaces: --columns "timestamp=Gmt time" --columns close=Last. NAME is one of '
            "timestamp, date, time, open, high, low, close, adj_close, volume.",
        ),
    ] = None,
    calendar: Annotated[
        str | None, typer.Option("--calendar", help="Trading calendar (default by class).")
    ] = None,
    quote_type: Annotated[
        str, typer.Option("--quote-type", help="price, index_level or yield.")
    ] = "price",
    timestamp_format: Annotated[
        str | None,
        typer.Option(
            "--timestamp-format", help="strftime format of the timestamps (default: detected)."
        ),
    ] = None,
    quality: Annotated[
        bool, typer.Option("--quality/--no-quality", help="Print the quality report.")
    ] = True,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Import nothing (exit 2) if any row is rejected."),
    ] = False,
    max_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-bytes",
            help="Refuse files larger than this once decompressed, e.g. 500M, 2G "
            "(default: $TRADEWIND_IMPORT_MAX_BYTES or 2G).",
            show_default=False,
        ),
    ] = None,
    max_field_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-field-bytes",
            help="Refuse files with a longer CSV line or field, e.g. 64K "
            "(default: $TRADEWIND_IMPORT_MAX_FIELD_BYTES or 64K).",
            show_default=False,
        ),
    ] = None,
    catalog_dir: _Catalog = None,
) -> None:
    """Validate a bar file and store it; bad rows are quarantined, never silently dropped.

    Every data line is either imported or quarantined with its line number and rule
    (blank lines are counted and skipped). Exits 0 when every row was imported; 1 when
    the valid rows were imported and some rows were rejected and quarantined (so scripts
    notice); 2 when the file is unusable or over a size limit, no valid row remains, the
    catalog cannot be written, or (with --strict) any row was rejected.
    """
    from tradewind.app.data_commands import (
        import_limits,
        open_catalog,
        parse_quote_type,
        series_quality,
    )

    limits = import_limits(max_bytes, max_field_bytes)
    mapping = parse_column_mapping(columns) if columns else None
    catalog = open_catalog(catalog_dir)
    report = catalog.ingest(
        file,
        market=market,
        symbol=symbol,
        timeframe=timeframe,
        calendar=calendar,
        quote_type=parse_quote_type(quote_type),
        tz=tz,
        columns=mapping,
        timestamp_format=timestamp_format,
        strict=strict,
        limits=limits,
    )
    console = _console()
    console.print(report.summary(), highlight=False, markup=False)
    if quality and report.entry is not None:
        entry = report.entry
        bars = catalog.load_bars(entry.symbol, market=entry.market, timeframe=entry.timeframe)
        found = series_quality(bars, entry)
        console.print(found.summary(), highlight=False, markup=False)
    if report.rejected:
        typer.echo(
            f"warning: {file}: {report.rejected:,} of {report.rows_in:,} rows rejected and "
            f"quarantined at {report.quarantine_path}; the {report.accepted:,} valid rows "
            "were imported (exit status 1)",
            err=True,
        )
        raise typer.Exit(1)


def parse_column_mapping(text: str | list[str]) -> dict[str, str]:
    """`date=Datum,close=Schluss` -> {"date": "Datum", "close": "Schluss"} (see
    `tradewind.app.data_commands.parse_column_mapping`).

    Raises:
        DataError: an item is not `name=column`, a name is unknown or given twice.
    """
    from tradewind.app.data_commands import parse_column_mapping as parse

    return parse(text)


@app.command("show")
def show_command(
    symbol: Annotated[str, typer.Argument(help="Symbol, e.g. SPX or BTC-USD.")],
    market: _Market = None,
    timeframe: _Timeframe = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First date/time (inclusive).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last date/time (inclusive).")] = None,
    rows: Annotated[int, typer.Option("--rows", min=0, help="Rows to print (head and tail).")] = 20,
    quality: Annotated[bool, typer.Option("--quality", help="Print the quality report.")] = False,
    catalog_dir: _Catalog = None,
) -> None:
    """Print a series' metadata and bars (optionally its quality report)."""
    from tradewind.app.data_commands import open_catalog, series_quality

    catalog = open_catalog(catalog_dir)
    entry = catalog.entry(symbol, market=market, timeframe=timeframe)
    bars = catalog.load_bars(
        entry.symbol, market=entry.market, timeframe=entry.timeframe, start=start, end=end
    )
    console = _console()
    console.print(_describe(entry, len(bars)), highlight=False, markup=False)
    print_table(console, _bars_table(bars, entry, rows))
    if quality:
        found = series_quality(bars, entry)
        console.print(found.summary(), highlight=False, markup=False)


def _describe(entry: CatalogEntry, selected: int) -> str:
    lines = [
        f"{entry.symbol}  {entry.market.value} {entry.timeframe}  calendar {entry.calendar}  "
        f"{entry.quote_type.value}  fields {', '.join(entry.fields)}  ({entry.source})",
        f"  {entry.rows:,} rows {_bar_time(entry.first)} .. {_bar_time(entry.last)}; "
        f"{selected:,} selected",
    ]
    if entry.description:
        lines.append(f"  {entry.description}")
    if entry.units:
        lines.append(f"  units: {entry.units}")
    if entry.price_adjustment:
        lines.append(f"  price adjustment: {entry.price_adjustment}")
    if entry.origin:
        lines.append(f"  source: {entry.origin}")
    return "\n".join(lines)


def _bars_table(bars: pd.DataFrame, entry: CatalogEntry, rows: int) -> Table:
    import pandas as pd
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    columns = ["timestamp", "close_time", *entry.fields]
    for name in columns:
        table.add_column(name, justify="left" if "time" in name else "right")
    head = (rows + 1) // 2
    shown = bars if len(bars) <= rows else pd.concat([bars.head(head), bars.tail(rows - head)])
    for position, (_, row) in enumerate(shown.iterrows()):
        if len(bars) > rows and position == head:
            table.add_row(*["..."] * len(columns))
        table.add_row(
            _bar_time(row["timestamp"]),
            row["close_time"].strftime("%Y-%m-%d %H:%M"),
            *(f"{row[f]:,.10g}" for f in entry.fields),
        )
    return table


def _bar_time(value: pd.Timestamp | None) -> str:
    from tradewind.app.data_commands import bar_time_label

    return bar_time_label(value)


__all__ = ["app", "parse_column_mapping"]
