"""The scoring engine on the four default checklists, with the expected numbers worked by hand."""
from __future__ import annotations

import pytest

from checklists import definition
from checklists.scoring import hidden_items, score
from tests.checklists.conftest import DEFAULT_FILES

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
