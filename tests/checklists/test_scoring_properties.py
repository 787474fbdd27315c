"""Properties of the scoring engine over random checklists and answers (hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists import definition
from checklists.scoring import hidden_items, score
from tests.checklists.scoring_helpers import T, checklist, opt

# --- properties ------------------------------------------------------------------------------------------

GRADE_SETS = [
    None,
    [{"grade": "P", "min": 50, "label": T("过", "Pass")}, {"grade": "F", "min": 0, "label": T("否", "Fail")}],
    [{"grade": "G1", "min": 95}, {"grade": "G2", "min": 70.5}, {"grade": "G3", "min": 0}],
]
points_st = st.one_of(st.integers(0, 20), st.sampled_from([0.5, 2.5, 7.25, 100]))


@st.composite
def item_st(draw, key: str, grade_names: list[str]) -> dict:
    kind = draw(st.sampled_from(["check", "check", "scale", "choice", "choice", "number", "duration",
                                 "text", "photo", "signature"]))
    item = {"key": key, "type": kind, "label": T(key, key)}
    if kind in ("text", "photo", "signature"):
        return item
    points = draw(points_st)
    item.update(points=points, allow_na=draw(st.booleans()))
    rule = draw(st.sampled_from(["none", "none", "none", "zero_section", "zero_inspection", "cap_grade"]))
    if rule != "none":
        item["critical"] = rule
        if rule == "cap_grade":
            item["cap_grade"] = draw(st.sampled_from(grade_names))
    if kind == "scale":
        top = draw(st.integers(1, 5))
        item["scale"] = {"max": top, "labels": [T(str(n), str(n)) for n in range(top + 1)]}
        if draw(st.booleans()):
            item["pass_min"] = draw(st.integers(0, top))
    elif kind == "choice":
        count = draw(st.integers(2, 4))
        item["multiple"] = draw(st.booleans())
        item["options"] = [
            opt(f"o{n}", draw(st.sampled_from(sorted({0, points / 2, points}))), draw(st.booleans()))
            for n in range(count)]
    elif kind == "number":
        item.update(min=0, max=100)
        threshold = draw(st.sampled_from(["pass_min", "pass_max", "both"]))
        if threshold in ("pass_min", "both"):
            item["pass_min"] = draw(st.integers(0, 50))
        if threshold in ("pass_max", "both"):
            item["pass_max"] = draw(st.integers(50, 100))
    elif kind == "duration":
        item.update(pass_max=draw(st.integers(0, 600)), max=3600)
    return item


def condition_for(draw, source: dict) -> str:
    key, kind = source["key"], source["type"]
    if kind == "check":
        return f"{key} {draw(st.sampled_from(['=', '!=']))} {draw(st.sampled_from(['pass', 'fail', 'na']))}"
    if kind == "choice":
        return f"{key} {draw(st.sampled_from(['=', '!=']))} {draw(st.sampled_from([o['key'] for o in source['options']]))}"
    if kind in ("scale", "number", "duration"):
        return f"{key} {draw(st.sampled_from(['>', '>=', '<', '<=', '=']))} {draw(st.integers(0, 5))}"
    return f"{key} != nothing"


@st.composite
def checklist_st(draw) -> definition.Checklist:
    grades = draw(st.sampled_from(GRADE_SETS))
    grade_names = [g["grade"] for g in grades] if grades else ["A", "B", "C", "D"]
    sections, earlier, number = [], [], 0
    for s in range(draw(st.integers(1, 3))):
        items = []
        for _ in range(draw(st.integers(1, 4))):
            item = draw(item_st(f"i{number}", grade_names))
            number += 1
            if earlier and draw(st.integers(0, 3)) == 0:
                # Conditions name only earlier items, so they can never form a cycle.
                sources = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2, unique_by=lambda i: i["key"]))
                joiner = draw(st.sampled_from([" and ", " or "]))
                item["condition"] = joiner.join(condition_for(draw, source) for source in sources)
            items.append(item)
            earlier.append(item)
        sections.append((f"s{s}", items))
    return checklist(*sections, grades=grades)


def answer_st(item: definition.Item):
    if item.type == "check":
        valid = st.sampled_from(["pass", "fail"])
    elif item.type == "scale":
        valid = st.integers(0, item.scale_max)
    elif item.type == "choice":
        keys = [o.key for o in item.options]
        valid = st.lists(st.sampled_from(keys), min_size=1, unique=True) if item.multiple else st.sampled_from(keys)
    elif item.type == "number":
        valid = st.integers(0, 100)
    elif item.type == "duration":
        valid = st.integers(0, 1200)
    else:
        valid = st.just("something")
    # None: left unanswered (the key is then dropped); "bogus": a value the item cannot take.
    return st.one_of(valid, valid, valid, st.just("na"), st.none(), st.just("bogus"))


@st.composite
def scenario_st(draw):
    cl = draw(checklist_st())
    answers = {}
    for item in cl.all_items():
        value = draw(answer_st(item))
        if value is not None:
            answers[item.key] = value
    return cl, answers


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def condition_sources(cl: definition.Checklist) -> set[str]:
    return {key for item in cl.all_items() if item.condition for key in item.condition.keys}


@PROPERTY
@given(scenario_st())
def test_scores_stay_within_bounds(scenario):
    cl, answers = scenario
    result = score(cl, answers)
    assert 0 <= result.score <= result.max + 1e-9
    assert 0 <= result.percent <= 100
    assert result.grade in [g.grade for g in cl.grades]
    for section in result.sections:
        assert 0 <= section.score <= section.max + 1e-9
    for item in result.items.values():
        assert 0 <= item.score <= item.max + 1e-9
        if item.state in ("hidden", "na"):
            assert item.score == item.max == 0
    assert result.max == pytest.approx(sum(s.max for s in result.sections))
    if not result.zeroed:
        assert result.score == pytest.approx(sum(s.score for s in result.sections), abs=1e-3)
    assert set(result.items) == set(cl.items_by_key)


@PROPERTY
@given(scenario_st())
def test_na_instead_of_a_lost_item_never_lowers_the_percentage(scenario):
    """Replacing a failing (scoring 0) or unanswered item's answer with N-A, where N-A is allowed, never
    lowers the percentage. Excluded by the format itself: an item that a condition names (its answer
    changes what else is shown) and a failing answer with partial credit (a scale value below pass_min
    still earns points × value / max)."""
    cl, answers = scenario
    result = score(cl, answers)
    sources = condition_sources(cl)
    for key, item_result in result.items.items():
        item = cl.item(key)
        lost = item_result.state == "unanswered" or (item_result.failed and item_result.score == 0)
        if not lost or not item.allow_na or key in sources:
            continue
        replaced = score(cl, dict(answers, **{key: "na"}))
        assert replaced.percent >= result.percent, key
        assert replaced.items[key].state == "na"


@PROPERTY
@given(scenario_st(), st.randoms(use_true_random=False))
def test_answer_order_never_matters(scenario, rng):
    cl, answers = scenario
    keys = list(answers)
    rng.shuffle(keys)
    shuffled = {key: answers[key] for key in keys}
    assert score(cl, shuffled) == score(cl, answers)


@PROPERTY
@given(scenario_st())
def test_failing_critical_items_apply_their_rule(scenario):
    cl, answers = scenario
    result = score(cl, answers)
    names = [g.grade for g in cl.grades]
    sections = {s.key: s for s in result.sections}
    failing = [cl.item(k) for k, r in result.items.items() if r.failed and cl.item(k).critical != "none"]
    assert sorted(result.critical_failures) == sorted(i.key for i in failing)
    for item in failing:
        section = result.items[item.key].section
        if item.critical == "zero_section":
            assert sections[section].score == 0 and sections[section].zeroed
        elif item.critical == "zero_inspection":
            assert result.score == 0 and result.percent == 0 and result.zeroed
            assert result.grade == names[-1]
        else:
            assert names.index(result.grade) >= names.index(item.cap_grade)
    if not any(i.critical == "zero_inspection" for i in failing):
        assert not result.zeroed
    if not any(i.critical == "cap_grade" for i in failing):
        assert not result.grade_capped


@PROPERTY
@given(scenario_st())
def test_scoring_is_deterministic(scenario):
    cl, answers = scenario
    first = score(cl, answers)
    assert score(cl, answers) == first
    # A freshly parsed copy (no compiled cache) gives the same result.
    fresh = definition.parse(definition.dump(cl))
    assert score(fresh, dict(answers)) == first


@PROPERTY
@given(scenario_st())
def test_hidden_items_are_exactly_those_whose_condition_fails(scenario):
    cl, answers = scenario
    hidden = hidden_items(cl, answers)
    visible = {k: v for k, v in answers.items() if k not in hidden}
    for item in cl.all_items():
        if item.condition is None:
            assert item.key not in hidden
        else:
            assert (item.key in hidden) == (not item.condition.holds(visible))


def test_the_strategy_builds_varied_checklists():
    """Guard against a strategy that quietly stopped producing conditions or critical items."""
    seen = {"condition": 0, "critical": 0, "multiple": 0}
    examples = []

    @settings(max_examples=60, deadline=None, database=None)
    @given(checklist_st())
    def collect(cl):
        examples.append(cl)

    collect()
    for cl in examples:
        items = list(cl.all_items())
        seen["condition"] += any(i.condition for i in items)
        seen["critical"] += any(i.critical != "none" for i in items)
        seen["multiple"] += any(i.multiple for i in items)
    assert all(count > 0 for count in seen.values()), seen
