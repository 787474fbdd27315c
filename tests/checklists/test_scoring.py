"""The scoring engine (checklists/scoring.py): hand-computed worked examples, then properties."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists import definition
from checklists.scoring import hidden_items, score
from tests.checklists.conftest import DEFAULT_FILES


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def opt(key: str, points: float, fail: bool = False) -> dict:
    return {"key": key, "label": T(key, key), "points": points, **({"fail": True} if fail else {})}


def checklist(*sections, grades=None, kind="onsite") -> definition.Checklist:
    data = {"kind": kind, "code": "scoring-test", "name": T("评分", "Scoring"),
            "sections": [{"key": key, "label": T(key, key), "items": items} for key, items in sections]}
    if grades is not None:
        data["grades"] = grades
    return definition.parse(data)


def check(key: str, points: float, **extra) -> dict:
    return {"key": key, "type": "check", "label": T(key, key), "points": points, **extra}


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


# --- the four defaults, by hand -------------------------------------------------------------------------

def passing(item: definition.Item):
    """A passing answer for any item type (the best option, the top of the scale)."""
    if item.type == "check":
        return "pass"
    if item.type == "scale":
        return item.scale_max
    if item.type == "choice":
        best = max((o for o in item.options if not o.fail), key=lambda o: o.points)
        return [best.key] if item.multiple else best.key
    if item.type in ("number", "duration"):
        for value in (item.pass_max, item.pass_min, item.min, 0):
            if value is not None:
                return value
    return "photo-1" if item.type == "photo" else "ok"


def all_pass(cl: definition.Checklist, **overrides) -> dict:
    answers = {item.key: passing(item) for item in cl.all_items()}
    answers.update(overrides)
    return answers


@pytest.fixture(scope="module")
def defaults():
    from checklists import textio
    from tests.checklists.conftest import DEFAULTS_DIR
    return {name: definition.parse(textio.load((DEFAULTS_DIR / name).read_bytes(), "yaml")) for name in DEFAULT_FILES}


def test_onsite_all_pass(defaults):
    cl = defaults["onsite.yaml"]
    result = score(cl, all_pass(cl, vip_customer_present="present", queue_waiting_count=10))
    # Points by section, from onsite.yaml:
    #   lobby 3+2+3+2+2+2+4 = 18; counter 3+2+3+2+3+2+3+2+2+3 = 25; vip 0+3+3+2+2+2 = 12;
    #   queue 4+3+3+2 = 12; facilities 2+3+4+1+1+1+1+1 = 14; environment 2+2+1+1+1+1 = 8;
    #   disclosure 2+2+5+2+1 = 12; complaints 3+2+2+2+2 = 11; record 0.  Sum 112.
    # queue_waiting_count 10 ≤ 15 hides queue_extra_windows_opened (3): maximum 109, all earned.
    assert (result.score, result.max, result.percent, result.grade) == (109, 109, 100.0, "A")
    assert hidden_items(cl, all_pass(cl, vip_customer_present="present", queue_waiting_count=10)) == \
        {"queue_extra_windows_opened"}
    assert [s.max for s in result.sections] == [18, 25, 12, 9, 14, 8, 12, 11, 0]


def test_onsite_with_failures_capped_at_c(defaults):
    cl = defaults["onsite.yaml"]
    answers = all_pass(cl, vip_customer_present="absent",   # hides vip_identified 3, vip_escorted 3,
                       #                                     vip_priority_service 2, vip_wealth_manager_reception 2
                       queue_waiting_count=20,             # > 15: fails (−3) and shows queue_extra_windows_opened
                       queue_extra_windows_opened="pass",  # +3 to score and maximum
                       lobby_order_overall=1,              # 4 × 1/4 = 1 of 4 (−3), fails (< pass_min 2)
                       counter_service_attitude="standard",  # 2 of 3 (−1)
                       lobby_greeting="fail",              # −2
                       facility_outage_notice="fail",      # −4, cap_grade C
                       env_promo_materials="na")           # out of the maximum (1)
    result = score(cl, answers)
    # maximum 112 − 10 (vip hidden) − 1 (N-A) = 101; score 101 − 3 − 3 − 1 − 2 − 4 = 88
    # 88 / 101 = 87.128… → 87.13 % → B, capped at C by facility_outage_notice.
    assert (result.score, result.max, result.percent) == (88, 101, 87.13)
    assert (result.grade, result.grade_capped) == ("C", True)
    assert result.critical_failures == ("facility_outage_notice",)
    assert set(result.failed_items) == {"queue_waiting_count", "lobby_order_overall", "lobby_greeting",
                                        "facility_outage_notice"}


def test_onsite_irregular_fees_zero_the_inspection(defaults):
    cl = defaults["onsite.yaml"]
    result = score(cl, all_pass(cl, vip_customer_present="present", queue_waiting_count=3,
                                disclosure_no_irregular_fees="fail"))
    # 109 maximum, 109 − 5 = 104 earned, but the zero_inspection red line makes it 0 / 109 = 0 % → D.
    assert (result.score, result.max, result.percent, result.grade, result.zeroed) == (0, 109, 0.0, "D", True)
    # complaint_hotline_posted is a zero_section rule: complaints 11 → 0; 109 − 11 = 98 → 89.91 % → B
    result = score(cl, all_pass(cl, vip_customer_present="present", queue_waiting_count=3,
                                complaint_hotline_posted="fail"))
    assert (result.score, result.percent, result.grade) == (98, 89.91, "B")
    assert next(s for s in result.sections if s.zeroed).key == "complaints"


def test_7s_with_failures(defaults):
    cl = defaults["7s.yaml"]
    assert score(cl, all_pass(cl)).percent == 100.0
    # seiri 2+2+1+2+2+1 = 10; seiton 3+2+1+2+1+2+1 = 12; seiso 2+2+1+1+1+2 = 9; seiketsu 2+2+2+2+1+3 = 12;
    # shitsuke 2+2+2+1+1+2 = 10; safety 3+3+2+2+2+2+2 = 16; saving 2+1+1+1+1+1 = 7.  Sum 76.
    assert score(cl, all_pass(cl)).max == 76
    result = score(cl, all_pass(cl, safety_vouchers_seals_locked="fail",  # zero_section: safety 16 → 0
                                seiri_drawers_sorted="fail",              # −2
                                saving_paper_reuse="na"))                 # maximum −1
    # maximum 75; score 75 − 16 − 2 = 57; 57 / 75 = 76 % → C
    assert (result.score, result.max, result.percent, result.grade) == (57, 75, 76.0, "C")
    safety = next(s for s in result.sections if s.key == "safety")
    assert (safety.score, safety.max, safety.zeroed) == (0, 16, True)


def test_remote_with_failures(defaults):
    cl = defaults["remote.yaml"]
    # greeting 3+2 = 5; posture 2+2+1+1 = 6; language 3+3+2 = 8; delivery 3+2 = 5; handling 0+3 = 3;
    # leaving 3+4 = 7; tidiness 2+2 = 4; notes 0.  Sum 38.
    assert (score(cl, all_pass(cl)).max, score(cl, all_pass(cl)).percent) == (38, 100.0)
    answers = all_pass(cl, remote_transaction_type="other", remote_handling_time=420,  # > 300 s: −3
                       remote_greeting_words="na", remote_standard_phrases="na",     # no audio: maximum −2 −3
                       remote_uniform="fail")                                        # −2
    result = score(cl, answers)
    # maximum 38 − 5 = 33; score 33 − 3 − 2 = 28; 28 / 33 = 84.848… → 84.85 % → B
    assert (result.score, result.max, result.percent, result.grade) == (28, 33, 84.85, "B")
    result = score(cl, dict(answers, remote_leave_lock_secure="fail"))
    # −4 more: 24 / 33 = 72.727… → 72.73 % → C; the cap C is not worse, so not "capped".
    assert (result.score, result.percent, result.grade, result.grade_capped) == (24, 72.73, "C", False)
    assert result.critical_failures == ("remote_leave_lock_secure",)


def test_mystery_with_failures(defaults):
    cl = defaults["mystery.yaml"]
    # arrival 0+1+3+3 = 7; waiting 0+4+2 = 6; teller 3+3+2+2+2+3 = 15; wealth_advice 3+4+4+2 = 13;
    # vip 0+3+3 = 6; complaint 0+3+2+3+2 = 10; environment 2+2+2 = 6; narrative 0.  Sum 63.
    result = score(cl, all_pass(cl, mys_vip_scenario="played", mys_complaint_scenario="played"))
    assert (result.score, result.max, result.grade) == (63, 63, "A")
    answers = all_pass(cl, mys_vip_scenario="not_played",   # hides mys_vip_identified 3 and mys_vip_guided 3
                       mys_complaint_scenario="played",
                       mys_wm_advice_quality=3,             # 4 × 3/4 = 3 of 4 (−1), passes (≥ 2)
                       mys_wm_risk_disclosure="fail")       # −4, cap_grade C
    result = score(cl, answers)
    # maximum 63 − 6 = 57; score 57 − 1 − 4 = 52; 52 / 57 = 91.228… → 91.23 % → A, capped at C
    assert (result.score, result.max, result.percent) == (52, 57, 91.23)
    assert (result.grade, result.grade_capped) == ("C", True)
    result = score(cl, dict(answers, mys_wait_time=1200, mys_teller_attitude="indifferent"))
    # wait 1200 s > 900: −4; indifferent 0 of 3 and fails: −3.  45 / 57 = 78.947… → 78.95 % → C (cap not worse)
    assert (result.score, result.percent, result.grade, result.grade_capped) == (45, 78.95, "C", False)
    assert set(result.failed_items) == {"mys_wm_risk_disclosure", "mys_wait_time", "mys_teller_attitude"}


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
