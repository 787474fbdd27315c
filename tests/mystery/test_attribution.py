"""The bank attributes a mystery report's failed and marked-down items, and only those, to its staff, or
marks one as not attributable to a person; a failed item that is neither holds the publication back."""
from __future__ import annotations

import re

import pytest

from inspections.models import Answer, Inspection
from mystery.models import MysteryVisit
from rectification.models import Finding
from tests.inspections.helpers import count, rows
from tests.mystery.helpers import FAILING_ITEM, visit_times
from tests.mystery.test_review import DESCRIBED, NARRATIVE, SECOND_FAILING
from tests.rectification.helpers import browser

MARKED_DOWN = "mys_wm_advice_quality"  # a scale of 0–4 that passes from 2: a 2 passes and loses two points
PASSED = "mys_teller_stand_greet"      # attributable, passed with full points


@pytest.fixture
def accepted(desk, shopper, visit):
    """An accepted report with two failed items and one passed with points lost: its UUID."""
    uuid = desk.file(shopper, visit, failing=DESCRIBED, narrative=NARRATIVE, **{MARKED_DOWN: 2},
                     **visit_times()).uuid
    assert desk.review(uuid, "accept").status_code == 200
    return uuid


def _report(desk, uuid, language="zh-CN") -> dict:
    reports = desk.client.get("/api/v1/mystery/reports", headers={**desk.admin_headers, "Accept-Language": language})
    return next(r for r in reports.get_json() if r["uuid"] == uuid)


def test_only_failed_and_marked_down_items_are_offered(app, desk, accepted, users):
    rows_offered = _report(desk, accepted)["attribution"]
    assert [(r["item_key"], r["failed"]) for r in rows_offered] == [
        (SECOND_FAILING, True), (FAILING_ITEM, True), (MARKED_DOWN, False)]
    assert rows_offered[0]["label"] == "进门后有员工主动问候"
    assert rows_offered[0]["staff_description"] == DESCRIBED[SECOND_FAILING]

    html = browser(app, users["admin"]).get(f"/admin/mystery/{accepted}").get_data(as_text=True)
    assert sorted(re.findall(r'<select name="staff_(\w+)"', html)) == sorted([SECOND_FAILING, FAILING_ITEM,
                                                                             MARKED_DOWN])
    assert html.count('<option value="none"') == 3 and "无法归属到个人" in html
    assert "扣分：得 2 分（满分 4 分）" in html


def test_a_passed_item_is_not_attributed(desk, accepted, org):
    staff_id = org.outlet_a.staff[0].id
    refused = desk.attribute(accepted, {PASSED: staff_id})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {PASSED: ["“柜员起立、微笑迎接”合格且未扣分，无需归属到员工。"]}
    marked = desk.attribute(accepted, {}, not_attributable=[PASSED])
    assert marked.status_code == 422 and list(marked.get_json()["errors"]) == [PASSED]
    both = desk.attribute(accepted, {FAILING_ITEM: staff_id}, not_attributable=[FAILING_ITEM])
    assert both.status_code == 422 and list(both.get_json()["errors"]) == [FAILING_ITEM]
    [inspection] = rows(Inspection, uuid=accepted)
    assert [a.staff_id for a in rows(Answer, inspection_id=inspection.id) if a.staff_id] == []


def test_publication_waits_for_every_failed_item(desk, accepted, org):
    teller = org.outlet_a.staff[0].id
    assert desk.attribute(accepted, {FAILING_ITEM: teller}).status_code == 200
    refused = desk.publish(accepted)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["message"] == "发布前，请为每个不合格项指明员工，或选择“无法归属到个人”：“进门后有员工主动问候”。"
    assert body["errors"] == {SECOND_FAILING: ["“进门后有员工主动问候”不合格：请选择涉及的员工，或选择“无法归属到个人”。"]}
    english = desk.client.post(f"/api/v1/mystery/reports/{accepted}/publish", json={},
                               headers={**desk.admin_headers, "Accept-Language": "en"})
    assert english.status_code == 422 and "“A staff member greets the shopper on entry”" in english.get_json()["message"]
    [inspection] = rows(Inspection, uuid=accepted)
    assert inspection.status == "reviewed" and count(Finding) == 0

    # The passed item that lost points need not name anyone; the failed one may name nobody in particular.
    assert desk.attribute(accepted, {}, not_attributable=[SECOND_FAILING]).status_code == 200
    assert [r["not_attributable"] for r in _report(desk, accepted)["attribution"]] == [True, False, False]
    assert desk.publish(accepted).status_code == 200
    findings = {f.item_key: f.staff_id for f in rows(Finding, inspection_id=inspection.id)}
    assert findings == {FAILING_ITEM: teller, SECOND_FAILING: None}


def test_naming_a_person_undoes_the_mark(desk, accepted, org):
    teller = org.outlet_a.staff[0].id
    assert desk.attribute(accepted, {}, not_attributable=[FAILING_ITEM, SECOND_FAILING]).status_code == 200
    assert desk.attribute(accepted, {FAILING_ITEM: teller}).status_code == 200
    [inspection] = rows(Inspection, uuid=accepted)
    desk.db.session.expire_all()
    visit = desk.db.session.get(MysteryVisit, inspection.id)
    assert visit.not_attributable == [SECOND_FAILING]
    assert {a.item_key: a.staff_id for a in rows(Answer, inspection_id=inspection.id)}[FAILING_ITEM] == teller
    # Cleared (null), the failed item names nobody and is not marked: publication waits again.
    assert desk.attribute(accepted, {FAILING_ITEM: None}).status_code == 200
    refused = desk.publish(accepted)
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == [FAILING_ITEM]
