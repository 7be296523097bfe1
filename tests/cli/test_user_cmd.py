"""`tradewind user ...` against a journal: passwords from stdin or typed twice, never
shown; tokens printed once."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradewind.app.users import authenticate, user_for_token
from tradewind.cli import user_cmd
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal

pytestmark = pytest.mark.usefixtures("clean_environment")

PASSWORD = "correct horse battery"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """`tradewind user ARGS` as the console script runs it: a TradewindError is one line
    and exit 2 (what `cli.main.run` does)."""
    result = CliRunner().invoke(user_cmd.app, list(args), input=stdin)
    if isinstance(result.exception, TradewindError):
        return 2, str(result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


def _add(journal_path: Path, name: str = "alice", role: str = "operator") -> tuple[int, str]:
    args = ("add", name, "--role", role, "--journal", str(journal_path), "--password-stdin")
    return _run(*args, stdin=PASSWORD + "\n")


def _typed(monkeypatch: pytest.MonkeyPatch, *entries: str) -> list[str]:
    """A terminal on which the user types `entries`; returns the prompts shown."""
    prompts: list[str] = []
    answers = iter(entries)

    def typed(prompt: str = "Password: ") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(user_cmd, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(getpass, "getpass", typed)
    return prompts


# -- add ------------------------------------------------------------------------------------


def test_add_with_password_stdin_adds_a_user_that_can_log_in(journal_path: Path) -> None:
    code, out = _add(journal_path)
    assert code == 0, out
    assert out.strip() == f"added user alice (operator) to {journal_path}"
    with Journal.open(journal_path, create=False) as journal:
        user = authenticate(journal, "alice", PASSWORD)
        assert user is not None
        assert user.role == "operator"


def test_add_reads_only_the_first_line_and_strips_its_newline(journal_path: Path) -> None:
    args = ("add", "bob", "--role", "viewer", "--journal", str(journal_path), "--password-stdin")
    assert _run(*args, stdin=PASSWORD + "\r\nsecond line\n")[0] == 0
    with Journal.open(journal_path, create=False) as journal:
        assert authenticate(journal, "bob", PASSWORD) is not None


def test_add_on_a_terminal_asks_twice(journal_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = _typed(monkeypatch, PASSWORD, PASSWORD)
    code, out = _run("add", "alice", "--role", "viewer", "--journal", str(journal_path))
    assert code == 0, out
    assert len(prompts) == 2
    assert PASSWORD not in out
    with Journal.open(journal_path, create=False) as journal:
        assert authenticate(journal, "alice", PASSWORD) is not None


def test_two_different_entries_add_nothing(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _typed(monkeypatch, PASSWORD, PASSWORD + "x")
    code, message = _run("add", "alice", "--role", "viewer", "--journal", str(journal_path))
    assert code == 2
    assert message == "the two passwords differ; nothing was changed"
    assert not journal_path.exists()


def test_add_without_a_terminal_or_password_stdin_says_to_use_the_flag(journal_path: Path) -> None:
    code, message = _run("add", "alice", "--role", "viewer", "--journal", str(journal_path))
    assert code == 2
    assert "--password-stdin" in message
    assert not journal_path.exists()


def test_an_unknown_role_names_the_option_and_the_choices(journal_path: Path) -> None:
    code, message = _add(journal_path, role="admin")
    assert code == 2
    assert message == "invalid --role 'admin': expected one of viewer, operator"
    assert not journal_path.exists()


def test_a_weak_password_is_refused_without_echoing_it(journal_path: Path) -> None:
    args = ("add", "alice", "--role", "viewer", "--journal", str(journal_path), "--password-stdin")
    code, message = _run(*args, stdin="hunter2\n")
    assert code == 2
    assert "too short" in message
    assert "hunter2" not in message
    assert not journal_path.exists()


def test_adding_an_existing_user_suggests_passwd(journal_path: Path) -> None:
    _add(journal_path)
    code, message = _add(journal_path, role="viewer")
    assert code == 2
    assert "user 'alice' already exists" in message
    assert "tradewind user passwd alice" in message


# -- passwd, role, disable, remove ----------------------------------------------------------


def test_passwd_replaces_the_password(journal_path: Path) -> None:
    _add(journal_path)
    args = ("passwd", "alice", "--journal", str(journal_path), "--password-stdin")
    code, out = _run(*args, stdin="a brand new passphrase\n")
    assert code == 0, out
    assert "a brand new passphrase" not in out
    with Journal.open(journal_path, create=False) as journal:
        assert authenticate(journal, "alice", PASSWORD) is None
        assert authenticate(journal, "alice", "a brand new passphrase") is not None


def test_passwd_of_an_unknown_user_is_refused_before_asking(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(journal_path)
    prompts = _typed(monkeypatch, PASSWORD, PASSWORD)
    code, message = _run("passwd", "ghost", "--journal", str(journal_path))
    assert code == 2
    assert "unknown user 'ghost'" in message
    assert prompts == []


def test_a_missing_journal_is_not_created_by_passwd(journal_path: Path) -> None:
    code, message = _run("passwd", "alice", "--journal", str(journal_path), "--password-stdin")
    assert code == 2
    assert "does not exist" in message
    assert not journal_path.exists()


def test_role_changes_the_role(journal_path: Path) -> None:
    _add(journal_path)
    code, out = _run("role", "alice", "--role", "viewer", "--journal", str(journal_path))
    assert code == 0, out
    assert f"user alice is now viewer in {journal_path}" in out
    with Journal.open(journal_path, create=False) as journal:
        assert journal.user("alice").role == "viewer"  # type: ignore[union-attr]


def test_a_disabled_user_cannot_log_in_until_enabled(journal_path: Path) -> None:
    _add(journal_path)
    assert _run("disable", "alice", "--journal", str(journal_path))[0] == 0
    with Journal.open(journal_path, create=False) as journal:
        assert authenticate(journal, "alice", PASSWORD) is None
    assert _run("enable", "alice", "--journal", str(journal_path))[0] == 0
    with Journal.open(journal_path, create=False) as journal:
        assert authenticate(journal, "alice", PASSWORD) is not None


def test_remove_removes_the_user_and_refuses_an_unknown_one(journal_path: Path) -> None:
    _add(journal_path)
    code, out = _run("remove", "alice", "--journal", str(journal_path))
    assert code == 0, out
    code, message = _run("remove", "alice", "--journal", str(journal_path))
    assert code == 2
    assert "unknown user 'alice'" in message


# -- list -----------------------------------------------------------------------------------


def test_list_shows_users_roles_and_token_counts_but_no_hash(journal_path: Path) -> None:
    _add(journal_path)
    _add(journal_path, "bob", "viewer")
    _run("token", "alice", "--journal", str(journal_path))
    code, out = _run("list", "--journal", str(journal_path))
    assert code == 0, out
    assert re.search(r"alice\s+│\s+operator\s+│.*│\s+no\s+│\s+1\s+│", out), out
    assert re.search(r"bob\s+│\s+viewer\s+│.*│\s+no\s+│\s+0\s+│", out), out
    assert "argon2" not in out
    assert PASSWORD not in out


def test_list_of_a_journal_without_users_says_so(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    code, out = _run("list", "--journal", str(journal_path))
    assert code == 0
    assert out.strip() == f"no user in {journal_path}"


def test_the_journal_comes_from_the_environment_without_options(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_JOURNAL", str(journal_path))
    assert _run("add", "alice", "--role", "viewer", "--password-stdin", stdin=PASSWORD)[0] == 0
    assert "alice" in _run("list")[1]


# -- tokens ---------------------------------------------------------------------------------


def test_a_token_is_printed_once_and_works(journal_path: Path) -> None:
    _add(journal_path)
    code, out = _run("token", "alice", "--label", "ci", "--journal", str(journal_path))
    assert code == 0, out
    (token,) = re.findall(r"twk_[A-Za-z0-9_-]{43}", out)
    assert out.count(token) == 1
    assert "shown only this once" in out
    assert "Authorization: Bearer <token>" in out
    with Journal.open(journal_path, create=False) as journal:
        user = user_for_token(journal, token)
        assert user is not None
        assert user.name == "alice"
        assert [t.label for t in journal.tokens("alice")] == ["ci"]


def test_revoke_by_label_stops_only_that_token(journal_path: Path) -> None:
    _add(journal_path)
    found = [
        re.findall(
            r"twk_\S+", _run("token", "alice", "--label", label, "--journal", str(journal_path))[1]
        )[0]
        for label in ("ci", "laptop")
    ]
    code, out = _run("revoke", "alice", "--label", "ci", "--journal", str(journal_path))
    assert code == 0, out
    assert "revoked 1 token(s) labelled 'ci' of user alice" in out
    with Journal.open(journal_path, create=False) as journal:
        assert user_for_token(journal, found[0]) is None
        assert user_for_token(journal, found[1]) is not None


def test_a_token_for_an_unknown_user_is_refused(journal_path: Path) -> None:
    _add(journal_path)
    code, message = _run("token", "ghost", "--journal", str(journal_path))
    assert code == 2
    assert "unknown user 'ghost'" in message
