"""Browser sessions expire when idle and end at logout; failed logins are limited per
key within a window, and a good login clears its keys."""

from __future__ import annotations

from dataclasses import dataclass

from tradewind.api.sessions import LoginLimiter, SessionStore


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_is_found_by_its_id_and_carries_user_role_and_csrf_token():
    store = SessionStore(idle_s=60)
    session = store.create("alice", "operator")
    found = store.get(session.session_id)
    assert found is session
    assert (found.user, found.role) == ("alice", "operator")
    assert len(session.csrf_token) >= 32
    assert session.csrf_token != session.session_id


def test_each_login_gets_a_new_session_id():
    store = SessionStore(idle_s=60)
    ids = {store.create("alice", "viewer").session_id for _ in range(50)}
    assert len(ids) == 50


def test_an_idle_session_expires_and_a_used_one_does_not():
    clock = Clock()
    store = SessionStore(idle_s=60, clock=clock)
    used = store.create("alice", "viewer")
    idle = store.create("bob", "viewer")
    for _ in range(3):
        clock.now += 40
        assert store.get(used.session_id) is used
    assert store.get(idle.session_id) is None


def test_unknown_empty_and_dropped_sessions_are_not_found():
    store = SessionStore(idle_s=60)
    session = store.create("alice", "viewer")
    assert store.get(None) is None
    assert store.get("") is None
    assert store.get("forged") is None
    store.drop(session.session_id)
    assert store.get(session.session_id) is None


def test_dropping_a_user_ends_all_of_its_sessions():
    store = SessionStore(idle_s=60)
    first, second = store.create("alice", "viewer"), store.create("alice", "viewer")
    other = store.create("bob", "viewer")
    store.drop_user("alice")
    assert store.get(first.session_id) is None
    assert store.get(second.session_id) is None
    assert store.get(other.session_id) is other


def test_logins_are_refused_after_the_allowed_failures_until_the_window_passes():
    clock = Clock()
    limiter = LoginLimiter(allowed=3, window_s=300, clock=clock)
    keys = ("ip:10.0.0.1", "user:alice")
    for _ in range(3):
        assert limiter.retry_after_s(keys) is None
        limiter.failed(keys)
    wait = limiter.retry_after_s(keys)
    assert wait is not None
    assert 299 <= wait <= 301
    clock.now += 200
    assert limiter.retry_after_s(keys) is not None
    clock.now += 101
    assert limiter.retry_after_s(keys) is None


def test_a_name_under_attack_is_refused_from_any_address():
    limiter = LoginLimiter(allowed=2, window_s=300, clock=Clock())
    limiter.failed(("ip:1", "user:alice"))
    limiter.failed(("ip:2", "user:alice"))
    assert limiter.retry_after_s(("ip:3", "user:alice")) is not None
    assert limiter.retry_after_s(("ip:3", "user:bob")) is None


def test_a_good_login_clears_its_failures():
    limiter = LoginLimiter(allowed=3, window_s=300, clock=Clock())
    keys = ("ip:1", "user:alice")
    limiter.failed(keys)
    limiter.failed(keys)
    limiter.succeeded(keys)
    limiter.failed(keys)
    limiter.failed(keys)
    assert limiter.retry_after_s(keys) is None
