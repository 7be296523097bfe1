"""Turning pydantic validation errors into `ConfigIssue`s with paths, lines and hints."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Collection
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails, ValidationError

from tradewind.config.errors import ConfigIssue
from tradewind.config.fieldtypes import did_you_mean
from tradewind.config.yaml_source import Loc, YamlDocument, format_loc

__all__ = ["describe_error", "issues_from_validation"]

_TYPE_WORDS: dict[str, str] = {
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping (indented key: value lines)",
    "model_type": "a mapping (indented key: value lines)",
    "model_attributes_type": "a mapping (indented key: value lines)",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date without a time of day",
    "path_type": "a file system path",
    "timedelta_type": "a duration such as 30m, 12h or 3d",
    "timedelta_parsing": "a duration such as 30m, 12h or 3d",
}
_CONTAINER_TYPES = frozenset({"list_type", "dict_type", "model_type", "model_attributes_type"})
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def issues_from_validation(
    exc: ValidationError,
    *,
    root_model: type[BaseModel],
    document: YamlDocument | None,
    env_var_for: Callable[[Loc, int], str | None],
    skip: Collection[Loc] = (),
) -> list[ConfigIssue]:
    """One issue per pydantic error, located in the YAML file or an environment variable.

    `env_var_for(loc, yaml_depth)` names the variable a value at `loc` came from, given
    how many leading steps of `loc` exist in the file; `skip` drops `extra_forbidden`
    errors already reported otherwise (secrets).
    """
    issues: list[ConfigIssue] = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
        if error["type"] == "extra_forbidden" and loc in skip:
            continue
        depth = _yaml_depth(document, loc)
        env_var = env_var_for(loc, depth)
        line = None if env_var or document is None else document.line_of(loc)
        message = describe_error(error, loc, root_model)
        if env_var and error["type"] in _CONTAINER_TYPES:
            message += ' (write lists and mappings as JSON, e.g. \'["BTC-USD", "ETH-USD"]\')'
        issues.append(ConfigIssue(format_loc(loc), message, line=line, env_var=env_var))
    return issues


def describe_error(error: ErrorDetails, loc: Loc, root_model: type[BaseModel]) -> str:
    """What was expected and what was found, in the words of a YAML author."""
    kind, message = error["type"], error["msg"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _allowed_fields(root_model, loc[:-1])
        expected = f": expected one of {', '.join(allowed)}" if allowed else ""
        return f"unknown field {name!r}{did_you_mean(name, allowed)}{expected}"
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _TYPE_WORDS and isinstance(value, str) and ctx.get("error"):
        # a date-shaped string that is no date: say why (`month value is outside ...`)
        return f"expected {_TYPE_WORDS[kind]}, got {_show(value)} ({ctx['error']})"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_show(value, with_type=True)}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        limit = ctx.get(key)
        shown = f"{limit:g}" if isinstance(limit, float) else str(limit)
        return f"expected a value {words} {shown}, got {_show(value)}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        return f"expected {bound} {limit} item(s), got {ctx.get('actual_length')}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'([^']*)'", expected)
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return f"expected {expected}, got {_show(value)}{hint}"
    if message.startswith("Input should be "):
        return f"expected {message.removeprefix('Input should be ')}, got {_show(value)}"
    return message  # our own PydanticCustomError messages are complete sentences


def _show(value: Any, *, with_type: bool = False) -> str:
    if value is None:
        return "an empty value (null)"
    text = str(value).lower() if isinstance(value, bool) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if with_type:
        text += f" ({_type_word(value)})"
    return text


def _type_word(value: Any) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "list",
        dict: "mapping",
    }
    return names.get(type(value), type(value).__name__)


def _yaml_depth(document: YamlDocument | None, loc: Loc) -> int:
    if document is None:
        return 0
    for depth in range(len(loc), 0, -1):
        if document.contains(loc[:depth]):
            return depth
    return 0


def _allowed_fields(root_model: type[BaseModel], loc: Loc) -> list[str]:
    model = _model_at(root_model, loc)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_at(root_model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: Any = root_model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
