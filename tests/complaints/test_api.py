"""The ledger through the API: intake with photos from the phone, the list most urgent first and in scope, the
customer masked for all but the handler, the steps, escalation and reassignment, and the refused roles."""
from __future__ import annotations

import hashlib
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine

from complaints.models import Complaint, ComplaintPhoto
from tests.factories import jpeg


def body(org, **changes) -> dict:
    data = {"outlet_id": org.outlet_a.id, "channel": "hotline", "category": "waiting",
            "customer_name": "陈美华", "customer_phone": "13812345678", "description": "排队等候超过四十分钟",
            "request": "希望增开窗口", "staff_id": org.staff_a[0].id}
    return {**data, **changes}


@pytest.fixture
def manager(users, bearer):
    return bearer(users["outlet_manager"])


def test_the_phone_records_a_complaint_with_a_photo(org, users, client, manager, db):
    picture, photo_id = jpeg(), str(uuid.uuid4())
    headers = {**manager, "Content-Type": "image/jpeg", "X-Content-SHA256": hashlib.sha256(picture).hexdigest()}
    first = client.put(f"/api/v1/complaints/photos/{photo_id}", data=picture, headers=headers)
    again = client.put(f"/api/v1/complaints/photos/{photo_id}", data=picture, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    response = client.post("/api/v1/complaints", json=body(org, photo_ids=[photo_id]), headers=manager)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["status"] == "received" and made["labels"]["category"] == "等候时间"
    # The outlet manager is the outlet's natural handler without a contact table: they read the customer whole.
    assert made["customer_name"] == "陈美华" and made["can"]["handle"] and made["next_step"] == "acknowledge"
    thumb = client.get(made["photos"][0]["thumb_url"], headers=manager)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert [event["label"] for event in made["events"]] == ["已登记"]


def test_a_photo_not_uploaded_leaves_nothing_written(org, client, manager, db):
    response = client.post("/api/v1/complaints", json=body(org, photo_ids=[str(uuid.uuid4())]), headers=manager)
    assert response.status_code == 409 and response.get_json()["problem"] == "photos_missing"
    assert db.session.query(Complaint).count() == 0


def test_another_persons_photo_cannot_be_claimed(org, users, client, manager, bearer, db):
    photo_id = str(uuid.uuid4())
    assert client.put(f"/api/v1/complaints/photos/{photo_id}", data=jpeg(), headers={
        **bearer(users["admin"]), "Content-Type": "image/jpeg"}).status_code == 201
    response = client.post("/api/v1/complaints", json=body(org, photo_ids=[photo_id]), headers=manager)
    assert response.status_code == 409
    assert db.session.query(ComplaintPhoto).filter_by(complaint_id=None).count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"channel": "fax"}, "channel"), ({"customer_name": ""}, "customer_name"), ({"description": None}, "description"),
    ({"outlet_id": "A01"}, "outlet_id"), ({"received_on": "2099-01-01"}, "received_on"),
    ({"customer_phone": "call me"}, "customer_phone")])
def test_bad_intake_is_refused_in_chinese_with_nothing_written(org, client, manager, db, changes, field):
    response = client.post("/api/v1/complaints", json=body(org, **changes),
                           headers={**manager, "Accept-Language": "zh"})
    assert response.status_code in (400, 422), response.get_json()
    answer = response.get_json()
    assert field in json.dumps(answer["errors"], ensure_ascii=False) or field in answer["message"]
    assert not any("a" <= ch <= "z" for ch in answer["message"])
    assert db.session.query(Complaint).count() == 0


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "mystery_shopper"])
def test_roles_outside_the_ledger_are_refused(org, users, client, bearer, role, db):
    headers = bearer(users[role])
    assert client.get("/api/v1/complaints", headers=headers).status_code == 403
    assert client.post("/api/v1/complaints", json=body(org), headers=headers).status_code == 403
    assert client.put(f"/api/v1/complaints/photos/{uuid.uuid4()}", data=jpeg(),
                      headers={**headers, "Content-Type": "image/jpeg"}).status_code == 403


def test_the_viewer_reads_masked_and_may_not_record_or_handle(org, users, client, manager, bearer, db):
    made = client.post("/api/v1/complaints", json=body(org), headers=manager).get_json()
    viewer = bearer(users["viewer"])
    listed = client.get("/api/v1/complaints", headers=viewer).get_json()
    assert [(c["customer_name"], c["customer_phone"]) for c in listed] == [("陈**", "138****5678")]
    assert listed[0]["can"] == {"handle": False, "escalate": False, "reassign": False, "open_finding": False}
    assert client.post("/api/v1/complaints", json=body(org), headers=viewer).status_code == 403
    step = client.post(f"/api/v1/complaints/{made['id']}/steps", json={"step": "acknowledge"}, headers=viewer)
    assert step.status_code == 403
    # The admin supervises but is not the handler: masked too.
    admin = client.get(f"/api/v1/complaints/{made['id']}", headers=bearer(users["admin"])).get_json()
    assert admin["customer_name"] == "陈**"
    assert "13812345678" not in client.get("/api/v1/complaints", headers=viewer).get_data(as_text=True)


def test_an_outlet_sees_its_own_complaints_only(org, users, client, manager, bearer, db):
    admin = bearer(users["admin"])
    other = client.post("/api/v1/complaints", json=body(org, outlet_id=org.outlet_b.id, staff_id=None),
                        headers=admin).get_json()
    client.post("/api/v1/complaints", json=body(org), headers=manager)
    listed = client.get("/api/v1/complaints", headers=manager)
    assert [c["outlet"]["code"] for c in listed.get_json()] == ["A01"]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    assert client.get(f"/api/v1/complaints/{other['id']}", headers=manager).status_code == 404
    assert client.post(f"/api/v1/complaints/{other['id']}/steps", json={"step": "acknowledge"},
                       headers=manager).status_code == 404


def test_the_list_is_most_urgent_first(org, users, client, bearer, db):
    admin = bearer(users["admin"])
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        late = client.post("/api/v1/complaints", json=body(org), headers=admin).get_json()
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        fresh = client.post("/api/v1/complaints", json=body(org), headers=admin).get_json()
        done = client.post("/api/v1/complaints", json=body(org), headers=admin).get_json()
        handler = bearer(users["outlet_manager"])
        for step, extra in (("acknowledge", {}), ("investigate", {"note": "核实", "upheld": False}),
                            ("resolve", {"note": "解释"}), ("call_back", {"note": "满意", "satisfied": True}),
                            ("close", {})):
            response = client.post(f"/api/v1/complaints/{done['id']}/steps", json={"step": step, **extra},
                                   headers=handler)
            assert response.status_code == 200, response.get_json()
        listed = client.get("/api/v1/complaints", headers=admin).get_json()
        assert [c["id"] for c in listed] == [late["id"], fresh["id"], done["id"]]
        assert [c["overdue"] for c in listed] == [True, False, False]
        overdue = client.get("/api/v1/complaints?overdue=1", headers=admin).get_json()
        assert [c["id"] for c in overdue] == [late["id"]]


def test_an_unhappy_callback_reopens_and_escalation_hands_it_to_the_sub_branch(org, users, client, manager, bearer,
                                                                                  db):
    made = client.post("/api/v1/complaints", json=body(org), headers=manager).get_json()
    url = f"/api/v1/complaints/{made['id']}"
    for step, extra in (("acknowledge", {}), ("investigate", {"note": "属实", "upheld": True}),
                        ("resolve", {"note": "致歉"}), ("call_back", {"note": "仍不满意", "satisfied": False})):
        answer = client.post(f"{url}/steps", json={"step": step, **extra}, headers=manager).get_json()
    assert answer["status"] == "acknowledged" and answer["reopen_count"] == 1
    assert answer["events"][-1]["label"] == "重新处理：客户不满意"
    refused = client.post(f"{url}/escalation", json={"reason": ""}, headers=manager)
    assert refused.status_code == 422
    escalated = client.post(f"{url}/escalation", json={"reason": "客户要求支行出面"}, headers=manager).get_json()
    assert escalated["level"] == "branch" and escalated["handler"]["id"] == users["admin"].id
    assert escalated["customer_name"] == "陈**"  # no longer theirs to handle
    assert client.post(f"{url}/steps", json={"step": "investigate", "note": "x", "upheld": True},
                       headers=manager).status_code == 403
    admin = bearer(users["admin"])
    assert client.get(url, headers=admin).get_json()["customer_name"] == "陈美华"


def test_only_the_admin_reassigns_and_only_to_a_fitting_handler(org, users, client, manager, bearer, db):
    made = client.post("/api/v1/complaints", json=body(org), headers=manager).get_json()
    url = f"/api/v1/complaints/{made['id']}/handler"
    assert client.put(url, json={"handler_id": users["admin"].id}, headers=manager).status_code == 403
    unfit = client.put(url, json={"handler_id": users["inspector"].id}, headers=bearer(users["admin"]))
    assert unfit.status_code == 422
    moved = client.put(url, json={"handler_id": users["admin"].id}, headers=bearer(users["admin"]))
    assert moved.status_code == 200 and moved.get_json()["handler"]["id"] == users["admin"].id


def test_two_handlers_taking_one_step_at_once_one_wins(org, users, live_server, db):
    import requests

    from complaints import operations

    complaint = operations.receive(body(org), users["outlet_manager"])[0]
    db.session.commit()
    from tests.factories import bearer_headers
    headers = bearer_headers(users["admin"])
    db.session.commit()
    url = f"{live_server}/api/v1/complaints/{complaint.id}/steps"
    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(lambda _: requests.post(url, json={"step": "acknowledge"}, headers=headers,
                                                        timeout=30).status_code, range(4)))
    assert codes == [200, 409, 409, 409]


def test_figures_count_closure_and_overdue(org, users, client, bearer, db):
    admin = bearer(users["admin"])
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):
        client.post("/api/v1/complaints", json=body(org), headers=admin)
        client.post("/api/v1/complaints", json=body(org, outlet_id=org.outlet_b.id, staff_id=None), headers=admin)
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        answer = client.get("/api/v1/complaints/figures?first=2026-11-01&last=2026-11-30", headers=admin).get_json()
    assert answer["total"]["received"] == 2 and answer["total"]["overdue"] == 2
    assert answer["total"]["closure_rate"] == 0.0
    backwards = client.get("/api/v1/complaints/figures?first=2026-11-30&last=2026-11-01", headers=admin)
    assert backwards.status_code == 400
    assert client.get("/api/v1/complaints/figures?first=2026-11-01&last=2026-11-30",
                      headers=bearer(users["outlet_manager"])).status_code == 403


def test_a_phone_sending_its_intake_again_gets_the_same_complaint(org, users, live_server, db):
    import requests

    from tests.factories import bearer_headers

    headers = bearer_headers(users["outlet_manager"])
    other = bearer_headers(users["admin"])
    db.session.commit()
    payload = body(org, client_uuid=str(uuid.uuid4()).upper())
    url = f"{live_server}/api/v1/complaints"
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: requests.post(url, json=payload, headers=headers, timeout=30), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert requests.post(url, json=payload, headers=other, timeout=30).status_code == 409
    db.session.rollback()  # the test's read began before the requests: look again
    assert db.session.query(Complaint).count() == 1


def test_the_admin_opens_a_finding_from_a_complaint_and_the_outlet_handler_may_not(org, users, client, manager,
                                                                                   bearer, db):
    made = client.post("/api/v1/complaints", json=body(org), headers=manager).get_json()
    assert made["can"]["open_finding"] is False
    url = f"/api/v1/complaints/{made['id']}/findings"
    finding = {"severity": "major", "title": "午间高峰窗口开放不足", "requirement": "高峰时段保证四个窗口"}
    assert client.post(url, json=finding, headers=manager).status_code == 403
    admin = bearer(users["admin"])
    assert client.post(url, json={**finding, "severity": "huge"}, headers=admin).status_code == 422
    opened = client.post(url, json=finding, headers=admin)
    assert opened.status_code == 201, opened.get_json()
    answer = opened.get_json()
    assert [f["title"] for f in answer["findings"]] == ["午间高峰窗口开放不足"]
    assert answer["events"][-1]["label"] == "已发起整改"
    seen = client.get(f"/api/v1/complaints/{made['id']}", headers=manager).get_json()
    assert seen["findings"][0]["status"] == "open"
