"""Credentials: read only from the environment or `.env`, never from a YAML file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tradewind.config.errors import ConfigError, ConfigIssue
from tradewind.config.vocabulary import SECRET_KEY_NAMES, Provider, resolve_provider_alias
from tradewind.config.yaml_source import Loc
from tradewind.domain.redaction import has_url_password

__all__ = ["URL_PASSWORD", "Secrets", "find_secret_keys", "load_secrets", "secret_env_hint"]

_PREFIX = "TRADEWIND_"
URL_PASSWORD = "url_password"
"""The kind `find_secret_keys` gives a string value holding a URL with a password."""
_JOURNAL_LOC = ("backtest", "journal")


class Secrets(BaseSettings):
    """Venue credentials from `TRADEWIND_*` environment variables or a `.env` file
    (environment wins). Values are `SecretStr`: they print as `**********`.

    Variables: TRADEWIND_CCXT_API_KEY, TRADEWIND_CCXT_SECRET, TRADEWIND_CCXT_PASSWORD,
    TRADEWIND_OANDA_TOKEN, TRADEWIND_OANDA_ACCOUNT_ID, TRADEWIND_ALPACA_API_KEY,
    TRADEWIND_ALPACA_SECRET_KEY, TRADEWIND_IB_HOST, TRADEWIND_IB_PORT, TRADEWIND_IB_CLIENT_ID,
    TRADEWIND_IB_ACCOUNT (the account to trade when TWS manages several),
    and TRADEWIND_JOURNAL_PASSWORD: the password of a database journal whose URL names a
    user but no password (`postgresql://tradewind@db/journal`, or the password written
    as `***`, as `tradewind config show` prints it); it is added when the journal is
    opened and never shown or stored.
    """

    model_config = SettingsConfigDict(
        env_prefix=_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        frozen=True,
    )

    ccxt_api_key: SecretStr | None = None
    ccxt_secret: SecretStr | None = None
    ccxt_password: SecretStr | None = None
    oanda_token: SecretStr | None = None
    oanda_account_id: SecretStr | None = None
    alpaca_api_key: SecretStr | None = None
    alpaca_secret_key: SecretStr | None = None
    ib_host: str = "127.0.0.1"
    ib_port: int = Field(7497, ge=1, le=65535)
    ib_client_id: int = Field(1, ge=0)
    ib_account: str = ""
    journal_password: SecretStr | None = None

    def missing_for(self, provider: Provider) -> tuple[str, ...]:
        """Environment variables `provider` needs that are not set (empty for sim, ib)."""
        needed = _REQUIRED.get(provider, ())
        return tuple(f"{_PREFIX}{name.upper()}" for name in needed if getattr(self, name) is None)

    def require_for(self, provider: Provider) -> None:
        """Raises:
        ConfigError: a credential `provider` needs is missing; names the variables."""
        missing = self.missing_for(provider)
        if missing:
            raise ConfigError(
                "environment",
                [
                    ConfigIssue(
                        "",
                        f"provider {provider.value!r} needs credentials: set "
                        f"{', '.join(missing)} in the environment or in .env",
                    )
                ],
            )


_REQUIRED: Mapping[Provider, tuple[str, ...]] = {
    Provider.CCXT: ("ccxt_api_key", "ccxt_secret"),
    Provider.OANDA: ("oanda_token",),  # the account id defaults to the token's first
    Provider.ALPACA: ("alpaca_api_key", "alpaca_secret_key"),
}
_KIND = {
    "api_key": "api_key",
    "apikey": "api_key",
    "access_key": "api_key",
    "secret": "secret",
    "secret_key": "secret",
    "private_key": "secret",
    "password": "password",
    "passphrase": "password",
    "token": "token",
}
_VARIABLE = {
    (Provider.CCXT, "api_key"): "CCXT_API_KEY",
    (Provider.CCXT, "secret"): "CCXT_SECRET",
    (Provider.CCXT, "password"): "CCXT_PASSWORD",
    (Provider.OANDA, "token"): "OANDA_TOKEN",
    (Provider.OANDA, "api_key"): "OANDA_TOKEN",
    (Provider.ALPACA, "api_key"): "ALPACA_API_KEY",
    (Provider.ALPACA, "secret"): "ALPACA_SECRET_KEY",
}


def load_secrets(env_file: str | Path | None = ".env") -> Secrets:
    """Read credentials from the environment and `env_file` (relative to the working
    directory; None reads the environment only).

    Raises:
        ConfigError: a variable has an invalid value (e.g. a non-numeric port); the
            message names the variable but never echoes the value.
    """
    try:
        return Secrets(_env_file=env_file)
    except ValidationError as exc:
        issues = [
            ConfigIssue(
                "",
                f"{_PREFIX}{str(error['loc'][0]).upper()}: {error['msg']}",
            )
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise ConfigError(str(env_file or "environment"), issues) from None


def _looks_secret(key: str) -> str | None:
    normalized = key.strip().lower().replace("-", "_")
    for name in SECRET_KEY_NAMES:
        if normalized == name or normalized.endswith("_" + name):
            return _KIND[name]
    return None


def find_secret_keys(
    data: Any, path: Loc = (), *, url_passwords: bool = True
) -> list[tuple[Loc, str]]:
    """Paths of keys anywhere in `data` whose names look like credentials, with the kind
    of credential (api_key, secret, password, token), and (with `url_passwords`) of
    string values holding a URL with a password (kind `url_password`)."""
    found: list[tuple[Loc, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            kind = _looks_secret(key) if isinstance(key, str) else None
            if kind is not None:
                found.append(((*path, key), kind))
            else:
                found.extend(find_secret_keys(value, (*path, key), url_passwords=url_passwords))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(find_secret_keys(item, (*path, index), url_passwords=url_passwords))
    elif url_passwords and isinstance(data, str) and has_url_password(data):
        found.append((path, URL_PASSWORD))
    return found


def secret_env_hint(loc: Loc, kind: str, data: Any) -> str:
    """Where a credential found at `loc` belongs instead, e.g. `TRADEWIND_CCXT_API_KEY`."""
    if kind == URL_PASSWORD and tuple(loc) == _JOURNAL_LOC:
        return (
            "the URL contains a password: remove it from the URL (keep the user) and set "
            f"{_PREFIX}JOURNAL_PASSWORD in the environment or in .env instead"
        )
    if kind == URL_PASSWORD:
        return "the URL contains a password: remove it (credentials come from the environment)"
    provider = _provider_at(loc, data)
    if provider in (Provider.SIM, Provider.IB):
        return (
            f"provider {provider.value!r} needs no credentials here "
            "(IB logs in through TWS/Gateway; sim has none); remove the key"
        )
    variable = _VARIABLE.get((provider, kind)) if provider is not None else None
    if variable is not None:
        return f"set {_PREFIX}{variable} in the environment or in .env instead"
    names = ", ".join(sorted({f"{_PREFIX}{v}" for v in _VARIABLE.values()}))
    return f"set the matching variable ({names}) in the environment or in .env instead"


def _provider_at(loc: Loc, data: Any) -> Provider | None:
    if len(loc) < 2 or loc[0] != "markets" or not isinstance(data, dict):
        return None
    markets = data.get("markets")
    market = markets.get(loc[1]) if isinstance(markets, dict) else None
    raw = market.get("provider") if isinstance(market, dict) else None
    if isinstance(raw, str) and (alias := resolve_provider_alias(raw)) is not None:
        return alias.provider
    try:
        return Provider(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
