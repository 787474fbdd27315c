"""The rectification loop under concurrent requests through a real threaded server: one response per
open finding, one verification per response, one photo per UUID; the others get 409 (or 200 for an
identical photo upload), and the finding never ends up in a state no single request would leave."""
from __future__ import annotations

import json

from inspections.models import Photo
from rectification.models import Finding, Response, Verification
from tests.factories import jpeg
from tests.inspections.helpers import at_once, count, new_uuid, rows, sha256, statuses
from tests.rectification.test_loop import put_photo, respond

CALLS = 8


def _json(headers: dict) -> dict:
    return {**headers, "Content-Type": "application/json"}


def _finding_with_after_photo(onsite, client, headers) -> tuple[int, str]:
    onsite(1)
    [finding] = rows(Finding)
    photo_uuid = new_uuid()
    assert put_photo(client, finding.id, photo_uuid, jpeg(), headers).status_code == 201
    return finding.id, photo_uuid


def test_eight_concurrent_responses_store_one(onsite, client, bearer, manager_a, live_server, db):
    headers = bearer(manager_a)
    finding_id, photo_uuid = _finding_with_after_photo(onsite, client, headers)
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    calls = [("POST", f"/api/v1/findings/{finding_id}/responses",
              json.dumps({"text": f"已整改 #{n}", "photo_ids": [photo_uuid]}).encode(), _json(headers))
             for n in range(CALLS)]
    results = at_once(live_server, calls)
    assert statuses(results) == [201] + [409] * (CALLS - 1), results
    assert count(Response) == 1
    db.session.expire_all()
    assert db.session.get(Finding, finding_id).status == "responded"


def test_concurrent_accepts_and_rejects_store_one_verification(onsite, client, bearer, manager_a, inspector,
                                                              users, live_server, db):
    headers = bearer(manager_a)
    finding_id, photo_uuid = _finding_with_after_photo(onsite, client, headers)
    assert respond(client, finding_id, headers, photo_ids=[photo_uuid]).status_code == 201
    verifiers = [bearer(inspector), bearer(users["admin"])]
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    calls = [("POST", f"/api/v1/findings/{finding_id}/verification",
              json.dumps({"accepted": n % 2 == 0, "reason": "" if n % 2 == 0 else "照片不清楚"}).encode(),
              _json(verifiers[n % 2])) for n in range(CALLS)]
    results = at_once(live_server, calls)
    assert statuses(results) == [201] + [409] * (CALLS - 1), results
    [verification] = rows(Verification)
    db.session.expire_all()
    finding = db.session.get(Finding, finding_id)
    if verification.accepted:
        assert finding.status == "closed" and finding.closed_at is not None
    else:
        assert finding.status == "open" and finding.closed_at is None


def test_the_same_after_photo_sent_eight_times_at_once_is_stored_once(onsite, client, bearer, manager_a,
                                                                       live_server, db):
    onsite(1)
    [finding_id] = [finding.id for finding in rows(Finding)]
    headers, data, photo_uuid = bearer(manager_a), jpeg((320, 240)), new_uuid()
    db.session.commit()  # the test holds no transaction (nor SQLite's write lock) while the server works
    calls = [("PUT", f"/api/v1/findings/{finding_id}/photos/{photo_uuid}", data,
              {**headers, "Content-Type": "image/jpeg", "X-Content-SHA256": sha256(data)})] * CALLS
    results = at_once(live_server, calls)
    assert statuses(results) == [200] * (CALLS - 1) + [201], results
    assert count(Photo, Photo.uuid == photo_uuid) == 1


def test_concurrent_downloads_of_a_new_notice_print_one_edition(onsite, bearer, manager_a, inspector, live_server, db):
    from rectification.models import NoticeEdition

    uuid, _ = onsite(1)
    tokens = [bearer(manager_a), bearer(inspector)]
    db.session.commit()
    results = at_once(live_server, [("GET", f"/api/v1/inspections/{uuid}/notice.pdf", None, tokens[n % 2])
                                    for n in range(CALLS)])
    assert statuses(results) == [200] * CALLS, results
    assert len({data for _, data in results}) == 1
    assert count(NoticeEdition) == 1

