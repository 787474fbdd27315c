"""Drafts and revision requests reach every device of their owner and nobody else's; starting an
assignment twice, from two devices, continues the one draft."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core.clock import local_today
from inspections.models import Assignment, Inspection
from tests.factories import jpeg
from tests.inspections.helpers import by_key, count, draft_body, full_answers, new_uuid
from tests.mystery.helpers import FAILING_ITEM, Desk, visit_times


@pytest.fixture
def inspector(users):
    return users["inspector"]


@pytest.fixture
def assignment(org, custom, inspector):
    today = local_today()
    row = Assignment(kind="onsite", template_id=custom.template_id, outlet_id=org.outlet_a.id,
                     assignee_id=inspector.id, period="2026-11", sequence=1,
                     window_start=today - timedelta(days=1), window_end=today + timedelta(days=5))
    org.db.session.add(row)
    org.db.session.commit()
    return row


def _drafts(client, headers) -> tuple[int, list, dict]:
    response = client.get("/api/v1/drafts", headers=headers)
    paging = json.loads(response.headers.get("X-Pagination") or "{}")
    return response.status_code, response.get_json(), paging


def test_the_owner_on_a_second_device_gets_the_draft_with_answers_photos_and_revision(
        org, custom, sync, client, bearer, inspector, assignment):
    phone, tablet = bearer(inspector), bearer(inspector)  # two devices, two tokens of one person
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = [{"item_key": "tidy", "value": "fail", "note": "台面杂乱", "photo_ids": [photo_uuid]},
               {"item_key": "waiting", "value": 4}]
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers, assignment_id=assignment.id), phone).status_code == 201
    assert sync.photo(uuid, photo_uuid, jpeg(), phone).status_code == 201
    submitted = new_uuid()
    assert sync.put(submitted, draft_body(custom, org.outlet_b, full_answers(custom)), phone).status_code == 201
    assert sync.submit(submitted, phone).status_code == 200

    status, drafts, paging = _drafts(client, tablet)
    assert status == 200 and paging["total"] == 1
    [draft] = drafts  # the submitted inspection is no draft
    assert (draft["uuid"], draft["assignment_id"], draft["outlet_name"]) == (uuid, assignment.id, "元和支行")
    assert draft["photos_received"] == [photo_uuid]
    held = by_key(draft)
    assert (held["tidy"]["value"], held["tidy"]["note"], held["tidy"]["photo_ids"]) == ("fail", "台面杂乱", [photo_uuid])
    assert held["waiting"]["value"] == 4 and held["tidy"]["updated_at"]
    assert draft["revision"] >= 1 and draft["revision_reason"] == ""

    # The tablet's edit moves the revision on; the phone, holding the older number, knows it is behind.
    later = [{"item_key": "waiting", "value": 6, "updated_at": "2099-01-01T00:00:00+00:00"}]
    edited = sync.put(uuid, draft_body(custom, org.outlet_a, later, assignment_id=assignment.id), tablet).get_json()
    assert edited["revision"] > draft["revision"]
    [seen] = _drafts(client, phone)[1]
    assert seen["revision"] == edited["revision"] and by_key(seen)["waiting"]["value"] == 6


def test_nobody_else_sees_a_draft(org, custom, sync, client, bearer, users, inspector, assignment):
    uuid = new_uuid()
    body = draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}], assignment_id=assignment.id)
    assert sync.put(uuid, body, bearer(inspector)).status_code == 201
    colleague = org.user("inspector", "inspector2")
    for user in (colleague, users["admin"], users["remote_monitor"], users["mystery_shopper"]):
        status, drafts, paging = _drafts(client, bearer(user))
        assert (status, drafts, paging.get("total")) == (200, [], 0), user.username
    for user in (users["outlet_manager"], users["viewer"]):
        assert _drafts(client, bearer(user))[0] == 403, user.username
    assert sync.get(uuid, bearer(colleague)).status_code == 404
    assert client.get("/api/v1/drafts").status_code == 401


def test_a_report_sent_back_reaches_the_shoppers_other_device_with_the_reason_and_no_one_else(
        org, checklists, sync, client, bearer, users):
    shopper = users["mystery_shopper"]
    desk = Desk(org, checklists["mystery"], sync, client, bearer, users["admin"])
    visit = desk.assignment(assignee=shopper)
    filed = desk.file(shopper, visit, failing={FAILING_ITEM: "2号窗口的女柜员"}, **visit_times())
    assert desk.review(filed.uuid, "revise", "排队照片看不清，请重拍").status_code == 200

    status, drafts, _paging = _drafts(client, bearer(shopper))  # a second device of the shopper's
    assert status == 200
    [draft] = drafts
    assert (draft["uuid"], draft["status"], draft["revision_reason"]) == (filed.uuid, "draft", "排队照片看不清，请重拍")
    assert by_key(draft)[FAILING_ITEM]["staff_description"] == "2号窗口的女柜员"

    colleague = org.user("mystery_shopper", "shopper2")
    coordinator = org.user("mystery_shopper", "coordinator")
    coordinator.is_coordinator = True
    org.db.session.commit()
    for user in (colleague, coordinator, users["inspector"], users["admin"]):
        assert _drafts(client, bearer(user))[1] == [], user.username
    assert _drafts(client, bearer(users["outlet_manager"]))[0] == 403


def test_starting_an_assignment_again_from_any_device_continues_the_one_draft(
        org, custom, sync, client, bearer, inspector, assignment):
    phone, tablet = bearer(inspector), bearer(inspector)
    first, second = new_uuid(), new_uuid()
    started = client.post(f"/api/v1/assignments/{assignment.id}/start",
                          json={"uuid": first, "started_at": "2026-11-29T09:05:00+08:00"}, headers=phone)
    assert started.status_code == 201, started.get_json()
    assert (started.get_json()["uuid"], started.get_json()["assignment_id"]) == (first, assignment.id)
    assert sync.put(first, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "pass"}],
                                      assignment_id=assignment.id), phone).status_code == 200

    again = client.post(f"/api/v1/assignments/{assignment.id}/start", json={"uuid": second}, headers=tablet)
    assert again.status_code == 200
    assert again.get_json()["uuid"] == first and by_key(again.get_json())["greet"]["value"] == "pass"

    # A device that started it offline, under its own UUID, is pointed at the draft that exists.
    offline = sync.put(second, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "fail"}],
                                          assignment_id=assignment.id), tablet)
    assert offline.status_code == 409
    assert offline.get_json()["errors"]["open_draft"] == first
    assert "继续填写该草稿" in offline.get_json()["message"]
    assert count(Inspection) == 1
    assert by_key(sync.get(first, phone).get_json())["greet"]["value"] == "pass"


def test_only_the_assignments_own_people_may_start_it(org, custom, client, bearer, users, assignment):
    for user in (org.user("inspector", "inspector2"), users["mystery_shopper"], users["remote_monitor"]):
        response = client.post(f"/api/v1/assignments/{assignment.id}/start", json={"uuid": new_uuid()},
                               headers=bearer(user))
        assert response.status_code == 404, (user.username, response.get_json())
    for user in (users["outlet_manager"], users["viewer"]):
        response = client.post(f"/api/v1/assignments/{assignment.id}/start", json={"uuid": new_uuid()},
                               headers=bearer(user))
        assert response.status_code == 403, user.username
    missing = client.post("/api/v1/assignments/999999/start", json={"uuid": new_uuid()}, headers=bearer(users["inspector"]))
    assert missing.status_code == 404
    bad = client.post(f"/api/v1/assignments/{assignment.id}/start", json={"uuid": "not-a-uuid"},
                      headers=bearer(users["inspector"]))
    assert bad.status_code == 422 and "uuid" in bad.get_json()["errors"]["json"]
    assert count(Inspection) == 0
