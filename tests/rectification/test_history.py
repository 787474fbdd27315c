"""A finding's thread through the API: every response with its after-photos and every verdict with its
reason, newest first, paged, and only for those who may see the finding."""
from __future__ import annotations

import json

from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import new_uuid, rows


def _answer(client, finding_id, headers, text):
    photo = new_uuid()
    assert client.put(f"/api/v1/findings/{finding_id}/photos/{photo}", data=jpeg(), headers=headers,
                      content_type="image/jpeg").status_code == 201
    answered = client.post(f"/api/v1/findings/{finding_id}/responses", headers=headers,
                           json={"text": text, "photo_ids": [photo]})
    assert answered.status_code == 201, answered.get_json()
    return photo


def _verdict(client, finding_id, headers, accepted, reason=""):
    judged = client.post(f"/api/v1/findings/{finding_id}/verification", headers=headers,
                         json={"accepted": accepted, "reason": reason})
    assert judged.status_code == 201, judged.get_json()


def test_the_history_shows_each_answer_and_verdict_newest_first_in_pages(client, onsite, bearer, manager_a,
                                                                           inspector):
    onsite(1)
    [finding] = rows(Finding)
    outlet, checker = bearer(manager_a), bearer(inspector)
    first_photo = _answer(client, finding.id, outlet, "已擦拭台面")
    _verdict(client, finding.id, checker, False, "照片看不到台面全貌，请重拍")
    [listed] = client.get("/api/v1/findings", headers=outlet).get_json()
    assert (listed["status"], listed["rejection_reason"]) == ("open", "照片看不到台面全貌，请重拍")
    second_photo = _answer(client, finding.id, outlet, "已重新整理并拍全景")
    _verdict(client, finding.id, checker, True)
    [listed] = client.get("/api/v1/findings", headers=outlet).get_json()
    assert (listed["status"], listed["rejection_reason"]) == ("closed", None)

    whole = client.get(f"/api/v1/findings/{finding.id}/history", headers=outlet)
    assert whole.status_code == 200
    events = whole.get_json()
    assert [e["kind"] for e in events] == ["accepted", "response", "rejected", "response", "raised"]
    assert events[1]["text"] == "已重新整理并拍全景" and events[1]["photo_ids"] == [second_photo]
    assert events[2]["text"] == "照片看不到台面全貌，请重拍" and events[2]["by"]
    assert events[3]["photo_ids"] == [first_photo]
    assert events[4]["by"] is None and events[4]["photo_ids"] == finding.photo_ids
    assert json.loads(whole.headers["X-Pagination"])["total"] == 5

    page = client.get(f"/api/v1/findings/{finding.id}/history?page=2&page_size=2", headers=outlet)
    assert [e["kind"] for e in page.get_json()] == ["rejected", "response"]
    paging = json.loads(page.headers["X-Pagination"])
    assert (paging["total"], paging["total_pages"], paging["next_page"]) == (5, 3, 3)


def test_the_history_is_refused_to_other_outlets_and_bad_paging(client, onsite, bearer, manager_b, manager_a):
    onsite(1)
    [finding] = rows(Finding)
    assert client.get(f"/api/v1/findings/{finding.id}/history", headers=bearer(manager_b)).status_code == 404
    refused = client.get(f"/api/v1/findings/{finding.id}/history?page_size=0", headers=bearer(manager_a))
    assert refused.status_code == 422 and refused.is_json
    assert client.get("/api/v1/findings/99999999999999999999/history", headers=bearer(manager_a)).status_code == 404
