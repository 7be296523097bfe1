"""Passwords in URLs are masked wherever the configuration is shown or stored, refused in
YAML, accepted from the environment, and the journal password is a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import run_cli

from tradewind.config import ConfigError, load_config, load_secrets
from tradewind.config.redact import (
    has_url_password,
    redact_data,
    redact_url,
)
from tradewind.store import Journal

from ._helpers import VALID, write

SECRET = "s3cr3t-PW"


def _run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    return tuple(run_cli(args, monkeypatch, capsys))  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"postgresql://trader:{SECRET}@db.example/tw", "postgresql://trader:***@db.example/tw"),
        (
            f"postgresql+psycopg://trader:{SECRET}@db.example:5432/tw?sslmode=require",
            "postgresql+psycopg://trader:***@db.example:5432/tw?sslmode=require",
        ),
        (f"postgresql://trader:a@{SECRET}@db/tw", "postgresql://trader:***@db/tw"),
        (f"postgresql://trader:a/{SECRET}@db/tw", "postgresql://trader:***@db/tw"),
        (f"postgresql://:{SECRET}@db/tw", "postgresql://:***@db/tw"),
        (
            f"postgresql://trader@db/tw?sslmode=require&password={SECRET}&x=1",
            "postgresql://trader@db/tw?sslmode=require&password=***&x=1",
        ),
        (
            f"journal: run bt-1 in postgresql://trader:{SECRET}@127.0.0.1:1/x (digest 12ab)",
            "journal: run bt-1 in postgresql://trader:***@127.0.0.1:1/x (digest 12ab)",
        ),
    ],
)
def test_a_password_in_a_url_is_masked_and_the_rest_kept(text: str, masked: str) -> None:
    assert redact_url(text) == masked
    assert has_url_password(text)
    assert not has_url_password(masked)


@pytest.mark.parametrize(
    "text",
    [
        "tradewind-data/journal.sqlite",
        "sqlite:////var/lib/tradewind/journal.sqlite",
        "postgresql://trader@db.example/tw",
        "postgresql://trader:***@db.example/tw",
        "https://example.com:8443/path",
        "trader@example.com",
        ":memory:",
    ],
)
def test_text_without_a_password_is_left_as_it_is(text: str) -> None:
    assert redact_url(text) == text
    assert not has_url_password(text)


def test_redact_data_masks_every_string_and_keeps_the_shape() -> None:
    data = {
        "backtest": {"journal": f"postgresql://u:{SECRET}@h/db", "initial_cash": 1000},
        "notes": [f"http://a:{SECRET}@b/c", None, True],
    }
    redacted = redact_data(data)
    assert redacted == {
        "backtest": {"journal": "postgresql://u:***@h/db", "initial_cash": 1000},
        "notes": ["http://a:***@b/c", None, True],
    }
    assert SECRET in data["backtest"]["journal"]  # the input is not changed


def test_the_journaled_configuration_of_an_environment_url_has_no_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_BACKTEST__JOURNAL", f"postgresql://trader:{SECRET}@db/tw")
    config = load_config(write(tmp_path, VALID))
    assert config.backtest.journal.endswith(f"{SECRET}@db/tw")  # used to connect
    with Journal.open(":memory:") as journal:
        for source in (config.model_dump_json(), config.model_dump(mode="json")):
            stored = journal.run(journal.start_run("backtest", source)).config_json
            assert SECRET not in stored
            assert json.loads(stored)["backtest"]["journal"] == "postgresql://trader:***@db/tw"


def test_config_show_masks_a_journal_password_set_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADEWIND_BACKTEST__JOURNAL", f"postgresql://trader:{SECRET}@db/tw")
    code, out, err = _run(["config", "show", str(write(tmp_path, VALID))], monkeypatch, capsys)
    assert code == 0, err
    assert SECRET not in out + err
    assert "journal: postgresql://trader:***@db/tw" in out


def test_config_show_masks_a_journal_password_given_as_a_query_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADEWIND_BACKTEST__JOURNAL", f"postgresql://db/tw?password={SECRET}")
    code, out, _ = _run(["config", "show", str(write(tmp_path, VALID))], monkeypatch, capsys)
    assert code == 0
    assert SECRET not in out
    assert "password=***" in out


def test_a_journal_url_with_a_password_in_yaml_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, VALID + f"backtest:\n  journal: postgresql://trader:{SECRET}@db/tw\n")
    for command in ("check", "show"):
        code, out, err = _run(["config", command, str(path)], monkeypatch, capsys)
        assert code == 2
        assert SECRET not in out + err
        assert str(path) in err
        assert "backtest.journal (line 14)" in err
        assert "TRADEWIND_JOURNAL_PASSWORD" in err


def test_a_url_password_elsewhere_in_yaml_is_refused_without_the_journal_hint(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        VALID.replace("provider: sim\n    symbols: [SPY]", "provider: sim\n    exchange: "
                      f"https://u:{SECRET}@x.example\n    symbols: [SPY]"),
    )  # fmt: skip
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert "markets.equities.exchange (line 10)" in message
    assert "the URL contains a password" in message
    assert "TRADEWIND_JOURNAL_PASSWORD" not in message
    assert SECRET not in message


def test_the_journal_password_is_a_secret_read_from_the_environment_or_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(f"TRADEWIND_JOURNAL_PASSWORD={SECRET}\n", encoding="utf-8")
    secrets = load_secrets()
    assert secrets.journal_password is not None
    assert secrets.journal_password.get_secret_value() == SECRET
    for text in (repr(secrets), str(secrets), secrets.model_dump_json()):
        assert SECRET not in text
    monkeypatch.setenv("TRADEWIND_JOURNAL_PASSWORD", "from-env")
    assert load_secrets().journal_password.get_secret_value() == "from-env"  # type: ignore[union-attr]
