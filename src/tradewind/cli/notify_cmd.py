"""`tradewind notify test`: check that the notification URLs receive Tradewind's notices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradewind.cli.tables import console

__all__ = ["app", "notify_test_command"]

app = typer.Typer(help="Operator notifications (apprise URLs).", no_args_is_help=True)


@app.command("test")
def notify_test_command(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Tradewind YAML config (reports if it disables notices)."
        ),
    ] = None,
) -> None:
    """Send one test notice to every URL of TRADEWIND_NOTIFY_URLS and wait for it.

    Exit 0 when every URL accepted it, 1 when one did not, 2 when the variable is unset
    or a URL is not one apprise accepts. URLs are named by position and scheme only.
    """
    from tradewind.app.notifications import NOTIFY_URLS_VAR, send_test_notice

    _out = console()
    _err = console(stderr=True)
    check = send_test_notice(config)
    if check is None:
        _err.print(
            f"[bold red]error:[/] {NOTIFY_URLS_VAR} is not set: give it one or more apprise "
            "URLs separated by spaces or commas (e.g. json://host/path)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if check.disabled_by_config:
        _out.print(
            f"note: {config} sets operator.notifications.enabled: false, so sessions send "
            "no notices",
            highlight=False,
            soft_wrap=True,
        )
    if check.failed:
        for label in check.failed:
            _err.print(f"[bold red]failed:[/] {label} did not accept the notice", highlight=False)
        sent = check.url_count - len(check.failed)
        _err.print(f"sent to {sent} of {check.url_count} URL(s)", highlight=False)
        raise typer.Exit(1)
    _out.print(f"sent to {check.url_count} URL(s)", highlight=False)
