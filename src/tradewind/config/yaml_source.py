"""Reading YAML safely: YAML 1.2 scalars, line lookup by field path, duplicate keys."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tradewind.config.errors import ConfigError, ConfigIssue

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "Loc",
    "YamlDocument",
    "duplicate_key_issues",
    "format_loc",
    "parse_yaml",
]

Loc = tuple[str | int, ...]

#: Deepest nesting of lists and mappings accepted; Tradewind's own sections go 6 deep.
MAX_NESTING_DEPTH = 50
#: Most values that aliases (`*name`) may add when expanded; a normal configuration
#: uses none or a few, a "billion laughs" file adds billions.
MAX_ALIAS_EXPANSION = 10_000
#: Longest integer literal accepted (Python refuses to convert past 4,300 digits).
MAX_INTEGER_DIGITS = 100

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars.

    YAML 1.1 reads `17:00` as the integer 1020, `010` as 8 and the tickers `ON`/`NO` as
    booleans; in a trading config all of those are traps, so only true/false are
    booleans and only plain decimal, 0x and 0o literals are integers.

    Composition refuses nesting deeper than `MAX_NESTING_DEPTH` (PyYAML composes
    recursively, so a deep file would otherwise end in a RecursionError).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._top_key = ""  # the top-level key being composed, to name it in errors

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth == 2 and isinstance(index, ScalarNode):
            self._top_key = str(index.value)
        try:
            if self._depth > MAX_NESTING_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _LimitError(
                    f"nested deeper than {MAX_NESTING_DEPTH} levels: expected lists and "
                    f"mappings at most {MAX_NESTING_DEPTH} deep",
                    field=self._top_key,
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # An explicit tag on text that is no such value (`!!int abc`, `!!bool maybe`)
        # fails inside PyYAML with a bare ValueError/KeyError: report it at the node.
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError) as exc:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            reason = "" if isinstance(exc, KeyError | AttributeError) else f" ({exc})"
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid {tag}{reason}", node.start_mark
            ) from None


class _LimitError(Exception):
    """A document beyond the size or depth limits (reported as a ConfigIssue)."""

    def __init__(
        self, message: str, *, field: str = "", line: int | None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.issue = ConfigIssue(field, message, line=line, column=column)


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


def _construct_timestamp(loader: yaml.SafeLoader, node: Node) -> Any:
    # `2016-99-99` matches YAML's date pattern but is no date: keep the text, so that
    # validation reports it at its field instead of the constructor failing.
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except (ValueError, AttributeError):  # AttributeError: `!!timestamp` on other text
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor(_INT, _construct_int)
_Loader.add_constructor(_TIMESTAMP, _construct_timestamp)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed YAML document: the plain data and its node tree (for line numbers)."""

    data: Any
    root: Node | None

    def contains(self, loc: Sequence[str | int]) -> bool:
        """Whether every step of `loc` exists in the file."""
        return self._walk(loc)[1] == len(loc)

    def depth_of(self, loc: Sequence[str | int]) -> int:
        """How many leading steps of `loc` exist in the file."""
        return self._walk(loc)[1]

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
        ConfigError: the text is not valid YAML or holds several documents (the issue
            carries the line and column the parser stopped at); it nests deeper than
            `MAX_NESTING_DEPTH`, its aliases expand past `MAX_ALIAS_EXPANSION` values or
            refer to themselves, or an integer has more than `MAX_INTEGER_DIGITS` digits.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        issues = _size_issues(root)
        if issues:
            raise ConfigError(source, issues)
        data = loader.construct_document(root) if root is not None else None
    except _LimitError as exc:
        raise ConfigError(source, [exc.issue]) from None
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


def _size_issues(root: Node | None) -> list[ConfigIssue]:
    """Problems that make the document unsafe to construct or walk: aliases that
    refer to themselves or expand too far, and integers too long to convert."""
    if root is None:
        return []
    extent = _expanded_extent(root)  # raises _LimitError on a self-referring alias
    size, depth = extent[id(root)]
    entries = _top_level_entries(root)
    if size - len(extent) > MAX_ALIAS_EXPANSION:
        path, node = max(entries, key=lambda entry: extent[id(entry[1])][0])
        return [
            ConfigIssue(
                format_loc(path),
                f"aliases expand this value to {extent[id(node)][0]:,} values: expected at "
                f"most {MAX_ALIAS_EXPANSION:,} values added by aliases (`*name`); a "
                "configuration needs none or a few",
                line=node.start_mark.line + 1,
            )
        ]
    if depth > MAX_NESTING_DEPTH:
        path, node = max(entries, key=lambda entry: extent[id(entry[1])][1])
        return [
            ConfigIssue(
                format_loc(path),
                f"aliases nest this value {extent[id(node)][1]} levels deep: expected lists "
                f"and mappings at most {MAX_NESTING_DEPTH} deep",
                line=node.start_mark.line + 1,
            )
        ]
    return [
        ConfigIssue(
            format_loc(path),
            f"an integer of {len(digits):,} digits: expected at most {MAX_INTEGER_DIGITS} digits",
            line=node.start_mark.line + 1,
        )
        for path, node in _distinct_nodes(root)
        if isinstance(node, ScalarNode)
        and node.tag == _INT
        and len(digits := node.value.lstrip("+-").replace("_", "")) > MAX_INTEGER_DIGITS
    ]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expanded_extent(root: Node) -> dict[int, tuple[int, int]]:
    """(values, depth) of every distinct node as if its aliases were copied out; an
    iterative post-order walk, so that the walk itself cannot run out of stack."""
    extent: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()  # on the path from the root to the current node
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            sizes = [extent[id(child)] for child in _children(node)]
            extent[id(node)] = (
                1 + sum(size for size, _ in sizes),
                1 + max((depth for _, depth in sizes), default=0),
            )
            open_nodes.discard(id(node))
            continue
        if id(node) in extent:
            continue
        if id(node) in open_nodes:
            raise _LimitError(
                "an alias refers to a value that contains it: expected values that do "
                "not contain themselves",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    return extent


def _top_level_entries(root: Node) -> list[tuple[Loc, Node]]:
    if isinstance(root, MappingNode) and root.value:
        return [
            ((key.value if isinstance(key, ScalarNode) else "?",), value)
            for key, value in root.value
        ]
    return [((), root)]


def _distinct_nodes(root: Node) -> Iterator[tuple[Loc, Node]]:
    """Every distinct node once, in document order, with the path it first appears at."""
    seen: set[int] = set()
    stack: list[tuple[Loc, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        if isinstance(node, MappingNode):
            steps: list[tuple[Loc, Node]] = []
            for key, value in node.value:
                step = (*path, _short(key.value) if isinstance(key, ScalarNode) else "?")
                steps += [(step, key), (step, value)]
        elif isinstance(node, SequenceNode):
            steps = [((*path, index), item) for index, item in enumerate(node.value)]
        else:
            steps = []
        stack.extend(reversed(steps))


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...({len(text):,} characters)"


def format_loc(loc: Sequence[str | int]) -> str:
    """`("markets", "fx", "symbols", 1)` -> `markets.fx.symbols[1]`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
