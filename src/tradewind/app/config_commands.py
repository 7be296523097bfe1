"""What `tradewind init`, `config check|show` and the commands that read a config use of
the config layer, so that `tradewind.cli` imports only `app`.

Each function imports the config stack when it is called (a command's `--help` imports
none of it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.config import TradewindConfig as TradewindConfig

__all__ = [
    "active_env_overrides",
    "dump_config",
    "load_config",
    "missing_credentials",
    "write_default_config",
]


def load_config(path: Path, *, apply_env: bool = True) -> TradewindConfig:
    """The validated configuration in `path` (see `tradewind.config.load_config`).

    Raises:
        ConfigError: the file is missing or invalid; names the field and line.
    """
    from tradewind.config import load_config as load

    return load(path, apply_env=apply_env)


def write_default_config(path: Path, *, force: bool = False) -> Path:
    """Write the commented starter configuration to `path`; returns where it went.

    Raises:
        ConfigError: the file exists (without `force`) or cannot be written.
    """
    from tradewind.config import write_default_config as write

    return write(path, force=force)


def dump_config(config: TradewindConfig) -> str:
    """The effective configuration as YAML that loads back as the same configuration."""
    from tradewind.config import dump_config as dump

    return dump(config)


def active_env_overrides() -> list[str]:
    """The `TRADEWIND_...` environment overrides a load would apply."""
    from tradewind.config import active_env_overrides as overrides

    return overrides()


def missing_credentials(config: TradewindConfig) -> dict[str, list[str]]:
    """For each enabled market whose provider needs credentials not set in the
    environment or `.env`: the market name and the missing variables."""
    from tradewind.config import load_secrets

    secrets = load_secrets()
    found = {
        name: list(secrets.missing_for(market.provider))
        for name, market in config.enabled_markets.items()
    }
    return {name: missing for name, missing in found.items() if missing}
