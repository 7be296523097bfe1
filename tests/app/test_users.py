"""Users, passwords and tokens of the dashboard and API (`app.users`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tradewind.app import users
from tradewind.app.users import (
    MIN_PASSWORD_CHARS,
    TOKEN_PREFIX,
    Role,
    UnknownUserError,
    UserError,
    UserExistsError,
    add_user,
    authenticate,
    check_password,
    hash_password,
    issue_token,
    list_users,
    parse_role,
    remove_user,
    revoke_tokens,
    set_disabled,
    set_password,
    set_role,
    token_hash,
    user_for_token,
    user_summaries,
    users_journal,
    verify_password,
)
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal

PASSWORD = "correct horse battery"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.sqlite") as opened:
        yield opened


# -- passwords ------------------------------------------------------------------------------


def test_a_password_hash_is_argon2id_and_verifies_only_its_password() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_verifying_against_an_invalid_hash_is_false_not_an_error() -> None:
    assert verify_password("not a hash", PASSWORD) is False
    assert verify_password("", PASSWORD) is False


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short-pw1", f"too short: 9 characters, expected at least {MIN_PASSWORD_CHARS}"),
        ("x" * 1025, "too long: 1025 characters, expected at most 1024"),
        ("alice.smith@ex", "refused: it is the user name"),
        ("ALICE.SMITH@EX", "refused: it is the user name"),
        ("zzzzzzzzzzzzzzzz", "refused: it is one character repeated"),
    ],
)
def test_a_weak_password_is_refused_without_showing_it(password: str, expected: str) -> None:
    with pytest.raises(UserError) as raised:
        check_password(password, "alice.smith@ex")
    message = str(raised.value)
    assert expected in message
    assert "user 'alice.smith@ex'" in message
    if password.casefold() != "alice.smith@ex":
        assert password not in message


def test_a_good_password_passes() -> None:
    check_password(PASSWORD, "alice")


def test_a_user_error_is_a_tradewind_error() -> None:
    assert issubclass(UserError, TradewindError)


# -- roles ----------------------------------------------------------------------------------


def test_roles_are_read_in_any_case() -> None:
    assert parse_role(" Operator ") is Role.OPERATOR
    assert parse_role("viewer") is Role.VIEWER


def test_an_unknown_role_names_the_option_and_the_choices() -> None:
    with pytest.raises(
        UserError, match=r"invalid --role 'admin': expected one of viewer, operator"
    ):
        parse_role("admin", "--role")


# -- users ----------------------------------------------------------------------------------


def test_an_added_user_authenticates_with_its_password(journal: Journal) -> None:
    added = add_user(journal, "alice", "operator", PASSWORD)
    assert added.role == Role.OPERATOR
    assert authenticate(journal, "alice", PASSWORD) == added


def test_a_wrong_password_does_not_authenticate(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    assert authenticate(journal, "alice", PASSWORD.upper()) is None
    assert authenticate(journal, "alice", "") is None


def test_a_disabled_user_does_not_authenticate(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    set_disabled(journal, "alice", True)
    assert authenticate(journal, "alice", PASSWORD) is None
    set_disabled(journal, "alice", False)
    assert authenticate(journal, "alice", PASSWORD) is not None


def test_an_unknown_user_costs_one_verification_like_a_known_one(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    calls: list[str] = []
    real = users.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(users, "verify_password", counting)
    assert authenticate(journal, "nobody", PASSWORD) is None
    assert authenticate(journal, "x y z", PASSWORD) is None  # not even a valid name
    assert authenticate(journal, "alice", "wrong password!") is None
    assert len(calls) == 3
    assert calls[0] == calls[1]  # the one dummy hash, computed once
    assert calls[0].startswith("$argon2id$")


def test_an_outdated_hash_is_replaced_at_login(journal: Journal) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    journal.add_user("alice", "viewer", weak)
    assert authenticate(journal, "alice", PASSWORD) is not None
    stored = journal.user("alice")
    assert stored is not None
    assert stored.password_hash != weak
    assert verify_password(stored.password_hash, PASSWORD)


def test_adding_a_user_twice_is_refused(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    with pytest.raises(UserExistsError, match="user 'alice' already exists"):
        add_user(journal, "alice", "viewer", PASSWORD)


def test_a_weak_password_adds_no_user(journal: Journal) -> None:
    with pytest.raises(UserError, match="too short"):
        add_user(journal, "alice", "viewer", "short")
    assert list_users(journal) == []


def test_a_new_password_replaces_the_old_one(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    set_password(journal, "alice", "another good passphrase")
    assert authenticate(journal, "alice", PASSWORD) is None
    assert authenticate(journal, "alice", "another good passphrase") is not None


def test_password_and_role_of_an_unknown_user_are_refused(journal: Journal) -> None:
    with pytest.raises(UnknownUserError, match="unknown user 'ghost'"):
        set_password(journal, "ghost", PASSWORD)
    with pytest.raises(UnknownUserError, match="unknown user 'ghost'"):
        set_role(journal, "ghost", "viewer")


def test_a_role_change_is_stored(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    assert set_role(journal, "alice", "OPERATOR").role == "operator"
    assert [u.role for u in list_users(journal)] == ["operator"]


def test_removing_a_user_reports_whether_there_was_one(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    assert remove_user(journal, "alice") is True
    assert remove_user(journal, "alice") is False


# -- tokens ---------------------------------------------------------------------------------


def test_an_issued_token_finds_its_user_and_only_its_digest_is_stored(journal: Journal) -> None:
    alice = add_user(journal, "alice", "operator", PASSWORD)
    token = issue_token(journal, "alice", "laptop")
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) == len(TOKEN_PREFIX) + 43
    assert user_for_token(journal, token) == alice
    with journal.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar_one()
    assert stored == token_hash(token)
    assert token not in stored


def test_every_token_is_new(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    assert issue_token(journal, "alice") != issue_token(journal, "alice")
    assert [t.label for t in journal.tokens()] == ["default", "default"]


def test_a_wrong_or_foreign_token_finds_no_user(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    token = issue_token(journal, "alice")
    assert user_for_token(journal, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert user_for_token(journal, token.removeprefix(TOKEN_PREFIX)) is None
    assert user_for_token(journal, "") is None


def test_a_revoked_token_finds_no_user(journal: Journal) -> None:
    add_user(journal, "alice", "viewer", PASSWORD)
    laptop = issue_token(journal, "alice", "laptop")
    phone = issue_token(journal, "alice", "phone")
    assert revoke_tokens(journal, "alice", "laptop") == 1
    assert user_for_token(journal, laptop) is None
    assert user_for_token(journal, phone) is not None


def test_a_token_for_an_unknown_or_disabled_user_is_refused(journal: Journal) -> None:
    with pytest.raises(UnknownUserError, match="unknown user 'ghost'"):
        issue_token(journal, "ghost")
    add_user(journal, "alice", "viewer", PASSWORD)
    set_disabled(journal, "alice", True)
    with pytest.raises(UserError, match="user 'alice' is disabled"):
        issue_token(journal, "alice")
    assert journal.tokens() == []


def test_summaries_count_tokens_and_carry_no_hash(journal: Journal) -> None:
    add_user(journal, "bob", "viewer", PASSWORD)
    add_user(journal, "alice", "operator", PASSWORD)
    issue_token(journal, "alice")
    issue_token(journal, "alice")
    summaries = user_summaries(journal)
    assert [(s.name, s.role, s.disabled, s.token_count) for s in summaries] == [
        ("alice", "operator", False, 2),
        ("bob", "viewer", False, 0),
    ]
    assert "argon2" not in repr(summaries)


# -- journal ------------------------------------------------------------------------------


def test_the_users_journal_is_the_one_given(tmp_path: Path) -> None:
    target = tmp_path / "users.sqlite"
    with users_journal(None, str(target), create=True) as opened:
        add_user(opened, "alice", "viewer", PASSWORD)
    with users_journal(None, str(target), create=False) as reopened:
        assert [u.name for u in list_users(reopened)] == ["alice"]


def test_a_memory_journal_is_refused_for_users() -> None:
    with pytest.raises(TradewindError, match="journal ':memory:' keeps nothing"):
        users_journal(None, ":memory:", create=True)
