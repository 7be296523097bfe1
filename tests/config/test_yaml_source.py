"""The YAML layer: line lookup, duplicate keys, YAML 1.2 scalars."""

from __future__ import annotations

import textwrap

import pytest

from tradewind.config import ConfigError
from tradewind.config.yaml_source import duplicate_key_issues, format_loc, parse_yaml

TEXT = textwrap.dedent(
    """\
    markets:
      crypto:
        symbols:
          - BTC-USD
          - ETH-USD
    risk:
      global: {max_leverage: 2}
    """
)


def test_line_of_follows_keys_and_list_items() -> None:
    document = parse_yaml(TEXT, "t.yaml")
    assert document.line_of(("markets",)) == 1
    assert document.line_of(("markets", "crypto", "symbols", 1)) == 5
    assert document.line_of(("risk", "global", "max_leverage")) == 7
    # a missing leaf reports its deepest existing ancestor
    assert document.line_of(("markets", "crypto", "provider")) == 2
    assert document.line_of(("nothing",)) is None
    assert document.contains(("markets", "crypto", "symbols", 0))
    assert not document.contains(("markets", "crypto", "symbols", 9))


def test_duplicate_keys_are_found_inside_lists() -> None:
    document = parse_yaml("rules:\n  - {start: '09:00', start: '10:00'}\n", "t.yaml")
    (issue,) = duplicate_key_issues(document.root)
    assert issue.field == "rules[0].start"
    assert issue.line == 2


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("010", 10),
        ("0x1F", 31),
        ("0o17", 15),
        ("1_000", 1000),
        ("1e3", 1000.0),
        ("2.5", 2.5),
        ("yes", "yes"),
        ("off", "off"),
        ("true", True),
        ("FALSE", False),
        ("17:00", "17:00"),
        ("1:30:00", "1:30:00"),
        ("2024-01-02", __import__("datetime").date(2024, 1, 2)),
    ],
)
def test_scalars_resolve_like_yaml_1_2(scalar: str, value: object) -> None:
    assert parse_yaml(f"v: {scalar}\n", "t.yaml").data == {"v": value}


def test_format_loc_renders_indexes() -> None:
    assert format_loc(("markets", "fx", "symbols", 1)) == "markets.fx.symbols[1]"
    assert format_loc(()) == ""


def test_syntax_error_carries_position() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml("a: [1, 2\nb: 3\n", "t.yaml")
    (issue,) = caught.value.issues
    assert issue.line is not None
    assert issue.column is not None
    assert str(caught.value).startswith("t.yaml: line ")
