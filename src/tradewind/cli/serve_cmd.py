"""`tradewind serve`: the dashboard and REST API over a journal."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from tradewind.cli.journal_options import ConfigOption, JournalOption
from tradewind.cli.tables import console
from tradewind.domain.errors import TradewindError

__all__ = ["serve_command"]


def serve_command(
    config: ConfigOption = None,
    journal: JournalOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless you mean it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8080,
    reports: Annotated[
        Path, typer.Option("--reports", help="Folder of HTML reports the runs page links.")
    ] = Path("reports"),
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help="Mark cookies Secure (behind an HTTPS proxy)."),
    ] = False,
) -> None:
    """Serve the dashboard and the REST API over the journal the sessions write.

    Everything but /health needs a user (tradewind user add NAME --role operator); the
    API is under /api/v1, listed at /api/docs. Binds 127.0.0.1 unless --host says
    otherwise (and then warns)."""
    from tradewind.api.settings import ServeSettings, is_loopback
    from tradewind.app.control_commands import control_target

    target = control_target(config, journal)
    settings = ServeSettings(journal=target.journal, config_path=config, host=host, port=port,
                             reports_dir=reports, secure_cookies=secure_cookies)  # fmt: skip
    _check_users(settings.journal)
    _check_port(host, port)
    err = console(stderr=True)
    if not is_loopback(host):
        err.print(
            f"[bold red]WARNING: listening on {host}: the dashboard and API are reachable "
            "from other machines. Anyone who can reach this port can try passwords; put "
            "HTTPS in front of it (and pass --secure-cookies).[/]",
            highlight=False,
        )
    shown = f"[{host}]" if ":" in host else host
    from tradewind.web.server import serve

    def ready() -> None:
        console().print(
            f"Tradewind dashboard on http://{shown}:{port}/ (API: /api/v1, docs: /api/docs), "
            f"journal {target.journal}; Ctrl-C stops it",
            highlight=False,
            soft_wrap=True,
        )

    serve(settings, on_ready=ready)


def _check_users(journal: str) -> None:
    from tradewind.app.journal_access import open_journal
    from tradewind.app.users import list_users

    with open_journal(journal, create=False) as opened:
        if not list_users(opened):
            raise TradewindError(
                f"journal {opened.label} has no users, so nobody could log in: add one with "
                "`tradewind user add NAME --role operator` (same --journal/--config)"
            )


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise TradewindError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port)"
            ) from None
