"""Whose lateness: an outlet that answered in time is never overdue, however long its answer waits
for verification; that wait is the verifiers' (验证逾期). An answer sent late stays counted as late;
an unanswered finding past its deadline is the outlet's (网点逾期)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import local_midnight, local_today
from core.extensions import db
from rectification import operations
from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import new_uuid, rows
from tests.rectification.helpers import browser


@pytest.fixture
def three(onsite):
    """Three findings of outlet A, from an on-site inspection."""
    onsite(3)
    return rows(Finding)


@pytest.fixture
def answer(client, bearer, manager_a, monkeypatch):
    """The outlet answers a finding (after-photo and text, through the API) at a given moment."""
    def give(finding: Finding, moment: datetime):
        headers = bearer(manager_a)
        photo = new_uuid()
        stored = client.put(f"/api/v1/findings/{finding.id}/photos/{photo}", data=jpeg(), headers=headers,
                            content_type="image/jpeg")
        assert stored.status_code == 201
        monkeypatch.setattr(operations, "utcnow", lambda: moment)
        sent = client.post(f"/api/v1/findings/{finding.id}/responses", headers=headers,
                           json={"text": "已整改", "photo_ids": [photo]})
        monkeypatch.setattr(operations, "utcnow", lambda: datetime.now(UTC))
        assert sent.status_code == 201, sent.get_json()

    return give


def noon(days_ago: int) -> datetime:
    return local_midnight(local_today() - timedelta(days=days_ago)) + timedelta(hours=12)


def set_deadline(finding: Finding, days_from_today: int) -> None:
    finding.due_date = local_today() + timedelta(days=days_from_today)
    db.session.commit()


def titles(client, headers, query: str) -> list[int]:
    listed = client.get(f"/api/v1/findings?{query}", headers=headers)
    assert listed.status_code == 200
    return sorted(f["id"] for f in listed.get_json())


def test_in_time_and_slowly_verified_is_the_verifiers_not_the_outlets(app, client, bearer, three, answer, users,
                                                                      manager_a):
    in_time, late, unanswered = three
    set_deadline(in_time, -8)
    answer(in_time, noon(10))  # two days before its deadline; to be verified within 3 days, by 7 days ago
    set_deadline(late, -5)
    answer(late, noon(3))  # two days after its deadline; to be verified by today
    set_deadline(unanswered, -1)

    headers = bearer(users["viewer"])
    shown = {f["id"]: f for f in client.get("/api/v1/findings", headers=headers).get_json()}
    assert (shown[in_time.id]["overdue"], shown[in_time.id]["answered_late"],
            shown[in_time.id]["verification_overdue"]) == (False, False, True)
    assert shown[in_time.id]["verification_due_date"] == (local_today() - timedelta(days=7)).isoformat()
    assert (shown[late.id]["overdue"], shown[late.id]["answered_late"],
            shown[late.id]["verification_overdue"]) == (False, True, False)
    assert shown[late.id]["verification_due_date"] == local_today().isoformat()  # due today is not overdue yet
    assert (shown[unanswered.id]["overdue"], shown[unanswered.id]["answered_late"],
            shown[unanswered.id]["verification_overdue"]) == (True, False, False)

    assert titles(client, headers, "overdue=true") == [unanswered.id]
    assert titles(client, headers, "verification_overdue=true") == [in_time.id]
    assert titles(client, bearer(manager_a), "overdue=true") == [unanswered.id]

    page = browser(app, users["inspector"]).get("/findings/?lang=en").get_data(as_text=True)
    assert "verification_overdue=1" in page  # the verifiers' own tab
    rows_html = {finding.id: page.split(f'href="/findings/{finding.id}"')[1].split("</tr>")[0] for finding in three}
    assert "Verification overdue" in rows_html[in_time.id] and "Outlet overdue" not in rows_html[in_time.id]
    assert "Answered late" in rows_html[late.id] and "Verification overdue" not in rows_html[late.id]
    assert "Outlet overdue" in rows_html[unanswered.id]
    waiting = browser(app, users["inspector"]).get("/findings/?verification_overdue=1&sort=deadline")
    assert waiting.status_code == 200 and "共 1 条" in waiting.get_data(as_text=True)

    outlet_page = browser(app, manager_a).get("/findings/").get_data(as_text=True)
    assert "verification_overdue=1" not in outlet_page and "网点逾期" in outlet_page


def test_a_rejected_answer_sent_in_time_gets_time_to_fix_again_and_a_late_one_does_not(
        app, client, bearer, three, answer, users):
    in_time, late, _ = three
    set_deadline(in_time, -8)
    answer(in_time, noon(10))
    set_deadline(late, -5)
    answer(late, noon(3))
    headers = bearer(users["inspector"])
    for finding in (in_time, late):
        rejected = client.post(f"/api/v1/findings/{finding.id}/verification", headers=headers,
                               json={"accepted": False, "reason": "照片不清楚"})
        assert rejected.status_code == 201

    again = {f.id: f for f in rows(Finding)}
    assert again[in_time.id].status == "open"
    assert again[in_time.id].due_date == local_today() + timedelta(days=app.config["FINDING_REWORK_DAYS"])
    assert again[late.id].due_date == local_today() - timedelta(days=5)  # the deadline it missed stands
    shown = {f["id"]: f for f in client.get("/api/v1/findings", headers=headers).get_json()}
    assert shown[in_time.id]["overdue"] is False and shown[late.id]["overdue"] is True
    assert shown[late.id]["answered_late"] is False  # open again: overdue now, no longer "answered"


def test_an_answer_is_late_by_the_local_day_of_the_deadline(app, three, answer):
    """Answered at 23:30 local time on the deadline's day: in time; at 00:30 the day after: late."""
    first, second, _ = three
    set_deadline(first, -3)
    set_deadline(second, -3)
    deadline = local_midnight(local_today() - timedelta(days=2))  # the first moment after the deadline's day
    answer(first, deadline - timedelta(minutes=30))
    answer(second, deadline + timedelta(minutes=30))
    late = {f.id: f.responded_late for f in rows(Finding)}
    assert (late[first.id], late[second.id]) == (False, True)
