"""Reading YAML safely: YAML 1.2 scalars, line lookup by field path, duplicate keys."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tradewind.config.errors import ConfigError, ConfigIssue

__all__ = ["Loc", "YamlDocument", "duplicate_key_issues", "format_loc", "parse_yaml"]

Loc = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars.

    YAML 1.1 reads `17:00` as the integer 1020, `010` as 8 and the tickers `ON`/`NO` as
    booleans; in a trading config all of those are traps, so only true/false are
    booleans and only plain decimal, 0x and 0o literals are integers.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: yaml.SafeLoader, node: Node) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    if text[:2] in ("0x", "0o"):
        return int(text, 0)
    return int(text, 10)


_Loader.add_constructor(_INT, _construct_int)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed YAML document: the plain data and its node tree (for line numbers)."""

    data: Any
    root: Node | None

    def contains(self, loc: Sequence[str | int]) -> bool:
        """Whether every step of `loc` exists in the file."""
        return self._walk(loc)[1] == len(loc)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the deepest node on `loc` that exists in the file (the key's
        line for a mapping entry); None when not even the first step exists."""
        return self._walk(loc)[0]

    def _walk(self, loc: Sequence[str | int]) -> tuple[int | None, int]:
        node = self.root
        line: int | None = None
        steps = 0
        for part in loc:
            if isinstance(node, MappingNode):
                entry = next(
                    (
                        (k, v)
                        for k, v in node.value
                        if isinstance(k, ScalarNode) and k.value == str(part)
                    ),
                    None,
                )
                if entry is None:
                    break
                line = entry[0].start_mark.line + 1
                node = entry[1]
            elif (
                isinstance(node, SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
            steps += 1
        return line, steps


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document with the safe loader.

    Raises:
        ConfigError: the text is not valid YAML or holds several documents; the issue
            carries the line and column the parser stopped at.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(
            source,
            [
                ConfigIssue(
                    "",
                    f"invalid YAML: {problem}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, [ConfigIssue("", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, root=root)


def duplicate_key_issues(root: Node | None) -> list[ConfigIssue]:
    """A problem for every key repeated within one mapping (YAML would keep the last)."""
    issues: list[ConfigIssue] = []
    for path, node in _mappings(root, (), set()):
        first_line: dict[str, int] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.value == "<<":
                continue
            line = key.start_mark.line + 1
            if key.value in first_line:
                issues.append(
                    ConfigIssue(
                        format_loc((*path, key.value)),
                        f"duplicate key {key.value!r} (first at line {first_line[key.value]}): "
                        "YAML would silently keep only the last one; expected each key once",
                        line=line,
                    )
                )
            else:
                first_line[key.value] = line
    return issues


def _mappings(node: Node | None, path: Loc, seen: set[int]) -> Iterator[tuple[Loc, MappingNode]]:
    if node is None or id(node) in seen:  # aliases may point back up the tree
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        yield path, node
        for key, value in node.value:
            step = key.value if isinstance(key, ScalarNode) else "?"
            yield from _mappings(value, (*path, step), seen)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _mappings(item, (*path, index), seen)


def format_loc(loc: Sequence[str | int]) -> str:
    """`("markets", "fx", "symbols", 1)` -> `markets.fx.symbols[1]`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
