"""The domains stand in layers (ARCHITECTURE.md §4): each imports core and the domains below it, never
one above; a lower domain announces events that higher ones subscribe to in their own init_app."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
LAYERS = ["core", "org", "checklists", "inspections", "mystery", "rectification", "complaints", "volumes",
          "reports", "satisfaction", "meetings", "quarterly"]


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


REQUEST_HANDLERS = ("views.py", "api.py", "auth_api.py", "desk.py", "mystery_views.py", "mystery_api.py",
                    "audit_views.py", "cli.py")


def test_request_handlers_ask_the_policies_and_never_test_roles():
    """core/permissions.py: views, API handlers and commands call authorize()/can() or a policy's scope."""
    offenders = []
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if path.name not in REQUEST_HANDLERS:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "role" \
                        and isinstance(node.left.value, ast.Name) and node.left.value.id in ("current_user", "actor", "user"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_an_undeclared_kind_of_inspection_is_kept_as_secret_as_the_most_guarded():
    from inspections.kinds import kind_of, open_kinds

    unknown = kind_of("unheard-of")
    assert unknown.secret_until_published and unknown.by_vendor and not unknown.names_staff
    assert not unknown.failures_at_submit
    assert "unheard-of" not in open_kinds()


def test_the_mystery_package_declares_its_kind(app):
    from inspections.kinds import kind_of, open_kinds
    from mystery.fraud import flags_for
    from mystery.visits import keep_submit_checks

    mystery = kind_of("mystery")
    assert mystery.secret_until_published and mystery.by_vendor and mystery.submit_checks is flags_for
    assert mystery.keep_submit_checks is keep_submit_checks
    assert set(open_kinds()) == {"onsite", "7s", "remote"}
