"""`tradewind serve` refuses what cannot work with one line and exit 2, and serves what
can: loopback by default, a loud warning when bound elsewhere."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.cli import run_cli

from tradewind.api.settings import is_loopback
from tradewind.app.journal_access import open_journal
from tradewind.app.users import add_user

pytestmark = pytest.mark.usefixtures("clean_environment")


def _journal(tmp_path: Path, *, with_user: bool) -> Path:
    path = tmp_path / "journal.sqlite"
    with open_journal(str(path)) as journal:
        if with_user:
            add_user(journal, "alice", "operator", "operator password 1")
    return path


def test_serve_on_a_missing_journal_exits_2(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nope.sqlite"
    code, _, err = run_cli(["serve", "--journal", str(missing)], monkeypatch, capsys)
    assert code == 2
    assert "nope.sqlite" in err
    assert not missing.exists()


def test_serve_without_users_exits_2_saying_how_to_add_one(tmp_path, monkeypatch, capsys):
    path = _journal(tmp_path, with_user=False)
    code, _, err = run_cli(["serve", "--journal", str(path)], monkeypatch, capsys)
    assert code == 2
    assert "has no users" in err
    assert "tradewind user add" in err


def test_serve_on_a_port_in_use_exits_2(tmp_path, monkeypatch, capsys):
    path = _journal(tmp_path, with_user=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli(
            ["serve", "--journal", str(path), "--port", str(port)], monkeypatch, capsys
        )
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_serve_with_an_invalid_config_exits_2_naming_the_file(tmp_path, monkeypatch, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("markets: [1, 2]\n")
    code, _, err = run_cli(["serve", "--config", str(config)], monkeypatch, capsys)
    assert code == 2
    assert "bad.yaml" in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.5", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_only_loopback_addresses_count_as_local(host, loopback):
    assert is_loopback(host) is loopback


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEWIND_")}
    command = [sys.executable, "-c", "from tradewind.cli.main import run; run()", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)  # fmt: skip


def _wait_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.communicate()}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("serve did not answer /health within 30 s")


def test_serve_listens_on_loopback_and_answers_only_health_anonymously(tmp_path):
    path = _journal(tmp_path, with_user=True)
    port = _free_port()
    process = _start(["serve", "--journal", str(path), "--port", str(port)])
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process)
        assert httpx.get(url + "/api/v1/overview").status_code == 401
        assert httpx.get(url + "/markets/all").status_code == 303
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "WARNING" not in err


def test_serve_bound_beyond_loopback_warns_loudly(tmp_path):
    path = _journal(tmp_path, with_user=True)
    port = _free_port()
    process = _start(["serve", "--journal", str(path), "--host", "0.0.0.0", "--port", str(port)])
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        page = httpx.get(f"http://127.0.0.1:{port}/login")
        assert "reachable from other machines" in page.text
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "WARNING: listening on 0.0.0.0" in err
