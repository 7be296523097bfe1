"""What `MMINEngine(config=...)` accepts, validated into the config models."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tradewind.config import MMINConfig, TradewindConfig, load_config
from tradewind.domain.errors import TradewindError

__all__ = ["MMINConfigError", "MMINSource", "parse_settings"]

MMINSource = TradewindConfig | MMINConfig | Mapping[str, Any] | str | Path | None
_WHOLE_CONFIG_KEYS = frozenset(TradewindConfig.model_fields) - frozenset(MMINConfig.model_fields)


class MMINConfigError(TradewindError):
    """`MMINEngine(config=...)` was given settings it cannot use (the message names the key)."""


def parse_settings(config: MMINSource) -> tuple[TradewindConfig | None, MMINConfig]:
    """The whole config (when given) and the MMIN settings.

    A mapping is either the MMIN settings themselves (`{"mode": "balanced",
    "intelligence_level": "god_mode", ...}`, as the source document passes them) or a
    whole Tradewind config (it has `markets`, `mmin`, `data`, ... keys).

    Raises:
        MMINConfigError: a key is unknown or its value invalid (named as `config.<key>`).
        ConfigError: a config file that does not load.
    """
    if config is None:
        return None, MMINConfig()
    if isinstance(config, str | Path):
        config = load_config(config)
    if isinstance(config, TradewindConfig):
        return config, config.mmin
    if isinstance(config, MMINConfig):
        return None, config
    if not isinstance(config, Mapping):
        raise MMINConfigError(
            f"config: expected a dict of MMIN settings, an MMINConfig, a TradewindConfig or "
            f"a config file path, got {type(config).__name__}"
        )
    if _WHOLE_CONFIG_KEYS & set(map(str, config)):
        whole = _validated(TradewindConfig, config)
        return whole, whole.mmin
    return None, _validated(MMINConfig, config)


def _validated(model: type[TradewindConfig] | type[MMINConfig], raw: Mapping[str, Any]) -> Any:
    try:
        return model.model_validate(dict(raw))
    except ValidationError as error:
        problems = "; ".join(_problem(e, model) for e in error.errors())
        raise MMINConfigError(f"MMINEngine config: {problems}") from None


def _problem(error: Mapping[str, Any], model: type[TradewindConfig] | type[MMINConfig]) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(root)"
    if error["type"] == "extra_forbidden":
        if len(error["loc"]) > 1:
            return f"config.{where}: unknown key"
        known = ", ".join(sorted(model.model_fields))
        return f"config.{where}: unknown key (expected one of {known})"
    if error["type"] == "missing":
        return f"config.{where}: required, missing"
    return f"config.{where}: {error['msg']}, got {error.get('input')!r}"
