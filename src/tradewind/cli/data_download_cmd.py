"""`tradewind data download`: an exchange's or a broker's candle history into the catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console as _console

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.data_download import DownloadProgress, SymbolDownload

__all__ = ["download_command"]

_INTERRUPTED_EXIT = 130


def download_command(
    provider: Annotated[
        str,
        typer.Option(
            "--provider",
            help=(
                "ccxt (with --exchange), binance, coinbase, kraken (ccxt with that exchange), "
                "or oanda, alpaca, interactive_brokers (credentials from the environment)."
            ),
        ),
    ],
    symbols: Annotated[
        str,
        typer.Option(
            "--symbols",
            help="Comma-separated: BTCUSDT, BTC/USDT, EUR_USD, EUR/USD, EUR.USD (IB), AAPL.",
        ),
    ],
    timeframe: Annotated[
        str, typer.Option("--timeframe", help="Candle timeframe the exchange offers, e.g. 1h.")
    ],
    start: Annotated[
        str, typer.Option("--start", help="First bar to download (date or ISO date-time, UTC).")
    ],
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="Download bars opening before this instant (default: now, venue clock).",
            show_default=False,
        ),
    ] = None,
    exchange: Annotated[
        str | None, typer.Option("--exchange", help="ccxt exchange id (with --provider ccxt).")
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            help=(
                "Base URL to send the requests to (e.g. an emulator); tcp://HOST:PORT of "
                "TWS / IB Gateway for interactive_brokers."
            ),
        ),
    ] = None,
    catalog_dir: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Catalog directory (default: $TRADEWIND_CATALOG_DIR or ./tradewind-data/catalog).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Download a venue's complete candles (crypto, forex or stocks) into the catalog.

    Crypto becomes BASE-QUOTE series, forex (OANDA, IB) EUR-USD series, equities
    (Alpaca, IB) ticker series.

    Asks only for the bars of [start, end) the catalog lacks (in trading hours for
    forex and stocks), so a rerun (or a run after Ctrl-C) resumes, and a complete
    download fetches nothing. Every candle passes the validation of `data import`. Exits
    0 when done; 2 for a bad option, missing credentials, an unknown symbol or
    timeframe, a candle that fails validation, or an exchange that cannot be
    reached after retries; 130 on Ctrl-C (what was fetched is kept).
    """
    from tradewind.app.data_download import (
        DownloadInterrupted,
        download_history,
        download_request,
    )

    request = download_request(
        provider=provider,
        exchange=exchange,
        endpoint=endpoint,
        symbols=symbols,
        timeframe=timeframe,
        start=start,
        end=end,
        catalog_dir=catalog_dir,
    )
    console = _console()
    try:
        with _progress_bars(console) as show:
            results = download_history(request, progress=show)
    except DownloadInterrupted as stop:
        _print_summaries(console, stop.results)
        typer.echo(
            "interrupted: the candles fetched so far are stored; "
            "run the same command again to resume",
            err=True,
        )
        raise typer.Exit(_INTERRUPTED_EXIT) from None
    _print_summaries(console, results)


@contextmanager
def _progress_bars(console: Console) -> Iterator[Callable[[DownloadProgress], None]]:
    """A rich progress bar per symbol (candles fetched / expected), fed by the download."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("[bold]download[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:

        def show(update: DownloadProgress) -> None:
            total = max(update.expected, update.fetched)
            if update.symbol not in tasks:
                tasks[update.symbol] = progress.add_task(update.symbol, total=total)
            progress.update(tasks[update.symbol], completed=update.fetched, total=total)

        yield show


def _print_summaries(console: Console, results: Sequence[SymbolDownload]) -> None:
    for result in results:
        console.print(result.summary(), highlight=False, markup=False)
