"""`tradewind user ...`: the dashboard's and API's users, roles and bearer tokens, kept
in the journal. Passwords are read without echo (or from standard input with
--password-stdin) and never printed."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tradewind.cli.journal_options import ConfigOption, JournalOption
from tradewind.cli.tables import console

if TYPE_CHECKING:
    from rich.table import Table

    from tradewind.app.users import UserSummary

__all__ = [
    "add_command",
    "app",
    "disable_command",
    "enable_command",
    "list_command",
    "passwd_command",
    "remove_command",
    "revoke_command",
    "role_command",
    "token_command",
]

app = typer.Typer(
    help="Dashboard and API users, their roles and bearer tokens (in the journal).",
    no_args_is_help=True,
)

_Name = Annotated[str, typer.Argument(help="User name (letters, digits, _ . @ -).")]
_Role = Annotated[str, typer.Option("--role", help="viewer or operator.", show_default=False)]
_PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from one line of standard input."),
]
_Label = Annotated[str | None, typer.Option("--label", help="Token label.", show_default=False)]


def _say(line: str) -> None:
    console().print(line, markup=False, highlight=False, soft_wrap=True)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _read_password(password_stdin: bool) -> str:
    """The password from one line of standard input, or typed twice at the terminal."""
    from tradewind.app.users import UserError

    if password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not _stdin_is_terminal():
        raise UserError(
            "standard input is not a terminal: pass the password on one line of standard "
            "input with --password-stdin"
        )
    first = getpass.getpass("password: ")
    if getpass.getpass("password (again): ") != first:
        raise UserError("the two passwords differ; nothing was changed")
    return first


@app.command("add")
def add_command(
    name: _Name,
    role: _Role,
    config: ConfigOption = None,
    journal: JournalOption = None,
    password_stdin: _PasswordStdin = False,
) -> None:
    """Add a user; its password is asked twice (or read with --password-stdin)."""
    from tradewind.app.users import (
        UserError,
        UserExistsError,
        add_user,
        check_password,
        parse_role,
        users_journal,
    )

    chosen = parse_role(role, "--role")
    password = _read_password(password_stdin)
    check_password(password, name)
    with users_journal(config, journal, create=True) as opened:
        try:
            add_user(opened, name, chosen, password)
        except UserExistsError as exc:
            raise UserError(
                f"{exc}: change its password with `tradewind user passwd {name}` or its "
                f"role with `tradewind user role {name} --role ROLE`"
            ) from None
        _say(f"added user {name} ({chosen.value}) to {opened.label}")


@app.command("passwd")
def passwd_command(
    name: _Name,
    config: ConfigOption = None,
    journal: JournalOption = None,
    password_stdin: _PasswordStdin = False,
) -> None:
    """Change a user's password."""
    from tradewind.app.users import set_password, users_journal

    with users_journal(config, journal, create=False) as opened:
        if opened.user(name) is None:
            _unknown(name, opened.label)
        set_password(opened, name, _read_password(password_stdin))
        _say(f"changed the password of user {name} in {opened.label}")


@app.command("role")
def role_command(
    name: _Name, role: _Role, config: ConfigOption = None, journal: JournalOption = None
) -> None:
    """Change a user's role."""
    from tradewind.app.users import parse_role, set_role, users_journal

    chosen = parse_role(role, "--role")
    with users_journal(config, journal, create=False) as opened:
        set_role(opened, name, chosen)
        _say(f"user {name} is now {chosen.value} in {opened.label}")


@app.command("disable")
def disable_command(
    name: _Name, config: ConfigOption = None, journal: JournalOption = None
) -> None:
    """Disable a user: no login, and its tokens are refused (until `enable`)."""
    _set_disabled(name, config, journal, disabled=True)


@app.command("enable")
def enable_command(name: _Name, config: ConfigOption = None, journal: JournalOption = None) -> None:
    """Enable a disabled user again."""
    _set_disabled(name, config, journal, disabled=False)


def _set_disabled(name: str, config: Path | None, journal: str | None, *, disabled: bool) -> None:
    from tradewind.app.users import set_disabled, users_journal

    with users_journal(config, journal, create=False) as opened:
        set_disabled(opened, name, disabled)
        _say(f"user {name} {'disabled' if disabled else 'enabled'} in {opened.label}")


@app.command("remove")
def remove_command(name: _Name, config: ConfigOption = None, journal: JournalOption = None) -> None:
    """Remove a user and its tokens."""
    from tradewind.app.users import remove_user, users_journal

    with users_journal(config, journal, create=False) as opened:
        if not remove_user(opened, name):
            _unknown(name, opened.label)
        _say(f"removed user {name} and its tokens from {opened.label}")


@app.command("list")
def list_command(config: ConfigOption = None, journal: JournalOption = None) -> None:
    """The users: name, role, created, disabled and token count (never a hash)."""
    from tradewind.app.users import user_summaries, users_journal
    from tradewind.cli.tables import print_table

    with users_journal(config, journal, create=False) as opened:
        summaries = user_summaries(opened)
        label = opened.label
    if not summaries:
        _say(f"no user in {label}")
        return
    print_table(console(), _table(summaries, label))


def _table(summaries: list[UserSummary], label: str) -> Table:
    from rich.table import Table

    table = Table(title=f"users in {label}", title_justify="left")
    for column in ("name", "role", "created (UTC)", "disabled", "tokens"):
        table.add_column(column, justify="right" if column == "tokens" else "left")
    for user in summaries:
        table.add_row(
            user.name,
            user.role,
            user.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "yes" if user.disabled else "no",
            str(user.token_count),
        )
    return table


@app.command("token")
def token_command(
    name: _Name, label: _Label = None, config: ConfigOption = None, journal: JournalOption = None
) -> None:
    """Issue an API bearer token for a user (printed once; only its digest is kept)."""
    from tradewind.app.users import DEFAULT_TOKEN_LABEL, issue_token, users_journal

    chosen = DEFAULT_TOKEN_LABEL if label is None else label
    with users_journal(config, journal, create=False) as opened:
        token = issue_token(opened, name, chosen)
    _say(f"API token {chosen!r} of user {name} (shown only this once; keep it secret):")
    _say(token)
    _say("send it with each request as the header `Authorization: Bearer <token>`")


@app.command("revoke")
def revoke_command(
    name: _Name, label: _Label = None, config: ConfigOption = None, journal: JournalOption = None
) -> None:
    """Revoke a user's API tokens (all, or those with --label)."""
    from tradewind.app.users import revoke_tokens, users_journal

    with users_journal(config, journal, create=False) as opened:
        count = revoke_tokens(opened, name, label)
    which = "" if label is None else f" labelled {label!r}"
    _say(f"revoked {count} token(s){which} of user {name}")


def _unknown(name: str, label: str) -> NoReturn:
    from tradewind.app.users import UserError

    raise UserError(f"unknown user {name!r} in journal {label}: see `tradewind user list`")
