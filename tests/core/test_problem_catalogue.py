"""The API's problem codes: every code the code names is in the catalogue, the catalogue is the documented
list, and an error without a code of its own carries its status's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import transitions
from core.errors import Conflict, OperationError
from core.problems import BY_STATUS, PROBLEMS, problem_for

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "org", "checklists", "inspections", "mystery", "rectification", "complaints", "volumes",
            "reports", "satisfaction", "meetings", "quarterly")
NAMED = re.compile(r"""\bproblem\s*(?::\s*str\s*)?=\s*["']([a-z_]+)["']""")


def _named_in_code() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found |= set(NAMED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_problem_the_code_names_is_in_the_catalogue():
    named = _named_in_code()
    assert {"wrong_credentials", "answers_incomplete", "stale_version", "photo_too_large"} <= named
    assert named <= set(PROBLEMS), sorted(named - set(PROBLEMS))
    assert set(BY_STATUS.values()) <= set(PROBLEMS)


def test_the_catalogue_is_the_documented_list():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "api-problems.md").read_text(encoding="utf-8"),
                                re.MULTILINE))
    assert documented == set(PROBLEMS)


def test_an_error_without_a_code_of_its_own_has_its_statuss():
    assert OperationError("x").problem is None and problem_for(422) == "validation_failed"
    assert problem_for(Conflict("x").status) == "conflict" and problem_for(418) == "bad_request"
    assert problem_for(409, "photos_missing") == "photos_missing"


def test_a_lost_race_is_a_stale_version(db, org):
    outlet = org.outlet_a
    with pytest.raises(Conflict) as caught:
        transitions.move(outlet, "no such state", "changed meanwhile", column="code", name="renamed")
    assert caught.value.problem == "stale_version" and caught.value.status == 409
