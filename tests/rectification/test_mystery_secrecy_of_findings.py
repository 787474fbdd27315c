"""A mystery visit stays secret: submitting it raises no findings and no notice, and findings that
are not yet published are seen by admins only."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.audit import AuditEntry
from core.clock import local_today
from inspections.models import Assignment, Inspection
from rectification.models import Finding, Notice
from tests.inspections.helpers import count, draft_body, full_answers, new_uuid, rows
from tests.rectification.helpers import browser


@pytest.fixture
def mystery_visit(org, checklists, users, bearer, sync):
    """A submitted mystery visit to outlet A with a failing item: the Inspection."""
    version, shopper = checklists["mystery"], users["mystery_shopper"]
    today = local_today()
    assignment = Assignment(kind="mystery", template_id=version.template_id, outlet_id=org.outlet_a.id,
                            vendor_id=org.vendor.id, assignee_id=shopper.id, period="Q", sequence=1,
                            window_start=today, window_end=today + timedelta(days=6))
    org.db.session.add(assignment)
    org.db.session.commit()
    uuid = new_uuid()
    answers = full_answers(version, mys_teller_language={"value": "fail", "staff_description": "戴眼镜的女柜员",
                                                         "note": "未使用规范用语"})
    headers = bearer(shopper)
    assert sync.put(uuid, draft_body(version, org.outlet_a, answers, assignment_id=assignment.id,
                                     narrative="二号窗口柜员办理业务时未使用规范用语。"), headers).status_code == 201
    receipt = sync.submit(uuid, headers)
    assert receipt.status_code == 200
    assert receipt.get_json()["percent"] < 100  # the failure was scored
    return rows(Inspection, uuid=uuid)[0]


def test_a_submitted_mystery_visit_raises_no_finding_and_no_notice(mystery_visit, client, users, bearer):
    assert mystery_visit.status == "submitted" and mystery_visit.kind == "mystery"
    assert count(Finding) == 0
    assert count(Notice) == 0
    assert count(AuditEntry, AuditEntry.action == "notice.issue") == 0
    admin = bearer(users["admin"])
    assert client.get(f"/api/v1/inspections/{mystery_visit.uuid}/notice.pdf", headers=admin).status_code == 404
    assert client.get("/api/v1/findings", headers=admin).get_json() == []
    for role in ("outlet_manager", "inspector", "viewer"):
        assert client.get(f"/api/v1/inspections/{mystery_visit.uuid}/notice.pdf",
                          headers=bearer(users[role])).status_code == 404, role


def test_unpublished_findings_are_seen_by_admins_only(app, mystery_visit, client, users, bearer, db):
    hidden = Finding(inspection_id=mystery_visit.id, outlet_id=mystery_visit.outlet_id,
                     item_key="mys_teller_language", section_key="teller", severity="major",
                     title="使用规范服务用语，解答清楚", note="未使用规范用语", due_date=local_today() + timedelta(days=7),
                     published=False)
    db.session.add(hidden)
    db.session.commit()
    ident = hidden.id

    for role in ("outlet_manager", "inspector", "viewer"):
        headers = bearer(users[role])
        listed = client.get("/api/v1/findings", headers=headers)
        assert listed.status_code == 200 and listed.get_json() == [], role
        assert client.get(f"/api/v1/findings?outlet_id={mystery_visit.outlet_id}",
                          headers=headers).get_json() == [], role
        assert client.get(f"/api/v1/findings/{ident}", headers=headers).status_code == 404, role
        page = browser(app, users[role])
        assert page.get(f"/findings/{ident}").status_code == 404, role
        assert "使用规范服务用语" not in page.get("/findings/").get_data(as_text=True), role
    assert client.post(f"/api/v1/findings/{ident}/responses", headers=bearer(users["outlet_manager"]),
                       json={"text": "已整改", "photo_ids": []}).status_code == 404

    admin = bearer(users["admin"])
    listed = client.get("/api/v1/findings", headers=admin)
    assert [f["id"] for f in listed.get_json()] == [ident]
    shown = client.get(f"/api/v1/findings/{ident}", headers=admin)
    assert shown.status_code == 200 and shown.get_json()["title"] == "使用规范服务用语，解答清楚"
    assert "使用规范服务用语" in browser(app, users["admin"]).get("/findings/").get_data(as_text=True)
    # Seen, but not yet part of the loop: nobody answers or verifies an unpublished finding.
    assert client.post(f"/api/v1/findings/{ident}/verification", headers=admin,
                       json={"accepted": True}).status_code == 403
