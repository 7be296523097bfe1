"""Strategy parameters: a frozen pydantic model per strategy, parsed from `-p key=value`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from tradewind.strategies.errors import StrategyError

__all__ = ["ParamInfo", "StrategyConfig", "parse_assignments"]

_BOUND_WORDS = (
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.Le, "le", "<="),
)


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One strategy parameter as `tradewind strategy list` shows it."""

    name: str
    type_name: str
    default: Any
    bounds: str
    description: str

    @property
    def expected(self) -> str:
        """What a valid value looks like (`an integer >= 2 and <= 500`)."""
        word = {"int": "an integer", "float": "a number", "bool": "true or false"}.get(
            self.type_name, f"a {self.type_name}"
        )
        return f"{word} {self.bounds}".strip()


class StrategyConfig(BaseModel):
    """Base of every strategy's parameters: frozen, unknown keys refused.

    Subclasses declare parameters with bounds, e.g.
    `fast: int = Field(10, ge=2, le=500, description="fast SMA length, bars")`, and
    cross-field rules with a pydantic `model_validator` raising ValueError.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @classmethod
    def from_params(cls, params: Mapping[str, object], *, strategy: str = "") -> Self:
        """Parse parameters (CLI strings such as `{"fast": "5"}` or typed YAML values).

        Missing parameters keep their defaults.

        Raises:
            StrategyError: unknown parameter (known ones listed), a value of the wrong
                type or out of bounds (naming the parameter and what was expected), or
                a broken cross-parameter rule.
        """
        where = f" of strategy {strategy}" if strategy else f" of {cls.__name__}"
        known = list(cls.model_fields)
        unknown = [key for key in params if key not in cls.model_fields]
        if unknown:
            close = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise StrategyError(
                f"unknown parameter {unknown[0]!r}{where}{hint}: expected one of "
                + (", ".join(known) if known else "(no parameters)")
            )
        try:
            return cls.model_validate(dict(params))
        except ValidationError as exc:
            raise StrategyError(_explain(cls, exc.errors()[0], where)) from None

    @classmethod
    def describe(cls) -> tuple[ParamInfo, ...]:
        """Every parameter: name, type, default, bounds and description."""
        infos = []
        for name, field in cls.model_fields.items():
            annotation = field.annotation
            type_name = getattr(annotation, "__name__", str(annotation))
            infos.append(
                ParamInfo(
                    name=name,
                    type_name=type_name,
                    default=field.default,
                    bounds=_bounds(field.metadata),
                    description=field.description or "",
                )
            )
        return tuple(infos)

    def params(self) -> dict[str, Any]:
        """The parameter values as a plain dict (for journals and reports)."""
        return self.model_dump()


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """`["fast=5", "slow=20"]` -> `{"fast": "5", "slow": "20"}`.

    Raises:
        StrategyError: an item without `=` or with an empty key, or a repeated key.
    """
    parsed: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise StrategyError(f"invalid parameter {item!r}: expected key=value, e.g. fast=5")
        if key in parsed:
            raise StrategyError(f"parameter {key!r} given twice")
        parsed[key] = value.strip()
    return parsed


def _bounds(metadata: list[Any]) -> str:
    parts = []
    for kind, attr, symbol in _BOUND_WORDS:
        for item in metadata:
            if isinstance(item, kind):
                parts.append(f"{symbol} {getattr(item, attr)}")
    return " and ".join(parts)


def _explain(cls: type[StrategyConfig], error: ErrorDetails, where: str) -> str:
    loc = error.get("loc", ())
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if not loc or loc[0] not in cls.model_fields:
        return f"invalid parameters{where}: {message}"
    name = str(loc[0])
    info = next(p for p in cls.describe() if p.name == name)
    return (
        f"invalid parameter {name}{where}: expected {info.expected}, "
        f"got {error.get('input')!r} ({message})"
    )
