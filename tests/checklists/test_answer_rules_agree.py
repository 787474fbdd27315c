"""The rules for a valid answer live in one place (inspections/validation.py, the gate every answer
passes); the scoring engine keeps its own fast copy of them. They must agree: an answer the gate
accepts is never scored as unanswered, and one the engine cannot score is refused at the gate."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklists import scoring
from checklists.definition import Checklist, parse
from checklists.seed import default_documents
from inspections.validation import LARGEST_NUMBER, value_problem

SCORED = ("check", "scale", "choice", "number", "duration")


def _checklists() -> list[Checklist]:
    return [parse(document) for document in default_documents()]


def _items():
    """One item of each shape (type, limits, options) in the default checklists."""
    shapes = {}
    for checklist in _checklists():
        for item in checklist.all_items():
            if item.type in SCORED:
                shape = (item.type, item.allow_na, item.scale_max, item.min, item.max, item.multiple,
                         tuple(option.key for option in item.options))
                shapes.setdefault(shape, (checklist, item))
    return list(shapes.values())


def _candidates(item) -> st.SearchStrategy:
    keys = [option.key for option in item.options] if item.type == "choice" else []
    plain = st.one_of(
        st.sampled_from(["pass", "fail", "na", "", "PASS", *keys]),
        st.integers(min_value=-5, max_value=200), st.floats(min_value=-5, max_value=5000, allow_nan=False),
        st.floats(min_value=LARGEST_NUMBER / 2, max_value=LARGEST_NUMBER * 2), st.booleans(), st.text(max_size=5),
    )
    return st.one_of(plain, st.lists(st.sampled_from([*keys, "nope"]) if keys else plain, max_size=4))


@pytest.mark.parametrize(("checklist", "item"), _items(), ids=lambda value: getattr(value, "key", ""))
def test_the_gate_and_the_engine_accept_the_same_answers(checklist, item):
    @settings(max_examples=150, deadline=None)
    @given(_candidates(item))
    def agree(value):
        accepted = value_problem(item, value) is None
        state = scoring.score(checklist, {item.key: value}).items[item.key].state
        if state == "hidden":
            return
        assert accepted == (state != "unanswered"), (item.key, item.type, value, state)

    agree()
