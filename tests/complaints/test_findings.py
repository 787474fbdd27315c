"""A complaint opens findings in the rectification loop: who may, what is checked, the event and the audit trail,
the outlet answering on the finding page and through the API, an inspector verifying, and the complaint's notice
(read back with pdftotext) naming the complaint and never the customer."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from complaints import finding_link, operations
from complaints.models import ComplaintEvent
from core.audit import AuditEntry
from core.clock import local_today
from core.errors import OperationError
from inspections.models import Photo
from rectification.models import Finding, Notice, Response
from tests.factories import jpeg
from tests.inspections.helpers import count, new_uuid, rows
from tests.rectification.helpers import browser, flat_text
from tests.support import csrf_token_of

CUSTOMER, PHONE = "陈美华", "13812345678"


def intake(org, **changes) -> dict:
    data = {"outlet_id": org.outlet_a.id, "channel": "walk_in", "category": "attitude", "severity": "general",
            "customer_name": CUSTOMER, "customer_phone": PHONE, "description": "柜员办理业务时态度生硬",
            "request": "要求道歉", "staff_id": org.staff_a[0].id}
    return {**data, **changes}


@pytest.fixture
def complaint(org, users, db):
    """A complaint about outlet A in the sub-branch's ledger, received by the admin."""
    received = operations.receive(intake(org, level="branch"), users["admin"])[0]
    db.session.commit()
    return received


def open_one(complaint, actor, **changes):
    values = {"severity": "major", "title": "柜员服务用语不规范", "requirement": "组织全员学习服务用语规范并现场演练",
              "due_date": None, "staff_id": None, **changes}
    return finding_link.open_finding(complaint.id, actor, **values)


def test_the_admin_opens_a_finding_with_its_notice_event_and_audit(complaint, users, org, db):
    finding = open_one(complaint, users["admin"], staff_id=org.staff_a[0].id)
    db.session.commit()
    assert (finding.complaint_id, finding.inspection_id, finding.outlet_id) == (complaint.id, None, org.outlet_a.id)
    assert finding.status == "open" and finding.published and finding.opened_by_id == users["admin"].id
    assert finding.due_date == local_today() + timedelta(days=7)  # the major deadline, as an inspection's
    [notice] = rows(Notice)
    assert (notice.complaint_id, notice.inspection_id, notice.outlet_id) == (complaint.id, None, org.outlet_a.id)
    assert notice.source == {"number": complaint.number, "category": "服务态度",
                             "received_on": complaint.received_on.isoformat()}
    assert notice.number.endswith("第0001号")
    assert [e.action for e in rows(ComplaintEvent, complaint_id=complaint.id)] == ["received", "finding_opened"]
    actions = {e.action for e in rows(AuditEntry)}
    assert {"finding.open", "notice.issue", "complaint.open_finding"} <= actions
    assert all(CUSTOMER not in str(e.changes) for e in rows(AuditEntry) if e.action in ("finding.open",
                                                                                        "complaint.open_finding"))

    second = open_one(complaint, users["admin"], title="大堂引导不到位", severity="minor",
                      due_date=local_today() + timedelta(days=2))
    db.session.commit()
    assert count(Notice) == 1  # one notice per complaint, listing both
    assert [f.id for f in finding_link.findings_of(complaint)] == [second.id, finding.id]
    assert second.due_date == local_today() + timedelta(days=2)


def test_complaint_notices_are_numbered_in_the_same_series(complaint, users, org, db):
    other = operations.receive(intake(org, level="branch", category="fees"), users["admin"])[0]
    db.session.commit()
    open_one(complaint, users["admin"])
    open_one(other, users["admin"])
    db.session.commit()
    numbers = [n.number for n in rows(Notice)]
    assert [n[-6:] for n in numbers] == ["第0001号", "第0002号"]
    assert rows(Notice)[1].source["category"] == "收费定价"


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "mystery_shopper", "viewer", "other_manager"])
def test_refused_roles_open_nothing(complaint, users, org, db, role):
    actor = org.user("outlet_manager", "manager_b", outlet=org.outlet_b) if role == "other_manager" else users[role]
    with pytest.raises((Forbidden, NotFound)):
        open_one(complaint, actor)
    db.session.rollback()
    assert count(Finding) == count(Notice) == 0
    assert count(ComplaintEvent, ComplaintEvent.action == "finding_opened") == 0


def test_the_outlets_own_handler_may_not_write_a_finding_against_the_outlet(org, users, db):
    manager = users["outlet_manager"]
    own = operations.receive(intake(org), manager)[0]
    db.session.commit()
    own.handler_id = manager.id  # the outlet's ledger, handled by its manager
    db.session.commit()
    with pytest.raises(Forbidden):
        open_one(own, manager)
    db.session.rollback()
    assert count(Finding) == 0


def test_the_sub_branch_handler_may(complaint, org, users, db):
    handler = org.user("admin", "branch_handler")
    complaint.handler_id = handler.id
    db.session.commit()
    assert open_one(complaint, handler).opened_by_id == handler.id


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(complaint, users, org, db):
    with pytest.raises(OperationError) as refused:
        open_one(complaint, users["admin"], severity="fatal", title="  ", requirement="",
                 due_date=date(2020, 1, 1), staff_id=org.staff_b[0].id)
    db.session.rollback()
    assert refused.value.status == 422
    assert set(refused.value.errors) == {"severity", "title", "requirement", "due_date", "staff_id"}
    assert count(Finding) == count(Notice) == 0


def test_a_closed_complaint_still_opens_findings(complaint, users, db):
    admin = users["admin"]
    complaint.handler_id = admin.id
    db.session.commit()
    for step, extra in (("acknowledge", {}), ("investigate", {"note": "属实", "upheld": True}),
                        ("resolve", {"note": "已致歉"}), ("call_back", {"note": "满意", "satisfied": True}),
                        ("close", {})):
        operations.advance(complaint.id, step, admin, **extra)
        db.session.commit()
    assert complaint.status == "closed"
    assert open_one(complaint, admin).complaint_id == complaint.id


def test_the_outlet_answers_on_the_page_and_by_api_an_inspector_verifies_and_the_notice_shows_it(
        app, client, complaint, users, org, db, token_for):
    admin, manager, inspector = users["admin"], users["outlet_manager"], users["inspector"]
    on_page = open_one(complaint, admin, title="柜员服务用语不规范", staff_id=org.staff_a[0].id)
    by_api = open_one(complaint, admin, title="投诉处理公示牌缺失", severity="minor")
    db.session.commit()

    # The finding page: the outlet answers with an after-photo.
    outlet = browser(app, manager)
    page = outlet.get(f"/findings/{on_page.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and complaint.number in html and 'name="photos"' in html
    assert CUSTOMER not in html and PHONE not in html
    sent = outlet.post(f"/findings/{on_page.id}", data={
        "csrf_token": csrf_token_of(page.data), "action": "respond", "text": "已组织全员学习服务用语规范",
        "photos": (io.BytesIO(jpeg((640, 480))), "after.jpg")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    [after] = rows(Photo, finding_id=on_page.id)
    assert after.inspection_id is None and after.purpose == "after"
    assert rows(Finding, id=on_page.id)[0].status == "responded"

    # The phone app: its findings list, an after-photo by PUT, the response naming it.
    headers = token_for(manager)
    listed = client.get("/api/v1/findings", headers=headers)
    assert listed.status_code == 200
    mine = {f["id"]: f for f in listed.get_json()}
    assert mine[by_api.id]["source"] == "complaint" and mine[by_api.id]["inspection_uuid"] is None
    assert mine[by_api.id]["kind"] is None
    assert mine[by_api.id]["complaint"] == {"id": complaint.id, "number": complaint.number}
    notice_id = mine[by_api.id]["notice_id"]
    assert notice_id == rows(Notice)[0].id
    photo = new_uuid()
    stored = client.put(f"/api/v1/findings/{by_api.id}/photos/{photo}", data=jpeg((320, 240)), headers=headers,
                        content_type="image/jpeg")
    assert stored.status_code == 201, stored.get_json()
    answered = client.post(f"/api/v1/findings/{by_api.id}/responses", headers=headers,
                           json={"text": "已补设投诉处理公示牌", "photo_ids": [photo]})
    assert answered.status_code == 201, answered.get_json()
    assert client.get(f"/api/v1/findings/{by_api.id}/photos/{photo}?variant=thumb", headers=headers).status_code == 200

    # An inspector verifies both: one on the page, one by the API; the outlet cannot.
    assert client.post(f"/api/v1/findings/{by_api.id}/verification", headers=headers,
                       json={"accepted": True}).status_code == 403
    checker = browser(app, inspector)
    page = checker.get(f"/findings/{on_page.id}")
    assert 'value="accept"' in page.get_data(as_text=True)
    assert checker.post(f"/findings/{on_page.id}", data={"csrf_token": csrf_token_of(page.data),
                                                         "action": "accept", "reason": ""}).status_code == 302
    verified = client.post(f"/api/v1/findings/{by_api.id}/verification", headers=token_for(inspector),
                           json={"accepted": True})
    assert verified.status_code == 201, verified.get_json()
    assert {f.status for f in rows(Finding)} == {"closed"}
    assert count(Response) == 2

    # The notice: listed with where to get it, and its PDF names the complaint and never the customer.
    notices = client.get("/api/v1/notices", headers=headers).get_json()
    [entry] = [n for n in notices if n["id"] == notice_id]
    assert entry["source"] == "complaint" and entry["inspection_uuid"] is None
    assert entry["complaint"] == {"id": complaint.id, "number": complaint.number}
    pdf = client.get(f"/api/v1{entry['pdf_path']}", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = flat_text(pdf.data)
    for shown in (complaint.number, rows(Notice)[0].number, "客户投诉", "服务态度", complaint.received_on.isoformat(),
                  "柜员服务用语不规范", "投诉处理公示牌缺失", "已补设投诉处理公示牌", org.staff_a[0].name, "已整改验证",
                  "核查客户投诉", "发文单位"):
        assert shown in text, shown
    for hidden in (CUSTOMER, CUSTOMER[0] + "**", PHONE, PHONE[-4:], "要求道歉", "态度生硬", "检查单位", "检查得分"):
        assert hidden not in text, hidden
    page_pdf = outlet.get(f"/notices/{notice_id}/notice.pdf")
    assert page_pdf.status_code == 200 and page_pdf.data[:4] == b"%PDF"
    assert f"/notices/{notice_id}/notice.pdf" in outlet.get(f"/findings/{by_api.id}").get_data(as_text=True)
    assert f"/notices/{notice_id}/notice.pdf" in outlet.get("/notices/").get_data(as_text=True)

    # Another outlet's manager sees neither the finding nor the notice.
    other = token_for(org.user("outlet_manager", "manager_b", outlet=org.outlet_b))
    assert client.get(f"/api/v1/findings/{by_api.id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/notices/{notice_id}/notice.pdf", headers=other).status_code == 404
    assert all(n["id"] != notice_id for n in client.get("/api/v1/notices", headers=other).get_json())
