"""A real `tradewind serve` app (uvicorn on 127.0.0.1, a free port, its own thread)
over a seeded journal with two users, for the API and browser tests and the bench."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from tests.monitor_seed import Seed, seed_journal

from tradewind.api.settings import ServeSettings
from tradewind.api.state import open_state
from tradewind.app.journal_access import open_journal
from tradewind.app.users import add_user, issue_token
from tradewind.web.server import create_app

__all__ = ["OPERATOR", "PASSWORDS", "VIEWER", "Served", "serve_seed", "serving"]

OPERATOR = "olivia"
VIEWER = "victor"
PASSWORDS = {OPERATOR: "operator password 1", VIEWER: "viewer password 22"}


@dataclass(frozen=True, slots=True)
class Served:
    """A running server: its base URL, the seed behind it and a bearer token per user."""

    base_url: str
    seed: Seed
    tokens: dict[str, str]
    server: uvicorn.Server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(settings: ServeSettings, *, compute_mmin: bool = False) -> Iterator[uvicorn.Server]:
    """Serve `settings` on its port in a thread until the block ends."""
    state = open_state(settings)
    app = create_app(state, compute_mmin=compute_mmin)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            access_log=False, lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="tradewind-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        state.journal.close()


@contextmanager
def serve_seed(
    folder: Path, *, login_failures_allowed: int = 5, poll_ms: int = 100
) -> Iterator[Served]:
    """Seed a journal in `folder`, add an operator and a viewer, and serve it."""
    seed = seed_journal(folder / "journal.sqlite")
    tokens = {}
    with open_journal(str(seed.journal)) as journal:
        add_user(journal, OPERATOR, "operator", PASSWORDS[OPERATOR])
        add_user(journal, VIEWER, "viewer", PASSWORDS[VIEWER])
        tokens = {name: issue_token(journal, name, "tests") for name in PASSWORDS}
    port = _free_port()
    settings = ServeSettings(journal=str(seed.journal), config_path=seed.config_path, port=port,
                             reports_dir=folder / "reports", poll_ms=poll_ms,
                             login_failures_allowed=login_failures_allowed)  # fmt: skip
    with serving(settings) as server:
        base = f"http://127.0.0.1:{port}"
        httpx.get(base + "/health", timeout=5).raise_for_status()
        yield Served(base, seed, tokens, server)
