"""The commented default configuration that `tradewind init` writes (package data)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from tradewind.config.errors import ConfigError, ConfigIssue

__all__ = ["default_template_text", "write_default_config"]

_TEMPLATE = "default.yaml"


def default_template_text() -> str:
    """The commented default configuration, read from the installed package."""
    return resources.files("tradewind.config").joinpath(_TEMPLATE).read_text(encoding="utf-8")


def write_default_config(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write the default configuration to `path` and return it.

    Raises:
        ConfigError: `path` exists and `force` is False, or it cannot be written.
    """
    target = Path(path)
    if target.is_dir():
        raise ConfigError(str(target), [ConfigIssue("", "is a directory: expected a file path")])
    if target.exists() and not force:
        raise ConfigError(
            str(target),
            [ConfigIssue("", "already exists: not overwritten (pass --force to replace it)")],
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(default_template_text(), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(target), [ConfigIssue("", f"cannot write: {exc.strerror}")]) from None
    return target
