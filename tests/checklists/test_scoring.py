"""The scoring engine (checklists/scoring.py): hand-computed worked examples on small checklists."""
from __future__ import annotations

import pytest

from checklists import definition
from checklists.scoring import hidden_items, score
from tests.checklists.scoring_helpers import T, check, checklist, opt

# --- a small checklist with every scored type ------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    return checklist(
        ("service", [
            check("greet", 4),
            {"key": "tidy", "type": "scale", "label": T("整洁", "Tidy"), "points": 8, "pass_min": 2,
             "scale": {"max": 4, "labels": [T(str(n), str(n)) for n in range(5)]}},
            {"key": "attitude", "type": "choice", "label": T("态度", "Attitude"), "points": 3,
             "options": [opt("warm", 3), opt("ok", 2), opt("rude", 0, fail=True)]},
            {"key": "extras", "type": "choice", "label": T("便民", "Extras"), "points": 4, "multiple": True,
             "options": [opt("water", 2), opt("glasses", 1), opt("seat", 2), opt("broken", 0, fail=True)]},
        ]),
        ("queue", [
            {"key": "waiting", "type": "number", "label": T("排队", "Waiting"), "points": 5, "min": 0,
             "max": 100, "pass_max": 10},
            {"key": "wait_time", "type": "duration", "label": T("等候", "Wait"), "points": 6, "pass_max": 600},
            {"key": "notes", "type": "text", "label": T("备注", "Notes")},
        ]),
        ("vip", [
            {"key": "vip", "type": "choice", "label": T("贵宾", "VIP"), "allow_na": False,
             "options": [opt("present", 0), opt("absent", 0)]},
            check("vip_greeted", 2, condition="vip = present"),
            check("vip_escorted", 3, condition="vip_greeted = pass"),   # a chain: vip → vip_greeted → here
        ]),
    )


ALL_PASS = {"greet": "pass", "tidy": 4, "attitude": "warm", "extras": ["water", "seat"], "waiting": 3,
            "wait_time": 120, "notes": "ok", "vip": "present", "vip_greeted": "pass", "vip_escorted": "pass"}


def test_all_pass_is_full_marks(small):
    result = score(small, ALL_PASS)
    # max: 4 + 8 + 3 + 4 (service 19) + 5 + 6 (queue 11) + 2 + 3 (vip 5) = 35; everything earned.
    assert (result.score, result.max, result.percent, result.grade) == (35, 35, 100.0, "A")
    assert [(s.key, s.score, s.max) for s in result.sections] == \
        [("service", 19, 19), ("queue", 11, 11), ("vip", 5, 5)]
    assert result.failed_items == () and result.critical_failures == ()
    assert result.grade_capped is False and result.zeroed is False


def test_worked_example_with_every_type(small):
    answers = {
        "greet": "pass",                       # 4 of 4
        "tidy": 3,                             # 8 × 3/4 = 6 of 8, passes (3 ≥ pass_min 2)
        "attitude": "ok",                      # 2 of 3
        "extras": ["water", "seat", "glasses"],  # 2 + 2 + 1 = 5, capped at the item's 4: 4 of 4
        "waiting": 12,                         # 12 > pass_max 10: fails, 0 of 5
        "wait_time": "na",                     # N-A: out of score and maximum
        "notes": "busy morning",               # text: 0 of 0
        "vip": "absent",                       # vip_greeted hidden, and so vip_escorted (chain)
        "vip_greeted": "pass", "vip_escorted": "pass",  # answers of hidden items are ignored
    }
    result = score(small, answers)
    # service 4 + 6 + 2 + 4 = 16 of 19; queue 0 of 5; vip 0 of 0.  Total 16 / 24 = 66.666… → 66.67 % → C
    assert [(s.key, s.score, s.max) for s in result.sections] == \
        [("service", 16, 19), ("queue", 0, 5), ("vip", 0, 0)]
    assert (result.score, result.max, result.percent, result.grade) == (16, 24, 66.67, "C")
    assert result.items["tidy"].score == 6 and result.items["tidy"].failed is False
    assert result.items["extras"].score == 4
    assert result.items["waiting"].failed is True
    assert result.items["wait_time"].state == "na" and result.items["wait_time"].max == 0
    assert result.items["vip_greeted"].state == "hidden" and result.items["vip_escorted"].state == "hidden"
    assert result.failed_items == ("waiting",)
    assert result.sections[2].percent is None and result.sections[0].percent == round(16 / 19 * 100, 2)


def test_failures_of_each_type(small):
    answers = dict(ALL_PASS, greet="fail", tidy=1, attitude="rude", extras=["glasses", "broken"], waiting=11,
                   wait_time=601)
    result = score(small, answers)
    # greet 0/4; tidy 8 × 1/4 = 2 of 8 but fails (1 < 2); attitude rude 0/3 fails;
    # extras 1 + 0 = 1 of 4, fails (broken); waiting 11 > 10 fails 0/5; wait_time 601 > 600 fails 0/6;
    # vip 2 + 3 = 5 of 5.  Total 0 + 2 + 0 + 1 + 0 + 0 + 5 = 8 of 35 = 22.857… → 22.86 % → D
    assert (result.score, result.max, result.percent, result.grade) == (8, 35, 22.86, "D")
    assert result.failed_items == ("greet", "tidy", "attitude", "extras", "waiting", "wait_time")
    assert result.items["tidy"].score == 2 and result.items["extras"].score == 1


def test_pass_thresholds_are_inclusive(small):
    result = score(small, dict(ALL_PASS, tidy=2, waiting=10, wait_time=600))
    # tidy 8 × 2/4 = 4 of 8, passes at pass_min; waiting 10 and wait_time 600 pass at pass_max.
    # Total 35 − 4 = 31 of 35 = 88.571… → 88.57 % → B
    assert result.failed_items == ()
    assert (result.score, result.percent, result.grade) == (31, 88.57, "B")


def test_unanswered_items_keep_their_maximum(small):
    answers = {k: v for k, v in ALL_PASS.items() if k not in ("greet", "wait_time")}
    result = score(small, answers)
    # greet (4) and wait_time (6) unanswered: 0 earned, still in the maximum.  25 / 35 = 71.428… → 71.43 % → C
    assert result.items["greet"].state == "unanswered" and result.items["greet"].max == 4
    assert (result.score, result.max, result.percent, result.grade) == (25, 35, 71.43, "C")
    assert result.failed_items == ()  # unanswered is not failed


def test_values_an_item_cannot_take_count_as_unanswered(small):
    answers = dict(ALL_PASS, greet="yes", tidy=5, attitude="purple", extras=["water", "water"], waiting=101,
                   wait_time=-5)
    result = score(small, answers)
    for key in ("greet", "tidy", "attitude", "extras", "waiting", "wait_time"):
        assert result.items[key].state == "unanswered", key
    # Only vip's 5 earned: 5 / 35 = 14.285… → 14.29 %
    assert (result.score, result.max, result.percent) == (5, 35, 14.29)


def test_na_where_not_allowed_is_unanswered(small):
    result = score(small, dict(ALL_PASS, vip="na"))
    # vip refuses N-A: unanswered; its condition-dependants are hidden (na ≠ present). 30 / 30.
    assert result.items["vip"].state == "unanswered"
    assert hidden_items(small, dict(ALL_PASS, vip="na")) == {"vip_greeted", "vip_escorted"}
    assert (result.score, result.max, result.percent) == (30, 30, 100.0)


def test_condition_chain(small):
    # vip present, greeted fail → escorted (shown when vip_greeted = pass) is hidden.
    result = score(small, dict(ALL_PASS, vip_greeted="fail"))
    assert result.items["vip_greeted"].state == "answered" and result.items["vip_escorted"].state == "hidden"
    # 35 − 3 (escorted hidden) = 32 maximum; 32 − 2 (greeted failed) = 30.  30 / 32 = 93.75 % → A
    assert (result.score, result.max, result.percent, result.grade) == (30, 32, 93.75, "A")
    # vip present and the greeting unanswered: escorted hidden too (its condition cannot hold yet).
    answers = {k: v for k, v in ALL_PASS.items() if k != "vip_greeted"}
    assert hidden_items(small, answers) == {"vip_escorted"}
    # vip absent: both hidden although both were answered "pass".
    assert hidden_items(small, dict(ALL_PASS, vip="absent")) == {"vip_greeted", "vip_escorted"}


def test_condition_operators():
    cl = checklist(("s", [
        check("gate", 1),
        {"key": "count", "type": "number", "label": T("数", "Count"), "points": 1, "pass_max": 5},
        {"key": "pick", "type": "choice", "label": T("选", "Pick"), "points": 2, "multiple": True,
         "options": [opt("a", 1), opt("b", 1)]},
        check("if_not_pass", 1, condition="gate != pass"),
        check("if_many", 1, condition="count > 10 or count <= 0"),
        check("if_both", 1, condition="gate = pass and count >= 3"),
        check("if_picked_b", 1, condition="pick = b"),
        check("if_exactly_7", 1, condition="count = 7"),
    ]))
    assert hidden_items(cl, {"gate": "pass", "count": 3, "pick": ["a"]}) == \
        {"if_not_pass", "if_many", "if_picked_b", "if_exactly_7"}
    assert hidden_items(cl, {"gate": "fail", "count": 11, "pick": ["a", "b"]}) == {"if_both", "if_exactly_7"}
    assert hidden_items(cl, {"gate": "na", "count": 7.0, "pick": ["b"]}) == {"if_many", "if_both"}
    assert hidden_items(cl, {"count": 0}) == {"if_not_pass", "if_both", "if_picked_b", "if_exactly_7"}


# --- critical rules ----------------------------------------------------------------------------------

def critical_checklist(rule: str, cap: str | None = None) -> definition.Checklist:
    extra = {"critical": rule, **({"cap_grade": cap} if cap else {})}
    return checklist(("a", [check("a1", 10, severity="critical", **extra), check("a2", 10)]),
                     ("b", [check("b1", 20), check("b2", 20)]))


PASSING = {"a1": "pass", "a2": "pass", "b1": "pass", "b2": "pass"}


def test_zero_section():
    result = score(critical_checklist("zero_section"), dict(PASSING, a1="fail"))
    # Section a would be 0 + 10 = 10 of 20, but a1 zeroes it: 0 of 20.  b 40 of 40.
    # Total 40 / 60 = 66.666… → 66.67 % → C
    assert [(s.key, s.score, s.max, s.zeroed) for s in result.sections] == \
        [("a", 0, 20, True), ("b", 40, 40, False)]
    assert (result.score, result.max, result.percent, result.grade) == (40, 60, 66.67, "C")
    assert result.critical_failures == ("a1",) and result.zeroed is False


def test_zero_inspection():
    result = score(critical_checklist("zero_inspection"), dict(PASSING, a1="fail"))
    # Would be 50 / 60; a1 scores the whole inspection 0: 0 / 60 = 0 % → D
    assert (result.score, result.max, result.percent, result.grade) == (0, 60, 0.0, "D")
    assert result.zeroed is True and result.critical_failures == ("a1",)


def test_cap_grade_caps():
    result = score(critical_checklist("cap_grade", "C"), dict(PASSING, a1="fail"))
    # 50 / 60 = 83.333… → 83.33 % would be B; capped at C.
    assert (result.score, result.percent, result.grade, result.grade_capped) == (50, 83.33, "C", True)


def test_cap_grade_leaves_a_worse_grade_alone():
    result = score(critical_checklist("cap_grade", "C"), dict(PASSING, a1="fail", b1="fail", b2="fail"))
    # 10 / 60 = 16.666… → 16.67 % → D, already worse than the cap C.
    assert (result.percent, result.grade, result.grade_capped) == (16.67, "D", False)


def test_two_caps_the_worst_wins():
    cl = checklist(("s", [check("x", 10, critical="cap_grade", cap_grade="B"),
                          check("y", 10, critical="cap_grade", cap_grade="C"), check("z", 80)]))
    result = score(cl, {"x": "fail", "y": "fail", "z": "pass"})
    # 80 / 100 = 80 % → B; caps B and C: the worse, C.
    assert (result.percent, result.grade, result.grade_capped) == (80.0, "C", True)
    assert result.critical_failures == ("x", "y")


@pytest.mark.parametrize("rule,cap", [("zero_section", None), ("zero_inspection", None), ("cap_grade", "D")])
@pytest.mark.parametrize("answer", ["pass", "na", None])
def test_a_critical_item_that_does_not_fail_changes_nothing(rule, cap, answer):
    answers = dict(PASSING, b1="fail")
    if answer is None:
        answers.pop("a1")
    else:
        answers["a1"] = answer
    result = score(critical_checklist(rule, cap), answers)
    # pass: 40 / 60 = 66.67 % C; na: 30 / 50 = 60 % C; unanswered: 30 / 60 = 50 % D
    expected = {"pass": (40, 66.67, "C"), "na": (30, 60.0, "C"), None: (30, 50.0, "D")}[answer]
    assert (result.score, result.percent, result.grade) == expected
    assert result.critical_failures == () and not result.zeroed and not result.grade_capped


def test_hidden_critical_item_does_not_apply_its_rule():
    cl = checklist(("s", [check("gate", 10), check("red", 10, critical="zero_inspection", condition="gate = pass")]))
    result = score(cl, {"gate": "fail", "red": "fail"})
    assert result.items["red"].state == "hidden" and result.zeroed is False and result.critical_failures == ()


def test_zero_point_veto_item_zeroes_even_when_nothing_else_counts():
    """A red-line item worth no points (a pure veto) still zeroes the inspection: 0 %, the worst grade,
    even when every scored item is N-A (maximum 0)."""
    cl = checklist(("s", [check("veto", 0, critical="zero_inspection"), check("other", 10)]))
    assert score(cl, {"veto": "fail", "other": "pass"}).percent == 0.0
    result = score(cl, {"veto": "fail", "other": "na"})
    assert result.zeroed is True
    assert (result.score, result.max, result.percent, result.grade) == (0, 0, 0.0, "D")
    # Without the failure an all-N-A inspection is 100 % (nothing could be lost).
    assert score(cl, {"veto": "pass", "other": "na"}).percent == 100.0


# --- grade bands -------------------------------------------------------------------------------------

@pytest.mark.parametrize("earned,lost,percent,grade", [
    (100, 0, 100.0, "A"), (90, 10, 90.0, "A"), (89.99, 10.01, 89.99, "B"), (80, 20, 80.0, "B"),
    (79.99, 20.01, 79.99, "C"), (60, 40, 60.0, "C"), (59.99, 40.01, 59.99, "D"), (0, 100, 0.0, "D"),
])
def test_default_grade_bands_at_their_boundaries(earned, lost, percent, grade):
    cl = checklist(("s", [check("earned", earned), check("lost", lost)]))
    result = score(cl, {"earned": "pass", "lost": "fail"} if earned else {"lost": "fail", "earned": "na"})
    # earned / (earned + lost) × 100, e.g. 89.99 / 100 × 100 = 89.99 → B (A needs ≥ 90)
    assert (result.percent, result.grade) == (percent, grade)


def test_custom_grade_bands():
    grades = [{"grade": "P", "min": 75, "label": T("通过", "Pass")}, {"grade": "F", "min": 0, "label": T("否", "Fail")}]
    cl = checklist(("s", [check("a", 75), check("b", 25, critical="cap_grade", cap_grade="F")]), grades=grades)
    assert score(cl, {"a": "pass", "b": "na"}).grade == "P"       # 75 / 75 = 100 %
    assert score(cl, {"a": "fail", "b": "pass"}).grade == "F"     # 25 / 100 = 25 %
    result = score(cl, {"a": "pass", "b": "fail"})                 # 75 / 100 = 75 % → P, capped at F
    assert (result.percent, result.grade, result.grade_capped) == (75.0, "F", True)


def test_an_empty_maximum_is_100_percent():
    cl = checklist(("s", [check("a", 5), {"key": "t", "type": "text", "label": T("文", "Text")}]))
    result = score(cl, {"a": "na", "t": "x"})
    assert (result.score, result.max, result.percent, result.grade) == (0, 0, 100.0, "A")
