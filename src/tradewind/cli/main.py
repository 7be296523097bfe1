"""The `tradewind` command line: one Typer app, one module per command group."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from tradewind.cli import (
    analyze_cmd,
    backtest_cmd,
    capital_cmd,
    config_cmd,
    control_cmd,
    data_cmd,
    emulate_cmd,
    evaluate_cmd,
    live_cmd,
    montecarlo_cmd,
    notify_cmd,
    optimize_cmd,
    precompile_cmd,
    prepare_cmd,
    promote_cmd,
    serve_cmd,
    session_cmd,
    signals_cmd,
    strategy_cmd,
    synth_cmd,
    user_cmd,
)
from tradewind.domain.errors import TradewindError

app = typer.Typer(
    name="tradewind",
    help="Tradewind: multi-market research, paper and live trading.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_cmd.app.command("prepare")(prepare_cmd.prepare_command)
data_cmd.app.command("synth")(synth_cmd.synth_command)
app.add_typer(data_cmd.app, name="data")
app.add_typer(config_cmd.app, name="config")
app.add_typer(strategy_cmd.app, name="strategy")
app.add_typer(signals_cmd.app, name="signals")
app.add_typer(evaluate_cmd.app, name="evaluate")
app.add_typer(capital_cmd.app, name="capital")
app.add_typer(notify_cmd.app, name="notify")
app.add_typer(user_cmd.app, name="user")
app.command("init")(config_cmd.init_command)
app.command("backtest")(backtest_cmd.backtest_command)
app.command("paper")(session_cmd.paper_command)
app.command("advisory")(session_cmd.advisory_command)
app.command("live")(live_cmd.live_command)
app.command("promote")(promote_cmd.promote_command)
app.command("stop")(control_cmd.stop_command)
app.command("resume")(control_cmd.resume_command)
app.command("controls")(control_cmd.controls_command)
app.command("analyze")(analyze_cmd.analyze_command)
app.command("montecarlo")(montecarlo_cmd.montecarlo_command)
app.command("optimize")(optimize_cmd.optimize_command)
app.command("precompile")(precompile_cmd.precompile_command)
app.command("emulate")(emulate_cmd.emulate_command)
app.command("serve")(serve_cmd.serve_command)


def _version_callback(value: bool) -> None:
    if value:
        from tradewind.app.build_info import version_string

        typer.echo(version_string())
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print version, git branch, commit and build time, then exit.",
        ),
    ] = False,
) -> None:
    """Tradewind: multi-market research, paper and live trading."""


def run() -> None:
    """Console-script entry point: user errors become one clean message and exit code 2.

    Usage errors, --help and explicit exit codes are handled by click (standalone mode)
    and leave through SystemExit; anything else escaping a command is a bug.
    """
    from tradewind.cli.tables import console

    try:
        app()
    except TradewindError as exc:
        _err = console(stderr=True)
        _err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("TRADEWIND_DEBUG"):
            raise
        _err = console(stderr=True)
        _err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in Tradewind; rerun with TRADEWIND_DEBUG=1 for the traceback.",
            highlight=False,
        )
        sys.exit(70)


if __name__ == "__main__":
    run()
