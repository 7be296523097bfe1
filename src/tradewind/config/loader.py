"""`load_config`: YAML file + `TRADEWIND_...` environment overrides -> `TradewindConfig`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource
from pydantic_settings.exceptions import SettingsError

from tradewind.config.errors import ConfigError, ConfigIssue
from tradewind.config.fieldtypes import KNOWN_STRATEGIES_CONTEXT_KEY
from tradewind.config.issues import issues_from_validation
from tradewind.config.model import ENV_NESTED_DELIMITER, ENV_PREFIX, TradewindConfig
from tradewind.config.redact import redact_data
from tradewind.config.secrets import find_secret_keys, secret_env_hint
from tradewind.config.vocabulary import BUILTIN_STRATEGIES
from tradewind.config.yaml_source import (
    MAX_NESTING_DEPTH,
    Loc,
    YamlDocument,
    duplicate_key_issues,
    format_loc,
    parse_yaml,
)

__all__ = [
    "active_env_overrides",
    "dump_config",
    "env_override_for",
    "load_config",
    "load_config_text",
]

_EMPTY = (
    "the file is empty: expected a YAML mapping with at least a markets section "
    "(`tradewind init` writes a commented template)"
)


def load_config(
    path: str | os.PathLike[str],
    *,
    known_strategies: Iterable[str] | None = None,
    apply_env: bool = True,
) -> TradewindConfig:
    """Load and validate a configuration file.

    Args:
        path: the YAML file.
        known_strategies: every strategy name the caller can run; defaults to
            `BUILTIN_STRATEGIES`.
        apply_env: apply `TRADEWIND_<SECTION>__<FIELD>...` environment overrides, which
            take precedence over the file.

    Raises:
        ConfigError: the file is missing, unreadable, not YAML, or invalid; the message
            starts with the path and lists every problem with its field path and line.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(source, [ConfigIssue("", "no such file")]) from None
    except IsADirectoryError:
        raise ConfigError(
            source, [ConfigIssue("", "is a directory: expected a YAML file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            source, [ConfigIssue("", f"not UTF-8 text (byte {exc.start}): expected a YAML file")]
        ) from None
    except OSError as exc:
        raise ConfigError(source, [ConfigIssue("", f"cannot read: {exc.strerror}")]) from None
    return load_config_text(
        text, source=source, known_strategies=known_strategies, apply_env=apply_env
    )


def load_config_text(
    text: str,
    *,
    source: str = "<config>",
    known_strategies: Iterable[str] | None = None,
    apply_env: bool = True,
) -> TradewindConfig:
    """Like `load_config`, for YAML text; `source` names it in error messages."""
    document = _mapping_document(text, source)
    issues = duplicate_key_issues(document.root)
    env_vars = _override_variables(os.environ) if apply_env else {}
    env_data = _env_values(source) if env_vars else {}
    secret_locs = _add_secret_issues(issues, document, env_data, env_vars)
    merged = _deep_merge(document.data, env_data)
    strategies = frozenset(BUILTIN_STRATEGIES if known_strategies is None else known_strategies)
    try:
        config = TradewindConfig.model_validate(
            merged, context={KNOWN_STRATEGIES_CONTEXT_KEY: strategies}
        )
    except ValidationError as exc:
        issues.extend(
            issues_from_validation(
                exc,
                root_model=TradewindConfig,
                document=document,
                env_var_for=lambda loc, depth: _env_var_for(loc, depth, env_vars),
                skip=set(secret_locs),
            )
        )
    if issues:
        issues.sort(key=lambda issue: (issue.line is None, issue.line or 0))
        raise ConfigError(source, issues)
    return config


def _mapping_document(text: str, source: str) -> YamlDocument:
    """The parsed YAML, refused when it is empty or not a mapping of sections."""
    if not text.strip():
        raise ConfigError(source, [ConfigIssue("", _EMPTY)])
    document = parse_yaml(text, source)
    if document.data is None:
        raise ConfigError(source, [ConfigIssue("", _EMPTY)])
    if not isinstance(document.data, dict):
        kind = type(document.data).__name__
        raise ConfigError(
            source,
            [
                ConfigIssue(
                    "",
                    f"expected a mapping of sections (markets, risk, capital, ...) at the top "
                    f"level, got a {kind}",
                    line=1,
                )
            ],
        )
    return document


def _add_secret_issues(
    issues: list[ConfigIssue],
    document: YamlDocument,
    env_data: Mapping[str, Any],
    env_vars: Mapping[str, str],
) -> list[Loc]:
    """Append an issue per credential in the file or the environment; return their places."""
    secret_locs: list[Loc] = []
    for loc, kind in find_secret_keys(document.data):
        secret_locs.append(loc)
        issues.append(
            ConfigIssue(
                format_loc(loc),
                f"credentials are never read from the configuration file; "
                f"{secret_env_hint(loc, kind, document.data)}",
                line=document.line_of(loc),
            )
        )
    # A URL password from the environment is accepted (it is masked wherever shown).
    for loc, kind in find_secret_keys(env_data, url_passwords=False):
        secret_locs.append(loc)
        issues.append(
            ConfigIssue(
                format_loc(loc),
                f"credentials are never part of the configuration; "
                f"{secret_env_hint(loc, kind, document.data)}",
                env_var=_env_var_for(loc, 0, env_vars),
            )
        )
    return secret_locs


def active_env_overrides(environ: Mapping[str, str] | None = None) -> list[str]:
    """Names of the `TRADEWIND_...` variables that override configuration fields."""
    return sorted(_override_variables(os.environ if environ is None else environ).values())


def env_override_for(
    loc: Loc, yaml_depth: int, environ: Mapping[str, str] | None = None
) -> str | None:
    """The `TRADEWIND_...` variable the value at `loc` came from, given how many leading
    steps of `loc` exist in the YAML file; None when it came from the file or a default."""
    env_vars = _override_variables(os.environ if environ is None else environ)
    return _env_var_for(loc, yaml_depth, env_vars)


def dump_config(config: TradewindConfig) -> str:
    """The configuration as YAML (every field, defaults included) that loads back equal,
    except that URL passwords are masked as `***` (which the journal reads as "take the
    password from TRADEWIND_JOURNAL_PASSWORD")."""
    data = redact_data(config.model_dump(mode="json", by_alias=True))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _override_variables(environ: Mapping[str, str]) -> dict[str, str]:
    # Upper-cased name -> name as set, for variables addressing a top-level section.
    sections = {name.upper() for name in TradewindConfig.model_fields}
    found: dict[str, str] = {}
    for name in environ:
        upper = name.upper()
        if upper.startswith(ENV_PREFIX):
            head = upper[len(ENV_PREFIX) :].split(ENV_NESTED_DELIMITER, 1)[0]
            if head in sections:
                found[upper] = name
    return found


class _TooDeepEnvValueError(Exception):
    """JSON of an environment override nested past MAX_NESTING_DEPTH."""


class _LenientEnvSource(EnvSettingsSource):
    """Environment source that leaves malformed JSON as text, so that validation reports
    it against its field and variable instead of failing the whole source; JSON nested
    too deep to walk safely is refused."""

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        try:
            decoded = super().decode_complex_value(field_name, field, value)
        except RecursionError:
            raise _TooDeepEnvValueError(field_name) from None
        except ValueError:
            return value
        if _nesting_depth(decoded) > MAX_NESTING_DEPTH:
            raise _TooDeepEnvValueError(field_name)
        return decoded


def _nesting_depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _env_values(source: str) -> dict[str, Any]:
    try:
        source_ = _LenientEnvSource(
            cast("type[BaseSettings]", TradewindConfig),  # only its fields and config are read
            case_sensitive=False,
            env_prefix=ENV_PREFIX,
            env_nested_delimiter=ENV_NESTED_DELIMITER,
        )
        return dict(source_())
    except SettingsError as exc:
        raise ConfigError(
            source, [ConfigIssue("", f"environment overrides could not be read: {exc}")]
        ) from None
    except _TooDeepEnvValueError as exc:
        message = (
            f"the JSON value of a {ENV_PREFIX}... override of {exc.args[0]!r} nests deeper "
            f"than {MAX_NESTING_DEPTH} levels: expected lists and mappings at most "
            f"{MAX_NESTING_DEPTH} deep"
        )
        raise ConfigError(source, [ConfigIssue("", message)]) from None


def _env_var_for(loc: Loc, yaml_depth: int, env_vars: Mapping[str, str]) -> str | None:
    if not env_vars:
        return None
    names = [
        ENV_PREFIX + ENV_NESTED_DELIMITER.join(str(p) for p in loc[:n]).upper()
        for n in range(len(loc), 0, -1)
    ]
    for name in names:  # the value at loc, or a JSON value holding it
        if name in env_vars:
            return env_vars[name]
    for n, name in zip(range(len(loc), 0, -1), names, strict=True):
        if n <= yaml_depth:
            break
        for upper, original in sorted(env_vars.items()):  # a section created by overrides
            if upper.startswith(name + ENV_NESTED_DELIMITER):
                return original
    return None


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _deep_merge(current, value)
        else:
            merged[key] = value
    return merged
