"""Dashboard users and API tokens in the journal (0006)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, update

from tradewind.store import Journal, JournalError
from tradewind.store.schema import create_journal_engine
from tradewind.store.user_records import (
    ApiTokenRow,
    UnknownUserError,
    UserExistsError,
    UserRecord,
)

from ._helpers import CONFIG, migration_config, populate

USER_TABLES = {"users", "api_tokens"}
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- users ----------------------------------------------------------------------------------


def test_an_added_user_reads_back_enabled_with_utc_times(journal: Journal) -> None:
    before = datetime.now(UTC)
    added = journal.add_user("alice", "operator", HASH)
    assert journal.user("alice") == added
    assert (added.name, added.role, added.password_hash, added.disabled) == (
        "alice",
        "operator",
        HASH,
        False,
    )
    assert before <= added.created_at == added.updated_at <= datetime.now(UTC)
    assert added.created_at.utcoffset() == timedelta(0)


def test_users_are_listed_by_name(journal: Journal) -> None:
    for name in ("carol", "alice", "bob.smith@example.com"):
        journal.add_user(name, "viewer", HASH)
    assert [u.name for u in journal.users()] == ["alice", "bob.smith@example.com", "carol"]


def test_an_unknown_user_is_none(journal: Journal) -> None:
    assert journal.user("nobody") is None
    assert journal.user("x" * 500) is None


def test_a_second_user_of_the_same_name_is_refused_naming_it(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    with pytest.raises(UserExistsError, match="user 'alice' already exists in journal"):
        journal.add_user("alice", "operator", HASH)
    assert journal.user("alice").role == "viewer"  # type: ignore[union-attr]


def test_update_changes_only_what_is_given_and_the_update_time(journal: Journal) -> None:
    added = journal.add_user("alice", "viewer", HASH)
    promoted = journal.update_user("alice", role="operator")
    assert (promoted.role, promoted.password_hash, promoted.disabled) == ("operator", HASH, False)
    assert promoted.created_at == added.created_at
    assert promoted.updated_at >= added.updated_at
    disabled = journal.update_user("alice", disabled=True, password_hash="other-hash")
    assert journal.user("alice") == disabled
    assert (disabled.role, disabled.password_hash, disabled.disabled) == (
        "operator",
        "other-hash",
        True,
    )


def test_updating_an_unknown_user_is_refused_naming_it(journal: Journal) -> None:
    with pytest.raises(UnknownUserError, match="unknown user 'ghost'"):
        journal.update_user("ghost", role="viewer")


def test_removing_a_user_removes_its_tokens(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_user("bob", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("a"))
    journal.add_token("bob", "laptop", _digest("b"))
    assert journal.remove_user("alice") is True
    assert journal.remove_user("alice") is False
    assert [u.name for u in journal.users()] == ["bob"]
    assert [t.user_name for t in journal.tokens()] == ["bob"]
    assert journal.user_for_token_hash(_digest("a")) is None


@pytest.mark.parametrize("name", ["", "has space", "semi;colon", "x" * 65, "ümlaut"])
def test_a_user_name_outside_the_allowed_characters_is_refused(journal: Journal, name: str) -> None:
    with pytest.raises(JournalError, match=r"invalid user name .*expected 1 to 64 characters"):
        journal.add_user(name, "viewer", HASH)
    assert journal.users() == []


def test_an_unknown_role_is_refused_naming_the_roles(journal: Journal) -> None:
    with pytest.raises(JournalError, match="invalid user role 'admin': expected one of viewer, "):
        journal.add_user("alice", "admin", HASH)
    journal.add_user("alice", "viewer", HASH)
    with pytest.raises(JournalError, match="invalid user role 'root'"):
        journal.update_user("alice", role="root")


def test_a_role_in_any_case_is_stored_in_lower_case(journal: Journal) -> None:
    assert journal.add_user("alice", "Operator", HASH).role == "operator"


def test_an_empty_password_hash_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="invalid password_hash of user 'alice'"):
        journal.add_user("alice", "viewer", "")


def test_the_repr_of_a_user_never_shows_its_hash() -> None:
    now = datetime.now(UTC)
    record = UserRecord("alice", "viewer", HASH, created_at=now, updated_at=now)
    assert "argon2" not in repr(record)
    assert "password_hash" not in repr(record)


# -- tokens ---------------------------------------------------------------------------------


def test_a_token_hash_finds_its_user_and_records_the_use(journal: Journal) -> None:
    alice = journal.add_user("alice", "operator", HASH)
    issued = journal.add_token("alice", "laptop", _digest("secret"))
    assert (issued.user_name, issued.label, issued.last_used_at) == ("alice", "laptop", None)
    assert journal.user_for_token_hash(_digest("secret")) == alice
    (token,) = journal.tokens("alice")
    assert token.last_used_at is not None
    assert token.last_used_at >= token.created_at


def test_the_last_use_is_written_at_most_once_a_minute(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("secret"))
    journal.user_for_token_hash(_digest("secret"))
    (first,) = journal.tokens()
    journal.user_for_token_hash(_digest("secret"))
    assert journal.tokens() == [first]
    assert first.last_used_at is not None
    stale = first.last_used_at - timedelta(seconds=61)
    with journal.engine.begin() as connection:
        connection.execute(update(ApiTokenRow).values(last_used_at=stale))
    journal.user_for_token_hash(_digest("secret"))
    (touched,) = journal.tokens()
    assert touched.last_used_at is not None
    assert touched.last_used_at > first.last_used_at


def test_an_unknown_or_malformed_token_hash_finds_no_user(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("secret"))
    assert journal.user_for_token_hash(_digest("other")) is None
    assert journal.user_for_token_hash("not-a-digest") is None
    assert journal.user_for_token_hash(_digest("secret").upper()) is None


def test_a_disabled_users_token_finds_no_user(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("secret"))
    journal.update_user("alice", disabled=True)
    assert journal.user_for_token_hash(_digest("secret")) is None
    journal.update_user("alice", disabled=False)
    assert journal.user_for_token_hash(_digest("secret")) is not None


def test_a_token_of_an_unknown_user_is_refused(journal: Journal) -> None:
    with pytest.raises(UnknownUserError, match="unknown user 'ghost'"):
        journal.add_token("ghost", "laptop", _digest("secret"))
    assert journal.tokens() == []


def test_a_token_hash_that_is_not_sha256_hex_is_refused(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    with pytest.raises(JournalError, match="invalid token_hash: expected 64 lower-case hex"):
        journal.add_token("alice", "laptop", "twk_plaintext")


def test_a_token_hash_stored_twice_is_refused(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("secret"))
    with pytest.raises(JournalError, match="its hash is already stored"):
        journal.add_token("alice", "phone", _digest("secret"))


@pytest.mark.parametrize("label", ["", "   ", "x" * 65])
def test_a_blank_or_long_token_label_is_refused(journal: Journal, label: str) -> None:
    journal.add_user("alice", "viewer", HASH)
    with pytest.raises(JournalError, match="invalid token label"):
        journal.add_token("alice", label, _digest("secret"))


def test_tokens_are_listed_oldest_first_and_by_user(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_user("bob", "viewer", HASH)
    journal.add_token("bob", "ci", _digest("1"))
    journal.add_token("alice", "laptop", _digest("2"))
    journal.add_token("alice", "phone", _digest("3"))
    assert [(t.user_name, t.label) for t in journal.tokens()] == [
        ("bob", "ci"),
        ("alice", "laptop"),
        ("alice", "phone"),
    ]
    assert [t.label for t in journal.tokens("alice")] == ["laptop", "phone"]


def test_revoking_by_label_keeps_the_other_tokens(journal: Journal) -> None:
    journal.add_user("alice", "viewer", HASH)
    journal.add_user("bob", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("1"))
    journal.add_token("alice", "phone", _digest("2"))
    journal.add_token("bob", "laptop", _digest("3"))
    assert journal.revoke_tokens("alice", "laptop") == 1
    assert journal.user_for_token_hash(_digest("1")) is None
    assert journal.user_for_token_hash(_digest("2")) is not None
    assert journal.revoke_tokens("alice") == 1
    assert journal.revoke_tokens("alice") == 0
    assert [t.user_name for t in journal.tokens()] == ["bob"]


def test_users_and_tokens_leave_the_run_digest_unchanged(journal: Journal) -> None:
    run_id = journal.start_run("paper", CONFIG)
    populate(journal, run_id)
    before = journal.digest(run_id)
    journal.add_user("alice", "viewer", HASH)
    journal.add_token("alice", "laptop", _digest("secret"))
    journal.user_for_token_hash(_digest("secret"))
    assert journal.digest(run_id) == before


# -- upgrade ------------------------------------------------------------------------------


def test_a_0005_journal_gets_the_user_tables_and_keeps_its_runs(journal_target: str) -> None:
    with Journal.open(journal_target) as journal:
        run_id = journal.start_run("paper", CONFIG)
        populate(journal, run_id)
        journal.finish_run(run_id)
        digest = journal.digest(run_id)
    engine = create_journal_engine(journal_target)
    try:
        with engine.begin() as connection:
            command.downgrade(migration_config(connection), "0005")
        assert not USER_TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    with Journal.open(journal_target) as upgraded:
        assert set(inspect(upgraded.engine).get_table_names()) >= USER_TABLES
        assert [run.run_id for run in upgraded.runs()] == [run_id]
        assert upgraded.digest(run_id) == digest
        upgraded.add_user("alice", "viewer", HASH)
        assert [u.name for u in upgraded.users()] == ["alice"]
