"""Find strategies by name: the built-ins, or your own by dotted path.

- Built-ins: every module in `tradewind.strategies.builtin` exposing
  `STRATEGY: StrategySpec`, named after the module (`sma_cross`).
- Your own: `package.module:ATTRIBUTE`, e.g. `my_strategies.gap_fade:STRATEGY`; the
  module must be importable (installed, or on PYTHONPATH) and the attribute must be a
  `StrategySpec`. The same string works in the config file's `strategies:` lists and
  in `tradewind strategy check`.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from functools import cache
from typing import Any

from tradewind.strategies import builtin
from tradewind.strategies.api import StrategySpec
from tradewind.strategies.errors import StrategyError

__all__ = ["available", "builtin_names", "get_strategy"]


@cache
def _builtins() -> dict[str, StrategySpec[Any]]:
    found: dict[str, StrategySpec[Any]] = {}
    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{builtin.__name__}.{info.name}")
        spec = getattr(module, "STRATEGY", None)
        if not isinstance(spec, StrategySpec):
            raise StrategyError(
                f"built-in strategy module {module.__name__} must expose STRATEGY: StrategySpec"
            )
        if spec.name != info.name:
            raise StrategyError(
                f"built-in strategy module {module.__name__} declares name {spec.name!r}: "
                f"expected {info.name!r} (the module name)"
            )
        found[spec.name] = spec
    return found


def builtin_names() -> list[str]:
    """Names of the built-in strategies, sorted."""
    return sorted(_builtins())


def available() -> list[StrategySpec[Any]]:
    """Every built-in strategy, sorted by name."""
    return [_builtins()[name] for name in builtin_names()]


def get_strategy(name: str) -> StrategySpec[Any]:
    """The strategy called `name`, or loaded from `package.module:ATTRIBUTE`.

    Raises:
        StrategyError: unknown name (the known names and close matches listed), a
            module that cannot be imported, or an attribute that is not a StrategySpec.
    """
    key = name.strip()
    if ":" in key:
        return _load_dotted(key)
    specs = _builtins()
    if key in specs:
        return specs[key]
    close = difflib.get_close_matches(key, list(specs), n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise StrategyError(
        f"unknown strategy {name!r}{hint}: expected one of {', '.join(sorted(specs))}, "
        "or package.module:ATTRIBUTE for your own"
    )


def _load_dotted(path: str) -> StrategySpec[Any]:
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise StrategyError(
            f"invalid strategy path {path!r}: expected package.module:ATTRIBUTE, "
            "e.g. my_strategies.gap_fade:STRATEGY"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StrategyError(
            f"cannot import strategy module {module_name!r} (from {path!r}): {exc}"
        ) from None
    spec = getattr(module, attribute, None)
    if spec is None:
        raise StrategyError(f"strategy module {module_name!r} has no attribute {attribute!r}")
    if not isinstance(spec, StrategySpec):
        raise StrategyError(
            f"{path} is a {type(spec).__name__}: expected a StrategySpec "
            "(see tradewind.strategies.api)"
        )
    return spec
