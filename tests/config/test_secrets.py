"""Credentials come from the environment or `.env` only and are never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewind.config import ConfigError, Provider, load_secrets


def test_dotenv_secrets_are_read_and_hidden(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TRADEWIND_CCXT_API_KEY=key-from-dotenv-123\n"
        "TRADEWIND_CCXT_SECRET=secret-from-dotenv-456\n"
        "TRADEWIND_MARKETS__CRYPTO__ENABLED=false\n"
        "UNRELATED=1\n",
        encoding="utf-8",
    )
    secrets = load_secrets()
    assert secrets.ccxt_api_key is not None
    assert secrets.ccxt_api_key.get_secret_value() == "key-from-dotenv-123"
    for text in (repr(secrets), str(secrets), secrets.model_dump_json()):
        assert "key-from-dotenv-123" not in text
        assert "secret-from-dotenv-456" not in text
    assert secrets.missing_for(Provider.CCXT) == ()


def test_environment_beats_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("TRADEWIND_OANDA_TOKEN=from-file\n", encoding="utf-8")
    monkeypatch.setenv("TRADEWIND_OANDA_TOKEN", "from-env")
    token = load_secrets().oanda_token
    assert token is not None
    assert token.get_secret_value() == "from-env"


def test_missing_credentials_name_the_variables() -> None:
    secrets = load_secrets(env_file=None)
    assert secrets.missing_for(Provider.SIM) == ()
    assert secrets.missing_for(Provider.ALPACA) == (
        "TRADEWIND_ALPACA_API_KEY",
        "TRADEWIND_ALPACA_SECRET_KEY",
    )
    with pytest.raises(ConfigError, match="set TRADEWIND_OANDA_TOKEN in"):
        secrets.require_for(Provider.OANDA)


def test_invalid_secret_setting_names_the_variable_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADEWIND_IB_PORT", "port-seventy")
    with pytest.raises(ConfigError) as caught:
        load_secrets(env_file=None)
    assert "TRADEWIND_IB_PORT" in str(caught.value)
    assert "port-seventy" not in str(caught.value)


def test_ib_connection_settings_have_defaults() -> None:
    secrets = load_secrets(env_file=None)
    assert (secrets.ib_host, secrets.ib_port, secrets.ib_client_id) == ("127.0.0.1", 7497, 1)
