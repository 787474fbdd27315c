"""The bank's QA review of mystery visit reports, and the vendor coordinator handing out visits.

submitted → accept → reviewed → (attribute) → publish → published; revise sends a report back to
the shopper as a draft with the reason, and the next submit scores and flags it afresh; reject is
final and reopens the visit. Only the bank's admin reviews; only a vendor's coordinator (or the
admin) hands that vendor's visits to its shoppers."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from checklists.store import checklist_of
from core.audit import AuditEntry
from core.extensions import db
from inspections.models import Answer, Assignment, Inspection, SectionScore
from mystery.models import MysteryConfirmation, MysteryReview, MysteryVisit
from rectification.models import Finding, Notice
from tests.inspections.helpers import count, rows
from tests.mystery.helpers import AT_OUTLET, FAILING_ITEM, FAR_AWAY, codes, visit_times
from tests.rectification.helpers import browser
from tests.support import form_post

SECOND_FAILING = "mys_lobby_greeting"
DESCRIBED = {FAILING_ITEM: "2号窗口戴眼镜的女柜员", SECOND_FAILING: "穿灰色马甲的大堂经理"}
NARRATIVE = "进门后无人问候，等候十八分钟后在2号窗口办理存款，柜员没有使用规范服务用语。"


@pytest.fixture
def submitted(desk, shopper, visit):
    """A submitted report failing two staff items: the Filed record."""
    return desk.file(shopper, visit, failing=DESCRIBED, narrative=NARRATIVE, **visit_times())


def _inspection(uuid) -> Inspection:
    [inspection] = rows(Inspection, uuid=uuid)
    return inspection


def _visit(uuid) -> MysteryVisit:
    """The visit's own record, read fresh."""
    visit = db.session.get(MysteryVisit, _inspection(uuid).id)
    assert visit is not None
    return visit


def _audit_actions(inspection_id: int) -> list[str]:
    return [e.action for e in rows(AuditEntry, object_type="inspection", object_id=str(inspection_id))]


def _error_keys(response) -> set[str]:
    return set((response.get_json() or {}).get("errors", {}))


# --- accept → attribute → publish ----------------------------------------------------------------

def test_accept_attribute_publish(desk, submitted, org, client, bearer, users):
    uuid = submitted.uuid
    assert count(Finding) == 0 and count(Notice) == 0

    accepted = desk.review(uuid, "accept")
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "reviewed" and _visit(uuid).reviewed_at is not None

    # Attribution takes only staff of the visited outlet, and only items of this report.
    staff_a = {s.name: s.id for s in org.outlet_a.staff}
    staff_b = {s.name: s.id for s in org.outlet_b.staff}
    wrong_outlet = desk.attribute(uuid, {FAILING_ITEM: staff_b["王晓燕"]})
    assert wrong_outlet.status_code == 422 and _error_keys(wrong_outlet) == {FAILING_ITEM}
    unknown_item = desk.attribute(uuid, {"no_such_item": staff_a["王晓燕"]})
    assert unknown_item.status_code == 422 and _error_keys(unknown_item) == {"no_such_item"}
    assert [a.staff_id for a in rows(Answer, inspection_id=_inspection(uuid).id) if a.staff_id] == []

    attributed = desk.attribute(uuid, {FAILING_ITEM: staff_a["李志强"], SECOND_FAILING: staff_a["张文静"]})
    assert attributed.status_code == 200, attributed.get_json()
    assert attributed.get_json()["status"] == "reviewed"
    assert count(Finding) == 0 and count(Notice) == 0  # nothing reaches the outlet before publication

    published = desk.publish(uuid)
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["status"] == "published"

    inspection = _inspection(uuid)
    assert inspection.status == "published" and _visit(uuid).published_at is not None
    failed = {a.item_key for a in rows(Answer, inspection_id=inspection.id) if a.failed}
    assert failed == {FAILING_ITEM, SECOND_FAILING}
    findings = {f.item_key: f for f in rows(Finding, inspection_id=inspection.id)}
    assert set(findings) == failed
    assert all(f.published and f.status == "open" and f.outlet_id == org.outlet_a.id for f in findings.values())
    assert findings[FAILING_ITEM].staff_id == staff_a["李志强"]
    assert findings[SECOND_FAILING].staff_id == staff_a["张文静"]
    assert count(Notice, Notice.inspection_id == inspection.id) == 1
    assert rows(Assignment, id=inspection.assignment_id)[0].status == "done"

    actions = _audit_actions(inspection.id)
    for action in ("mystery.accept", "mystery.attribute", "mystery.publish"):
        assert actions.count(action) == 1, actions
    assert actions.index("mystery.accept") < actions.index("mystery.attribute") < actions.index("mystery.publish")
    [attribution] = rows(AuditEntry, action="mystery.attribute")
    assert attribution.changes["_details"]["changes"] == {FAILING_ITEM: [None, staff_a["李志强"]],
                                                          SECOND_FAILING: [None, staff_a["张文静"]]}
    assert [r.decision for r in rows(MysteryReview, inspection_id=inspection.id)] == ["accept", "publish"]

    # The outlet now sees its findings; the report is final.
    manager = bearer(users["outlet_manager"])
    seen = client.get("/api/v1/findings", headers=manager).get_json()
    assert {f["item_key"] for f in seen} == failed
    for response in (desk.review(uuid, "accept"), desk.review(uuid, "reject", "too late"),
                     desk.attribute(uuid, {FAILING_ITEM: None}), desk.publish(uuid)):
        assert response.status_code == 409, response.get_json()
    assert count(Finding) == 2 and count(Notice) == 1


def test_a_visit_filed_last_year_is_numbered_in_the_year_it_is_published(desk, submitted):
    inspection = _inspection(submitted.uuid)
    filed = inspection.submitted_at.replace(year=inspection.submitted_at.year - 1, month=12, day=30)
    inspection.submitted_at = filed
    db.session.commit()
    assert desk.review(submitted.uuid, "accept").status_code == 200
    assert desk.attribute(submitted.uuid, {}, not_attributable=list(DESCRIBED)).status_code == 200
    assert desk.publish(submitted.uuid).status_code == 200
    [notice] = rows(Notice, inspection_id=inspection.id)
    published = _visit(submitted.uuid).published_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert notice.year == published.year != filed.astimezone(ZoneInfo("Asia/Shanghai")).year
    assert f"〔{published.year}〕" in notice.number


@pytest.mark.parametrize("given", [True, False, None])
def test_blacklist_confirmed_at_publication_confirms_everyone_the_visit_names(desk, submitted, org, users, given):
    staff = {s.name: s.id for s in org.outlet_a.staff}
    assert desk.review(submitted.uuid, "accept").status_code == 200
    assert desk.attribute(submitted.uuid, {FAILING_ITEM: staff["李志强"], SECOND_FAILING: staff["张文静"]}) \
        .status_code == 200
    published = desk.publish(submitted.uuid, given)
    assert published.status_code == 200
    assert published.get_json()["blacklist_confirmed"] is bool(given)
    inspection = _inspection(submitted.uuid)
    confirmations = rows(MysteryConfirmation, inspection_id=inspection.id)
    assert sorted(c.staff_id for c in confirmations) == (sorted([staff["李志强"], staff["张文静"]]) if given else [])
    assert all(c.confirmed_by_id == users["admin"].id and c.confirmed_at == _visit(submitted.uuid).published_at
               for c in confirmations)
    [entry] = rows(AuditEntry, action="mystery.publish")
    assert entry.changes["_details"]["blacklist_confirmed"] is bool(given)


def test_a_visit_that_names_nobody_has_nobody_to_confirm(desk, submitted):
    assert desk.review(submitted.uuid, "accept").status_code == 200
    # Both failures are the outlet's, not one person's.
    assert desk.attribute(submitted.uuid, {}, not_attributable=list(DESCRIBED)).status_code == 200
    published = desk.publish(submitted.uuid, True)
    assert published.status_code == 200 and published.get_json()["blacklist_confirmed"] is False
    assert count(MysteryConfirmation) == 0


def test_a_person_confirmed_later_completes_the_visits_confirmation(desk, submitted, org, client, bearer, users):
    staff = {s.name: s.id for s in org.outlet_a.staff}
    assert desk.review(submitted.uuid, "accept").status_code == 200
    assert desk.attribute(submitted.uuid, {FAILING_ITEM: staff["李志强"], SECOND_FAILING: staff["张文静"]}) \
        .status_code == 200
    assert desk.publish(submitted.uuid, False).status_code == 200
    admin = bearer(users["admin"])
    for person in ("李志强", "张文静"):
        report = next(r for r in client.get("/api/v1/mystery/reports", headers=admin).get_json()
                      if r["uuid"] == submitted.uuid)
        assert report["blacklist_confirmed"] is False
        confirmed = client.post("/api/v1/reports/mystery-confirmations", headers=admin,
                                json={"inspection_uuid": submitted.uuid, "staff_id": staff[person]})
        assert confirmed.status_code == 201, confirmed.get_json()
    report = next(r for r in client.get("/api/v1/mystery/reports", headers=admin).get_json()
                  if r["uuid"] == submitted.uuid)
    assert report["blacklist_confirmed"] is True


# --- revise → the shopper edits and resubmits ----------------------------------------------------

def test_revise_round_trips(desk, shopper, visit, client, bearer, sync):
    times = visit_times()
    filed = desk.file(shopper, visit, failing=DESCRIBED, narrative=NARRATIVE, location=FAR_AWAY, **times)
    uuid, headers = filed.uuid, bearer(shopper)
    first = _inspection(uuid)
    sections = [s.key for s in checklist_of(desk.version).sections]
    assert codes(_visit(uuid).flags) == ["far_from_outlet"]
    assert count(SectionScore, SectionScore.inspection_id == first.id) == len(sections)
    first_percent = first.percent

    missing = desk.review(uuid, "revise")
    assert missing.status_code == 422 and _error_keys(missing) == {"reason"}
    blank = desk.review(uuid, "revise", "   ")
    assert blank.status_code == 422
    assert _inspection(uuid).status == "submitted"

    reasons = ["位置与网点不符，请核对定位后重新提交", "请补充对大堂经理的外貌描述"]
    for round_number, reason in enumerate(reasons, start=1):
        revised = desk.review(uuid, "revise", reason)
        assert revised.status_code == 200, revised.get_json()
        assert revised.get_json()["status"] == "draft"

        # Back with the shopper: the reason is shown, the scores are gone until the next submit.
        shown = sync.get(uuid, headers)
        assert shown.status_code == 200
        assert shown.get_json()["status"] == "draft" and shown.get_json()["revision_reason"] == reason
        assert count(SectionScore, SectionScore.inspection_id == first.id) == 0
        assert uuid not in {r["uuid"] for r in client.get("/api/v1/mystery/reports",
                                                          headers=desk.admin_headers).get_json()}

        # The shopper fixes the location and, in the first round, withdraws one failure.
        fixes = {SECOND_FAILING: {"value": "pass"}} if round_number == 1 else {}
        body = desk.body(visit, failing={FAILING_ITEM: DESCRIBED[FAILING_ITEM] + f"（第{round_number}次修改）"},
                         narrative=NARRATIVE, location=AT_OUTLET, **times, **fixes)
        edited = sync.put(uuid, body, headers)
        assert edited.status_code == 200, edited.get_json()
        resubmitted = sync.submit(uuid, headers)
        assert resubmitted.status_code == 200, resubmitted.get_json()

        inspection = _inspection(uuid)
        assert inspection.status == "submitted" and _visit(uuid).revision_reason == ""
        assert _visit(uuid).flags == []  # recomputed: the phone is at the outlet now
        scores = rows(SectionScore, inspection_id=inspection.id)
        assert sorted(s.section_key for s in scores) == sorted(sections)  # one row per section, no duplicates
        assert inspection.percent > first_percent  # re-scored: one failure fewer
        assert resubmitted.get_json()["percent"] == inspection.percent
        failed = {a.item_key for a in rows(Answer, inspection_id=inspection.id) if a.failed}
        assert failed == {FAILING_ITEM}
        assert desk.report(uuid)["status"] == "submitted"

    assert [r.decision for r in rows(MysteryReview, inspection_id=first.id)] == ["revise", "revise"]
    assert [r.reason for r in rows(MysteryReview, inspection_id=first.id)] == reasons
    assert desk.review(uuid, "accept").status_code == 200
    assert desk.attribute(uuid, {}, not_attributable=[FAILING_ITEM]).status_code == 200
    assert desk.publish(uuid).status_code == 200
    assert {f.item_key for f in rows(Finding, inspection_id=first.id)} == {FAILING_ITEM}


def test_a_resubmission_is_not_filed_late_for_the_time_the_bank_took_to_review(desk, submitted, shopper, sync,
                                                                              bearer, clock, visit):
    # Filed twenty minutes after the visit; the bank asks for a revision three days later.
    assert desk.flags(submitted.uuid) == []
    assert desk.review(submitted.uuid, "revise", "请补充等候时间的说明").status_code == 200
    times = visit_times()  # the visit itself stays where it was
    clock.advance(timedelta(days=3))
    later = clock.now()
    body = desk.body(visit, failing=DESCRIBED, narrative=NARRATIVE + "取号后等候十八分钟。", **times)
    assert sync.put(submitted.uuid, body, bearer(shopper)).status_code == 200
    assert sync.submit(submitted.uuid, bearer(shopper)).status_code == 200
    inspection = _inspection(submitted.uuid)
    assert later <= inspection.submitted_at <= later + timedelta(minutes=1)  # the clock did move on
    assert codes(_visit(submitted.uuid).flags) == []  # the report was filed promptly; the bank's delay is not the shopper's


# --- reject --------------------------------------------------------------------------------------

def test_reject_needs_a_reason_is_final_and_reopens_the_visit(desk, submitted, visit, shopper, client, bearer):
    uuid = submitted.uuid
    assert rows(Assignment, id=visit.id)[0].status == "done"
    missing = desk.review(uuid, "reject")
    assert missing.status_code == 422 and _error_keys(missing) == {"reason"}
    assert _inspection(uuid).status == "submitted"

    rejected = desk.review(uuid, "reject", "照片与网点不符")
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    for response in (desk.review(uuid, "accept"), desk.review(uuid, "revise", "again"),
                     desk.review(uuid, "reject", "again"), desk.attribute(uuid, {FAILING_ITEM: None}),
                     desk.publish(uuid)):
        assert response.status_code == 409, response.get_json()
    assert _inspection(uuid).status == "rejected"
    assert count(Finding) == 0 and count(Notice) == 0
    assert "mystery.reject" in _audit_actions(_inspection(uuid).id)

    # The visit is open again: the shopper sees it and can file a new report for it.
    assert rows(Assignment, id=visit.id)[0].status == "open"
    listed = {a["id"]: a for a in client.get("/api/v1/assignments", headers=bearer(shopper)).get_json()}
    assert listed[visit.id]["status"] == "open" and listed[visit.id]["due_state"] != "done"
    again = desk.file(shopper, visit, narrative="第二次暗访：大堂经理主动问候并引导取号，等候五分钟。", **visit_times())
    assert desk.report(again.uuid)["status"] == "submitted"
    listed = {a["id"]: a for a in client.get("/api/v1/assignments", headers=bearer(shopper)).get_json()}
    assert listed[visit.id]["inspection_uuid"] == again.uuid  # the new report, not the rejected one


# --- states that cannot be reviewed --------------------------------------------------------------

def test_a_draft_or_a_published_report_cannot_be_reviewed_and_publishing_needs_acceptance(desk, shopper, submitted):
    draft = desk.file(shopper, desk.assignment(assignee=shopper), submit=False, narrative=NARRATIVE, **visit_times())
    for decision, reason in (("accept", ""), ("revise", "x"), ("reject", "x")):
        assert desk.review(draft.uuid, decision, reason).status_code == 409
    assert desk.publish(draft.uuid).status_code == 409
    assert _inspection(draft.uuid).status == "draft"

    # Submitted but not accepted: neither attributed nor published.
    assert desk.publish(submitted.uuid).status_code == 409
    assert desk.attribute(submitted.uuid, {FAILING_ITEM: None}).status_code == 409
    assert _inspection(submitted.uuid).status == "submitted" and count(Finding) == 0

    assert desk.review(submitted.uuid, "accept").status_code == 200
    assert desk.attribute(submitted.uuid, {}, not_attributable=list(DESCRIBED)).status_code == 200
    assert desk.publish(submitted.uuid).status_code == 200
    for decision, reason in (("accept", ""), ("revise", "x"), ("reject", "x")):
        assert desk.review(submitted.uuid, decision, reason).status_code == 409
    assert _inspection(submitted.uuid).status == "published"

    unknown = desk.review("00000000-0000-4000-8000-000000000000", "accept")
    assert unknown.status_code == 404


# --- who may review ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["inspector", "remote_monitor", "viewer", "outlet_manager", "mystery_shopper",
                                 "coordinator", "anonymous"])
def test_only_the_admin_reviews_attributes_and_publishes(app, who, desk, submitted, users, coordinator, bearer,
                                                        org):
    user = coordinator if who == "coordinator" else users.get(who)
    headers = bearer(user) if user else {}
    expected = 401 if user is None else 403
    uuid = submitted.uuid
    staff_id = org.outlet_a.staff[0].id
    assert desk.review(uuid, "accept", headers=headers).status_code == expected
    assert desk.review(uuid, "reject", "no", headers=headers).status_code == expected
    assert _inspection(uuid).status == "submitted"
    assert desk.review(uuid, "accept").status_code == 200  # the admin may
    assert desk.attribute(uuid, {FAILING_ITEM: staff_id}, headers=headers).status_code == expected
    assert desk.attribute(uuid, {}, headers=headers, not_attributable=[SECOND_FAILING]).status_code == expected
    assert desk.attribute(uuid, {}, not_attributable=list(DESCRIBED)).status_code == 200  # the admin may
    assert desk.publish(uuid, True, headers=headers).status_code == expected
    inspection = _inspection(uuid)
    assert inspection.status == "reviewed" and count(MysteryConfirmation) == 0
    assert [a.staff_id for a in rows(Answer, inspection_id=inspection.id) if a.staff_id] == []
    assert _visit(uuid).not_attributable == sorted(DESCRIBED)
    assert count(Finding) == 0
    if user is not None:
        page = browser(app, user)
        assert page.get("/admin/mystery/").status_code == 403
        assert page.get(f"/admin/mystery/{uuid}").status_code == 403
        assert page.get("/api/v1/mystery/reports").status_code == 401  # cookies never ride on the API
    assert app.test_client().get("/api/v1/mystery/reports", headers=headers).status_code == expected
    assert app.test_client().get("/api/v1/mystery/vendor-performance", headers=headers).status_code == expected


# --- the pages -----------------------------------------------------------------------------------

def test_the_admin_reviews_attributes_and_publishes_on_the_report_page(app, desk, submitted, users, org):
    uuid, path = submitted.uuid, f"/admin/mystery/{submitted.uuid}"
    page = browser(app, users["admin"])
    shown = page.get(path)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert DESCRIBED[FAILING_ITEM] in html and NARRATIVE in html
    assert 'value="accept"' in html and 'value="publish"' not in html

    # Without the CSRF token nothing happens.
    assert page.post(path, data={"action": "accept"}).status_code == 400
    assert _inspection(uuid).status == "submitted"
    # A revision without a reason is refused on the page too.
    refused = form_post(page, path, action="revise", reason="")
    assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
    assert _inspection(uuid).status == "submitted"

    accepted = form_post(page, path, action="accept")
    assert accepted.status_code == 302
    assert _inspection(uuid).status == "reviewed"

    # The attribution form offers the staff of the visited outlet only.
    html = page.get(path).get_data(as_text=True)
    select_html = re.search(rf'<select name="staff_{FAILING_ITEM}">(.*?)</select>', html, re.DOTALL).group(1)
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', select_html)}
    assert offered == {s.id for s in org.outlet_a.staff}
    teller = next(s for s in org.outlet_a.staff if s.name == "王晓燕")
    wrong = form_post(page, path, action="attribute", **{f"staff_{FAILING_ITEM}": str(org.outlet_b.staff[0].id)})
    assert wrong.status_code == 422
    attributed = form_post(page, path, action="attribute", **{f"staff_{FAILING_ITEM}": str(teller.id),
                                                               f"staff_{SECOND_FAILING}": ""})
    assert attributed.status_code == 302
    answers = {a.item_key: a.staff_id for a in rows(Answer, inspection_id=_inspection(uuid).id)}
    assert answers[FAILING_ITEM] == teller.id and answers[SECOND_FAILING] is None

    # A failed item that names nobody holds the publication back, named by its label.
    held_back = form_post(page, path, action="publish", blacklist_confirmed="yes")
    assert held_back.status_code == 422
    assert "发布前，请为每个不合格项指明员工，或选择“无法归属到个人”：“进门后有员工主动问候”。" \
        in held_back.get_data(as_text=True)
    assert _inspection(uuid).status == "reviewed" and count(Finding) == 0
    marked = form_post(page, path, action="attribute", **{f"staff_{FAILING_ITEM}": str(teller.id),
                                                          f"staff_{SECOND_FAILING}": "none"})
    assert marked.status_code == 302
    assert '<option value="none" selected>无法归属到个人</option>' in page.get(path).get_data(as_text=True)

    published = form_post(page, path, action="publish", blacklist_confirmed="yes")
    assert published.status_code == 302
    inspection = _inspection(uuid)
    assert inspection.status == "published"
    findings = {f.item_key: f.staff_id for f in rows(Finding, inspection_id=inspection.id)}
    assert findings == {FAILING_ITEM: teller.id, SECOND_FAILING: None}
    assert [c.staff_id for c in rows(MysteryConfirmation, inspection_id=inspection.id)] == [teller.id]
    assert count(Notice, Notice.inspection_id == inspection.id) == 1
    final = page.get(path).get_data(as_text=True)
    assert 'value="accept"' not in final and 'value="publish"' not in final


def _beside(html: str, name: str) -> list[str]:
    """The errors shown next to the field `name` (in the same label)."""
    label = re.search(rf'<label>[^\n]*?name="{name}".*?</label>', html, re.DOTALL).group(0)
    return re.findall(r'<span class="field-error">([^<]*)</span>', label)


def test_the_report_page_says_what_it_refuses_beside_the_field(app, desk, submitted, users, org):
    uuid, path = submitted.uuid, f"/admin/mystery/{submitted.uuid}"
    page = browser(app, users["admin"])
    reviews_before = count(MysteryReview)

    refused = form_post(page, path, action="reject", reason="   ")
    assert refused.status_code == 422
    assert _beside(refused.get_data(as_text=True), "reason") == ["请写明给神秘人的理由。"]
    english = form_post(page, path + "?lang=en", action="revise", reason="")
    assert english.status_code == 422
    assert _beside(english.get_data(as_text=True), "reason") == ["Give the shopper a reason."]
    not_ours = form_post(page, path, action="delete")
    assert not_ours.status_code == 422
    assert "表单内容与本页不符，请刷新页面后重试。" in not_ours.get_data(as_text=True)
    assert _inspection(uuid).status == "submitted" and count(MysteryReview) == reviews_before

    assert form_post(page, path, action="accept").status_code == 302
    for wrong in (str(org.outlet_b.staff[0].id), "王晓燕", "99999999999999999999"):
        refused = form_post(page, path, action="attribute", **{f"staff_{FAILING_ITEM}": wrong})
        assert refused.status_code == 422, wrong
        html = refused.get_data(as_text=True)
        assert _beside(html, f"staff_{FAILING_ITEM}") == ["请选择本网点的员工。"]
        assert _beside(html, f"staff_{SECOND_FAILING}") == []
    inspection = _inspection(uuid)
    assert [a.staff_id for a in rows(Answer, inspection_id=inspection.id) if a.staff_id] == []
    assert inspection.status == "reviewed" and "mystery.attribute" not in _audit_actions(inspection.id)
