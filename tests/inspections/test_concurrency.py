"""Many phones at once through a real HTTP server: 32 clients submitting different inspections, and
one phone resending the same draft ten times."""
from __future__ import annotations

import json
import threading

from inspections.models import Answer, Inspection, Photo
from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import (
    at_once,
    count,
    draft_body,
    full_answers,
    http_request,
    new_uuid,
    rows,
    sha256,
    statuses,
)

CLIENTS = 32


def test_32_clients_submit_different_inspections_at_once(org, custom, bearer, live_server):
    inspectors = [org.user("inspector", f"inspector{n}") for n in range(4)]
    tokens = [bearer(user) for user in inspectors]
    jobs = []
    for index in range(CLIENTS):
        uuid, photo_uuid = new_uuid(), new_uuid()
        outlet = org.outlet_a if index % 2 else org.outlet_b
        answers = full_answers(custom, tidy={"value": "fail", "note": f"#{index}", "photo_ids": [photo_uuid]},
                               waiting=index % 11)  # 0..10: all passing
        jobs.append({"uuid": uuid, "photo_uuid": photo_uuid, "photo": jpeg(), "headers": tokens[index % 4],
                     "body": json.dumps(draft_body(custom, outlet, answers)).encode()})
    org.db.session.commit()  # read everything above first; the test holds no transaction from here on

    results: list[list] = [[] for _ in range(CLIENTS)]
    receipts: list = [None] * CLIENTS
    start = threading.Barrier(CLIENTS)

    def phone(index: int) -> None:
        job = jobs[index]
        try:
            start.wait(timeout=30)
            json_headers = {**job["headers"], "Content-Type": "application/json"}
            status, body, _ = http_request(live_server, "PUT", f"/api/v1/inspections/{job['uuid']}",
                                           body=job["body"], headers=json_headers)
            results[index].append(("draft", status, body[:300]))
            photo_headers = {**job["headers"], "Content-Type": "image/jpeg", "X-Content-SHA256": sha256(job["photo"])}
            status, body, _ = http_request(live_server, "PUT",
                                           f"/api/v1/inspections/{job['uuid']}/photos/{job['photo_uuid']}",
                                           body=job["photo"], headers=photo_headers)
            results[index].append(("photo", status, body[:300]))
            status, body, _ = http_request(live_server, "POST", f"/api/v1/inspections/{job['uuid']}/submit",
                                           headers=job["headers"])
            results[index].append(("submit", status, body[:300]))
            if status == 200:
                receipts[index] = json.loads(body)
        except Exception as error:  # noqa: BLE001  (reported as a failed step below)
            results[index].append(("exception", repr(error), b""))

    threads = [threading.Thread(target=phone, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    expected = [("draft", 201), ("photo", 201), ("submit", 200)]
    errors = [(index, steps) for index, steps in enumerate(results)
              if [(step, status) for step, status, _ in steps] != expected]
    assert errors == []
    assert count(Inspection) == CLIENTS
    assert count(Inspection, Inspection.status == "submitted") == CLIENTS
    assert count(Photo) == CLIENTS
    assert count(Finding) == CLIENTS
    assert len({json.dumps(receipt, sort_keys=True) for receipt in receipts}) == CLIENTS
    assert len({receipt["content_hash"] for receipt in receipts}) == CLIENTS
    assert {receipt["inspection"] for receipt in receipts} == {job["uuid"] for job in jobs}
    for inspection in rows(Inspection):
        assert [photo.uuid for photo in inspection.photos] == [
            job["photo_uuid"] for job in jobs if job["uuid"] == inspection.uuid]


def test_ten_identical_puts_of_a_new_inspection_create_it_once(org, custom, bearer, live_server):
    """A phone on a weak network resends its draft while the first PUT is still under way."""
    uuid = new_uuid()
    headers = {**bearer(org.user("inspector")), "Content-Type": "application/json"}
    body = json.dumps(draft_body(custom, org.outlet_a, full_answers(custom, waiting=3))).encode()
    answers = len(json.loads(body)["answers"])
    org.db.session.commit()
    results = at_once(live_server, [("PUT", f"/api/v1/inspections/{uuid}", body, headers)] * 10)
    assert statuses(results) == [200] * 9 + [201], results
    assert {json.loads(data)["uuid"] for _, data in results} == {uuid}
    assert count(Inspection) == 1 and count(Answer) == answers


def test_the_same_photo_and_the_same_submit_sent_eight_times_at_once_happen_once(org, custom, bearer, live_server):
    uuid, photo_uuid, photo = new_uuid(), new_uuid(), jpeg()
    headers = bearer(org.user("inspector"))
    answers = full_answers(custom, tidy={"value": "fail", "note": "桌面杂乱", "photo_ids": [photo_uuid]}, waiting=3)
    body = json.dumps(draft_body(custom, org.outlet_a, answers)).encode()
    org.db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    status, _, _ = http_request(live_server, "PUT", f"/api/v1/inspections/{uuid}", body=body,
                                headers={**headers, "Content-Type": "application/json"})
    assert status == 201
    photo_headers = {**headers, "Content-Type": "image/jpeg", "X-Content-SHA256": sha256(photo)}
    uploads = at_once(live_server, [("PUT", f"/api/v1/inspections/{uuid}/photos/{photo_uuid}", photo,
                                     photo_headers)] * 8)
    assert statuses(uploads) == [200] * 7 + [201], uploads
    submits = at_once(live_server, [("POST", f"/api/v1/inspections/{uuid}/submit", None, headers)] * 8)
    assert statuses(submits) == [200] * 8, submits
    assert len({data for _, data in submits}) == 1  # the same receipt for all
    assert count(Photo) == 1 and count(Finding) == 1
