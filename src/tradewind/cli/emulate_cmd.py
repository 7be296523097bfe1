"""`tradewind emulate`: serve a venue's API on 127.0.0.1 from replayed bundled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["emulate_command"]


def emulate_command(
    exchange: Annotated[
        str,
        typer.Argument(
            help="Venue to speak: binance, kraken, coinbase (crypto REST), oanda (v20 "
            "REST), alpaca (trading + market data REST) or ib (the TWS API socket)."
        ),
    ],
    port: Annotated[
        int, typer.Option("--port", help="TCP port on 127.0.0.1; 0 picks a free one.")
    ] = 0,
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols",
            help="Comma list (default: all): binance BTCUSDT,ETHUSDT,LTCUSDT; kraken "
            "XXBTZUSD,XETHZUSD,XLTCZUSD; coinbase BTC-USD,ETH-USD,LTC-USD; oanda EUR_USD; "
            "alpaca and ib: the bundled US stocks (AAPL, MSFT, SPY, ...), ib also EUR.USD.",
        ),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", help="Market seconds per wall-clock second.")
    ] = 1.0,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Market start (UTC, ISO); default: the first bar."),
    ] = None,
    faults: Annotated[
        str | None,
        typer.Option(
            "--faults",
            help="Fault spec, e.g. latency=200ms,timeout=0.05,http429=0.02,drop=0.02,"
            "reject=0.05,duplicate_ack=0.05,skew=3000ms.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fault dice.")] = 0,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="JSON file: continue from it, save to it on stop."),
    ] = None,
    balances: Annotated[
        str | None,
        typer.Option(
            "--balances",
            help="Starting balances of each account, ASSET=AMOUNT,... (default: "
            "USDT=1000000 on binance, ZUSD=1000000 on kraken, USD=1000000 on coinbase; "
            "the brokers' in USD, see docs/venues.md).",
        ),
    ] = None,
) -> None:
    """Serve a venue emulator until SIGINT/SIGTERM (credentials: see docs/venues.md)."""
    from tradewind.app.emulator_commands import EmulateOptions, run_emulator

    options = EmulateOptions(
        exchange=exchange,
        port=port,
        symbols=symbols,
        speed=speed,
        start=start,
        faults=faults,
        seed=seed,
        state=state,
        balances=balances,
    )
    raise typer.Exit(run_emulator(options, _echo))


def _echo(line: str) -> None:
    import sys

    typer.echo(line)
    sys.stdout.flush()
