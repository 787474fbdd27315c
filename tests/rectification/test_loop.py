"""The rectification loop through the API and the pages: open → responded → (rejected → open →
responded →) closed, who may do which step, and the audit trail it leaves."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from core.audit import AuditEntry
from inspections.models import Photo
from rectification.models import Finding, Notice, Response, Verification
from tests.factories import jpeg, png
from tests.inspections.helpers import count, new_uuid, rows, sha256
from tests.rectification.helpers import browser
from tests.support import csrf_token_of


@pytest.fixture
def findings(onsite):
    """An on-site inspection of outlet A with two findings: (uuid, [finding, finding])."""
    uuid, _ = onsite(2)
    return uuid, rows(Finding)


def put_photo(client, finding_id, photo_uuid, data, headers, content_type="image/jpeg"):
    return client.put(f"/api/v1/findings/{finding_id}/photos/{photo_uuid}", data=data, headers=headers,
                      content_type=content_type)


def respond(client, finding_id, headers, text="已整改", photo_ids=()):
    return client.post(f"/api/v1/findings/{finding_id}/responses", headers=headers,
                       json={"text": text, "photo_ids": list(photo_ids)})


def verify(client, finding_id, headers, accepted, reason=None):
    body = {"accepted": accepted} if reason is None else {"accepted": accepted, "reason": reason}
    return client.post(f"/api/v1/findings/{finding_id}/verification", headers=headers, json=body)


def detail(client, finding_id, headers):
    response = client.get(f"/api/v1/findings/{finding_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_after_photos_are_stored_once_per_uuid_and_checked_by_content(client, findings, bearer, manager_a):
    _, (finding, other) = findings
    headers = bearer(manager_a)
    photo_uuid, data = new_uuid(), jpeg((320, 240))
    created = put_photo(client, finding.id, photo_uuid, data, {**headers, "X-Content-SHA256": sha256(data)})
    assert created.status_code == 201
    assert created.get_json() == {"uuid": photo_uuid, "sha256": sha256(data)}
    replay = put_photo(client, finding.id, photo_uuid, data, headers)
    assert replay.status_code == 200 and replay.get_json()["sha256"] == sha256(data)
    assert put_photo(client, finding.id, photo_uuid, jpeg((320, 240)), headers).status_code == 409
    assert put_photo(client, other.id, photo_uuid, data, headers).status_code == 409  # another finding's UUID
    text_file = put_photo(client, finding.id, new_uuid(), b"the counter was cleaned\n", headers, "image/jpeg")
    assert text_file.status_code == 415 and text_file.is_json
    damaged = put_photo(client, finding.id, new_uuid(), data, {**headers, "X-Content-SHA256": "0" * 64})
    assert damaged.status_code == 422
    [stored] = rows(Photo, purpose="after")
    assert (stored.uuid, stored.finding_id, stored.sha256) == (photo_uuid, finding.id, sha256(data))
    shown = client.get(f"/api/v1/findings/{finding.id}/photos/{photo_uuid}?variant=thumb", headers=headers)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert detail(client, finding.id, headers)["after_photo_ids"] == [photo_uuid]


def test_a_finding_goes_round_the_loop_and_each_step_is_audited(client, findings, bearer, manager_a, inspector):
    _, (finding, other) = findings
    outlet, checker = bearer(manager_a), bearer(inspector)
    first, second = new_uuid(), new_uuid()
    assert put_photo(client, finding.id, first, jpeg(), outlet).status_code == 201
    assert put_photo(client, other.id, second, png(), outlet).status_code == 201

    not_uploaded = respond(client, finding.id, outlet, photo_ids=[new_uuid()])
    assert not_uploaded.status_code == 409
    assert len(not_uploaded.get_json()["errors"]["missing_photos"]) == 1
    elsewhere = respond(client, finding.id, outlet, photo_ids=[second])  # uploaded, but to the other finding
    assert elsewhere.status_code == 409 and elsewhere.get_json()["errors"]["missing_photos"] == [second]
    assert respond(client, finding.id, outlet, text="", photo_ids=[first]).status_code == 422
    assert respond(client, finding.id, outlet, text="   ", photo_ids=[first]).status_code == 422
    assert respond(client, finding.id, outlet, photo_ids=[]).status_code == 422
    assert count(Response) == 0 and detail(client, finding.id, outlet)["status"] == "open"

    answered = respond(client, finding.id, outlet, text="已修复叫号机", photo_ids=[first])
    assert answered.status_code == 201
    assert answered.get_json()["text"] == "已修复叫号机" and answered.get_json()["photo_ids"] == [first]
    state = detail(client, finding.id, outlet)
    assert state["status"] == "responded" and state["responded_at"] is not None and state["closed_at"] is None
    assert respond(client, finding.id, outlet, text="再说一次", photo_ids=[first]).status_code == 409

    assert verify(client, finding.id, checker, False).status_code == 422
    assert verify(client, finding.id, checker, False, "  ").status_code == 422
    assert detail(client, finding.id, checker)["status"] == "responded"
    rejected = verify(client, finding.id, checker, False, "照片未显示叫号屏")
    assert rejected.status_code == 201
    assert rejected.get_json()["accepted"] is False and rejected.get_json()["reason"] == "照片未显示叫号屏"
    state = detail(client, finding.id, outlet)
    assert state["status"] == "open"
    assert [(v["accepted"], v["reason"]) for v in state["verifications"]] == [(False, "照片未显示叫号屏")]

    assert respond(client, finding.id, outlet, text="补拍叫号屏照片", photo_ids=[first]).status_code == 201
    assert detail(client, finding.id, outlet)["status"] == "responded"
    assert verify(client, finding.id, checker, True).status_code == 201
    state = detail(client, finding.id, checker)
    assert state["status"] == "closed" and state["closed_at"] is not None
    assert [r["text"] for r in state["responses"]] == ["已修复叫号机", "补拍叫号屏照片"]
    assert [v["accepted"] for v in state["verifications"]] == [False, True]
    assert verify(client, finding.id, checker, True).status_code == 409
    assert verify(client, finding.id, checker, False, "再看看").status_code == 409
    assert respond(client, finding.id, outlet, text="又修了", photo_ids=[first]).status_code == 409
    assert put_photo(client, finding.id, new_uuid(), jpeg(), outlet).status_code == 409
    [reject_row, accept_row] = rows(Verification)
    responses = rows(Response)
    assert (reject_row.response_id, accept_row.response_id) == (responses[0].id, responses[1].id)
    assert (reject_row.inspector_id, reject_row.reason) == (inspector.id, "照片未显示叫号屏")

    entries = rows(AuditEntry)
    actions = [(e.action, e.actor_id) for e in entries if e.object_id == str(finding.id) and e.object_type == "finding"]
    assert actions == [("finding.respond", manager_a.id), ("finding.reject", inspector.id),
                       ("finding.respond", manager_a.id), ("finding.accept", inspector.id)]
    [issued] = [e for e in entries if e.action == "notice.issue"]
    [notice] = rows(Notice)
    assert issued.object_id == str(notice.id) and issued.actor_id == inspector.id
    assert sum(e.action == "finding.after_photo" for e in entries) == 2


def test_each_role_may_do_only_its_own_steps(app, client, findings, onsite, org, users, bearer, manager_a,
                                             manager_b, inspector):
    uuid, (finding, _) = findings
    before_photo = finding.photo_ids[0]
    after = new_uuid()
    assert put_photo(client, finding.id, after, jpeg(), bearer(manager_a)).status_code == 201

    other_outlet = bearer(manager_b)
    for path in (f"/api/v1/findings/{finding.id}", f"/api/v1/findings/{finding.id}/photos/{before_photo}",
                 f"/api/v1/findings/{finding.id}/photos/{after}", f"/api/v1/inspections/{uuid}/notice.pdf",
                 f"/api/v1/inspections/{uuid}/report.pdf"):
        assert client.get(path, headers=other_outlet).status_code == 404, path
    assert put_photo(client, finding.id, new_uuid(), jpeg(), other_outlet).status_code == 404
    assert respond(client, finding.id, other_outlet, photo_ids=[after]).status_code == 404
    assert client.get("/api/v1/findings", headers=other_outlet).get_json() == []
    assert client.get("/api/v1/notices", headers=other_outlet).get_json() == []
    # Nor through a finding of its own: a photo is served only with the finding it belongs to.
    onsite(1, outlet=org.outlet_b)
    [own] = rows(Finding, outlet_id=org.outlet_b.id)
    assert client.get(f"/api/v1/findings/{own.id}/photos/{own.photo_ids[0]}", headers=other_outlet).status_code == 200
    for photo in (before_photo, after):
        assert client.get(f"/api/v1/findings/{own.id}/photos/{photo}", headers=other_outlet).status_code == 404

    checker = bearer(inspector)
    assert respond(client, finding.id, checker, photo_ids=[after]).status_code == 403
    assert put_photo(client, finding.id, new_uuid(), jpeg(), checker).status_code == 403
    assert respond(client, finding.id, bearer(manager_a), photo_ids=[after]).status_code == 201
    assert verify(client, finding.id, bearer(manager_a), True).status_code == 403

    shopper = bearer(users["mystery_shopper"])
    for path in ("/api/v1/findings", f"/api/v1/findings/{finding.id}", "/api/v1/notices"):
        assert client.get(path, headers=shopper).status_code == 403, path
    shopper_page = browser(app, users["mystery_shopper"]).get("/findings/")
    assert shopper_page.status_code == 403

    viewer = bearer(users["viewer"])
    listed = client.get("/api/v1/findings", headers=viewer)
    assert listed.status_code == 200 and finding.id in [f["id"] for f in listed.get_json()]
    assert detail(client, finding.id, viewer)["status"] == "responded"
    assert client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=viewer).status_code == 200
    assert verify(client, finding.id, viewer, True).status_code == 403
    assert respond(client, finding.id, viewer, photo_ids=[after]).status_code == 403
    assert put_photo(client, finding.id, new_uuid(), jpeg(), viewer).status_code == 403
    assert rows(Finding, id=finding.id)[0].status == "responded"

    anonymous = app.test_client()
    for path in ("/api/v1/findings", f"/api/v1/findings/{finding.id}", f"/api/v1/inspections/{uuid}/notice.pdf",
                 f"/api/v1/findings/{finding.id}/photos/{before_photo}"):
        refused = anonymous.get(path)
        assert refused.status_code == 401 and refused.is_json, path
    assert verify(anonymous, finding.id, {}, True).status_code == 401
    assert respond(anonymous, finding.id, {}, photo_ids=[after]).status_code == 401
    assert put_photo(anonymous, finding.id, new_uuid(), jpeg(), {}).status_code == 401
    assert rows(Finding, id=finding.id)[0].status == "responded" and count(Photo, Photo.purpose == "after") == 1
    page = anonymous.get(f"/findings/{finding.id}")  # a page sends anonymous visitors to the login form
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_an_outlet_manager_lists_only_the_outlets_published_findings(client, onsite, org, bearer, manager_a, db):
    onsite(2)
    onsite(1, outlet=org.outlet_b)
    own = rows(Finding, outlet_id=org.outlet_a.id)
    hidden = Finding(inspection_id=own[0].inspection_id, outlet_id=org.outlet_a.id, item_key="lobby_greeting",
                     section_key="lobby", severity="major", title="未公布的问题", due_date=own[0].due_date,
                     published=False)
    db.session.add(hidden)
    db.session.commit()
    listed = client.get("/api/v1/findings", headers=bearer(manager_a))
    assert listed.status_code == 200
    assert sorted(f["id"] for f in listed.get_json()) == sorted(f.id for f in own)
    assert {f["outlet_id"] for f in listed.get_json()} == {org.outlet_a.id}
    assert count(Finding) == 4


def test_the_outlet_responds_and_the_inspector_accepts_through_the_finding_page(app, findings, manager_a,
                                                                               inspector):
    _, (finding, _) = findings
    outlet = browser(app, manager_a)
    page = outlet.get(f"/findings/{finding.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert finding.title in html and 'name="photos"' in html and 'value="accept"' not in html

    without_token = outlet.post(f"/findings/{finding.id}", data={"action": "respond", "text": "已修复",
                                                                  "photos": (io.BytesIO(jpeg()), "after.jpg")},
                                content_type="multipart/form-data")
    assert without_token.status_code == 400
    assert count(Response) == 0

    sent = outlet.post(f"/findings/{finding.id}", data={
        "csrf_token": csrf_token_of(page.data), "action": "respond", "text": "已修复叫号机并补充号票纸",
        "photos": (io.BytesIO(jpeg((640, 480))), "after.jpg")}, content_type="multipart/form-data")
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/findings/{finding.id}")
    state = rows(Finding, id=finding.id)[0]
    assert state.status == "responded"
    [after] = rows(Photo, purpose="after")
    [response] = rows(Response)
    assert response.text == "已修复叫号机并补充号票纸" and response.photo_ids == [after.uuid]
    assert after.finding_id == finding.id and after.uploaded_by_id == manager_a.id

    checker = browser(app, inspector)
    page = checker.get(f"/findings/{finding.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="accept"' in html and 'name="photos"' not in html
    assert "已修复叫号机并补充号票纸" in html
    assert re.search(rf'/findings/{finding.id}/photos/{after.uuid}\?variant=thumb', html)
    accepted = checker.post(f"/findings/{finding.id}", data={"csrf_token": csrf_token_of(page.data),
                                                             "action": "accept", "reason": ""})
    assert accepted.status_code == 302
    state = rows(Finding, id=finding.id)[0]
    assert state.status == "closed" and state.closed_at is not None
    [verification] = rows(Verification)
    assert verification.accepted and verification.inspector_id == inspector.id
    assert 'value="accept"' not in checker.get(f"/findings/{finding.id}").get_data(as_text=True)


def test_a_refused_response_on_the_page_stores_no_photo(app, findings, manager_a):
    _, (finding, _) = findings
    outlet = browser(app, manager_a)
    page = outlet.get(f"/findings/{finding.id}")
    refused = outlet.post(f"/findings/{finding.id}", data={
        "csrf_token": csrf_token_of(page.data), "action": "respond", "text": "  ",
        "photos": (io.BytesIO(jpeg()), "after.jpg")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert rows(Finding, id=finding.id)[0].status == "open"
    assert count(Photo, Photo.purpose == "after") == 0  # no orphaned upload left behind
    assert count(Response) == 0


def test_a_response_refused_after_its_first_photo_was_stored_leaves_no_photo_or_file(app, findings, manager_a):
    _, (finding, _) = findings
    outlet = browser(app, manager_a)
    page = outlet.get(f"/findings/{finding.id}")
    media = Path(app.config["DATA_DIR"])
    files_before = sorted(p for p in media.rglob("*") if p.is_file())
    refused = outlet.post(f"/findings/{finding.id}", data={
        "csrf_token": csrf_token_of(page.data), "action": "respond", "text": "已修复",
        "photos": [(io.BytesIO(jpeg()), "after.jpg"), (io.BytesIO(b"\xff\xd8 not a picture"), "broken.jpg")]},
        content_type="multipart/form-data")
    assert refused.status_code == 415  # the refusal's own status, as the API answers it: not a picture
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert rows(Finding, id=finding.id)[0].status == "open"
    assert count(Photo, Photo.purpose == "after") == 0 and count(Response) == 0
    assert sorted(p for p in media.rglob("*") if p.is_file()) == files_before


def test_photo_uuids_are_matched_whatever_their_letter_case(client, findings, bearer, manager_a):
    _, (finding, _) = findings
    headers = bearer(manager_a)
    shouted = new_uuid().upper()
    assert put_photo(client, finding.id, shouted, jpeg(), headers).status_code == 201
    assert put_photo(client, finding.id, shouted.lower(), jpeg(), headers).status_code == 409  # the same UUID
    answered = respond(client, finding.id, headers, photo_ids=[shouted])
    assert answered.status_code == 201, answered.get_json()
    assert answered.get_json()["photo_ids"] == [shouted.lower()]
    assert client.get(f"/api/v1/findings/{finding.id}/photos/{shouted}", headers=headers).status_code == 200
