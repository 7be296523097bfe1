"""`tradewind notify test` sends one notice to each URL of TRADEWIND_NOTIFY_URLS and
says how it went: exit 0 sent, 1 a URL did not accept it, 2 no URLs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import typer
from tests.app.webhook_receiver import WebhookReceiver
from typer.testing import CliRunner

from tradewind.app.config_commands import write_default_config
from tradewind.cli import notify_cmd
from tradewind.domain.errors import TradewindError

SECRET = "s3cr3t-token-4711"


def _invoke(args: list[str], urls: str | None) -> typer.testing.Result:
    app = typer.Typer()
    app.add_typer(notify_cmd.app, name="notify")
    return CliRunner().invoke(app, ["notify", "test", *args], env={"TRADEWIND_NOTIFY_URLS": urls})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_test_notice_reaches_every_url_and_says_how_many() -> None:
    with WebhookReceiver() as receiver:
        result = _invoke([], f"{receiver.url('json')} {receiver.url('form', '/f')}")
        posts = receiver.posts
    assert result.exit_code == 0, result.output
    assert "sent to 2 URL(s)" in result.output
    assert {post.title for post in posts} == {"Tradewind test notice"}
    assert sorted(post.path for post in posts) == ["/f", "/hook"]


@pytest.mark.parametrize("urls", [None, " , "], ids=["unset", "empty"])
def test_without_urls_it_exits_2_naming_the_variable(urls: str | None) -> None:
    result = _invoke([], urls)
    assert result.exit_code == 2
    assert "TRADEWIND_NOTIFY_URLS is not set" in result.output


def test_a_url_that_does_not_accept_the_notice_exits_1_named_by_position_and_scheme() -> None:
    with WebhookReceiver() as receiver:
        dead = f"json://127.0.0.1:{_closed_port()}/{SECRET}"
        result = _invoke([], f"{receiver.url()},{dead}")
    assert result.exit_code == 1
    assert "URL #2 (json://) did not accept the notice" in result.output
    assert "sent to 1 of 2 URL(s)" in result.output
    assert SECRET not in result.output


def test_an_invalid_url_is_a_user_error_that_hides_the_url() -> None:
    result = _invoke([], f"nosuchscheme://{SECRET}@host")
    assert isinstance(result.exception, TradewindError)  # the CLI's run() exits 2 on it
    assert "URL #1 of 1" in str(result.exception)
    assert SECRET not in str(result.exception) + result.output


def test_a_config_that_disables_notices_is_reported_and_the_notice_still_sent(
    tmp_path: Path,
) -> None:
    config = write_default_config(tmp_path / "tradewind.yaml")
    text = config.read_text()
    enabled = "  notifications:\n    enabled: true"
    assert enabled in text
    config.write_text(text.replace(enabled, "  notifications:\n    enabled: false"))
    with WebhookReceiver() as receiver:
        result = _invoke(["--config", str(config)], receiver.url())
        posts = receiver.posts
    assert result.exit_code == 0, result.output
    assert "operator.notifications.enabled: false" in result.output
    assert "sent to 1 URL(s)" in result.output
    assert len(posts) == 1
