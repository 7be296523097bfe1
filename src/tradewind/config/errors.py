"""`ConfigError`: every problem of a configuration, each with its field path and line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tradewind.domain.errors import TradewindError

__all__ = ["ConfigError", "ConfigIssue"]


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem: where (`field` path, YAML `line`/`column` or `env_var`) and what.

    `field` is a dotted path such as `markets.crypto.symbols[1]`; empty for the whole file.
    `message` says what was expected and what was found.
    """

    field: str
    message: str
    line: int | None = None
    column: int | None = None
    env_var: str | None = None

    def __str__(self) -> str:
        where = []
        if self.env_var is not None:
            where.append(f"from environment variable {self.env_var}")
        elif self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        located = f" ({', '.join(where)})" if where else ""
        if self.field:
            return f"{self.field}{located}: {self.message}"
        return f"{located.strip(' ()')}: {self.message}" if located else self.message


class ConfigError(TradewindError):
    """A configuration file (or its environment overrides) is invalid.

    The message starts with the file path and lists every problem, one per line, as
    `path.to.field (line N): what was expected, got what`.
    """

    def __init__(self, source: str, issues: Sequence[ConfigIssue]) -> None:
        self.source = source
        self.issues = tuple(issues)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.issues) == 1:
            return f"{self.source}: {self.issues[0]}"
        lines = [f"{self.source}: {len(self.issues)} problems in the configuration:"]
        lines.extend(f"  - {issue}" for issue in self.issues)
        return "\n".join(lines)
