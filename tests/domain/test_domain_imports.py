"""The domain imports only the standard library and itself (the import-linter contract
names the installed packages; this test catches any other, present or future)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import tradewind.domain

DOMAIN = Path(tradewind.domain.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def test_every_domain_module_imports_only_the_standard_library_and_the_domain() -> None:
    offenders = {}
    for path in sorted(DOMAIN.rglob("*.py")):
        foreign = {
            name
            for name in _imported_roots(path)
            if name.split(".")[0] not in sys.stdlib_module_names
            and name != "tradewind.domain"
            and not name.startswith("tradewind.domain.")
        }
        if foreign:
            offenders[path.name] = sorted(foreign)
    assert not offenders, offenders


def test_the_check_sees_an_import_from_another_layer(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from tradewind.engine import kernel\nimport numpy as np\nimport json\n")
    assert _imported_roots(module) == {"tradewind.engine", "numpy", "json"}
