"""The domains stand in layers (ARCHITECTURE.md §4): each imports core and the domains below it, never
one above; a lower domain announces events that higher ones subscribe to in their own init_app."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
LAYERS = ["core", "org", "checklists", "inspections", "rectification", "reports"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", LAYERS)
def test_a_domain_imports_nothing_from_the_domains_above_it(package):
    above = set(LAYERS[LAYERS.index(package) + 1:])
    upward = {str(path.relative_to(ROOT)): sorted(imported_packages(path) & above)
              for path in (ROOT / package).rglob("*.py")}
    assert {path: names for path, names in upward.items() if names} == {}
