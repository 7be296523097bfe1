"""Locating fields of a loaded configuration: the YAML line, or the environment variable
a value came from, for problems found after loading (e.g. against the data catalog)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tradewind.config.errors import ConfigError, ConfigIssue
from tradewind.config.loader import env_override_for
from tradewind.config.yaml_source import Loc, YamlDocument, format_loc, parse_yaml

__all__ = ["FieldLocator"]


@dataclass(frozen=True, slots=True)
class FieldLocator:
    """Builds `ConfigIssue`s for field paths of one configuration source.

    Attributes:
        source: names the configuration in messages (its path, or `<config>`).
        document: the parsed YAML file, for line numbers; None when there is none.
        apply_env: whether `TRADEWIND_...` overrides were applied when loading.
    """

    source: str = "<config>"
    document: YamlDocument | None = None
    apply_env: bool = False

    @classmethod
    def for_file(cls, path: str | os.PathLike[str], *, apply_env: bool = True) -> FieldLocator:
        """Lines from the YAML file at `path`; none when it cannot be read or parsed
        (its loading reports that)."""
        try:
            document: YamlDocument | None = parse_yaml(
                Path(path).read_text(encoding="utf-8"), str(path)
            )
        except (OSError, UnicodeDecodeError, ConfigError):
            document = None
        return cls(str(path), document, apply_env)

    def issue(self, loc: Loc, message: str) -> ConfigIssue:
        """A problem at `loc` with the line (or the environment variable) it comes from."""
        depth = self.document.depth_of(loc) if self.document is not None else 0
        env_var = env_override_for(loc, depth) if self.apply_env else None
        line = None
        if env_var is None and self.document is not None:
            line = self.document.line_of(loc)
        return ConfigIssue(format_loc(loc), message, line=line, env_var=env_var)

    def error(self, issues: Sequence[ConfigIssue]) -> ConfigError:
        """Every issue in one error, in file order."""
        ordered = sorted(issues, key=lambda issue: (issue.line is None, issue.line or 0))
        return ConfigError(self.source, ordered)
