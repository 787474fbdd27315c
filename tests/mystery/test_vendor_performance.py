"""Vendor performance per shopper — visits on time, rejection rate, revisions, flags — checked
against numbers worked out by hand from a fixed set of reports."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from inspections.models import Assignment, Inspection
from mystery.models import MysteryReview, MysteryVisit
from org.models import Vendor
from tests.inspections.helpers import new_uuid
from tests.mystery.helpers import AT_OUTLET, FAR_AWAY, utc_now
from tests.rectification.helpers import browser


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def reports(org, checklists, users):
    """Eleven reports of four shoppers of two vendors (one only a draft) and an on-site inspection."""
    db, version, admin = org.db, checklists["mystery"], users["admin"]
    far_sight = Vendor(code="V02", name="远景调研")
    db.session.add(far_sight)
    db.session.flush()
    amy = org.user("mystery_shopper", "amy")
    bob = org.user("mystery_shopper", "bob")
    cat = org.user("mystery_shopper", "cat", vendor=far_sight)
    dan = org.user("mystery_shopper", "dan")
    for user, name in ((amy, "Amy"), (bob, "Bob"), (cat, "Cat"), (dan, "Dan")):
        user.display_name = name

    def report(shopper, status, *, window=None, finished=None, started=None, submitted="2026-03-31T00:00:00",
               flags=0, revisions=0):
        assignment = None
        if window:
            assignment = Assignment(kind="mystery", template_id=version.template_id, outlet_id=org.outlet_a.id,
                                    vendor_id=shopper.vendor_id, period="2026Q1", sequence=1,
                                    window_start=date.fromisoformat(window[0]),
                                    window_end=date.fromisoformat(window[1]),
                                    status="done")
            db.session.add(assignment)
            db.session.flush()
        inspection = Inspection(uuid=new_uuid(), kind="mystery", checklist_version_id=version.id,
                                outlet_id=org.outlet_a.id, inspector_id=shopper.id,
                                assignment_id=assignment.id if assignment else None, status=status,
                                started_at=_utc(started) if started else None,
                                finished_at=_utc(finished) if finished else None,
                                submitted_at=_utc(submitted) if status != "draft" else None)
        db.session.add(inspection)
        db.session.flush()
        # A draft with flags was filed once and sent back: its record keeps what the last submit found.
        db.session.add(MysteryVisit(inspection_id=inspection.id,
                                    flags=[{"code": "far_from_outlet", "message": "", "evidence": {}}] * flags))
        for _ in range(revisions):
            db.session.add(MysteryReview(inspection_id=inspection.id, reviewer_id=admin.id, decision="revise",
                                         reason="请补充"))

    # Amy: 4 reports (the draft does not count); on time 2 (r1, r3); rejected 1; revisions 1+2; flags 2+1.
    report(amy, "published", window=("2026-03-01", "2026-03-07"), finished="2026-03-03T02:00:00", revisions=1)
    report(amy, "rejected", window=("2026-03-01", "2026-03-07"), finished="2026-03-08T03:00:00", flags=2)
    report(amy, "submitted", window=("2026-03-10", "2026-03-16"), finished="2026-03-10T01:00:00", flags=1,
           revisions=2)
    report(amy, "draft", window=("2026-03-10", "2026-03-16"), finished="2026-03-11T01:00:00", flags=5, revisions=1)
    report(amy, "reviewed", finished="2026-03-12T01:00:00")  # no assignment: never "on time"
    # Bob: 3 reports; the days are China time (UTC+8), not UTC.
    # 2026-03-04 20:00 UTC is 03-05 04:00 in China: on the window's first day, on time.
    report(bob, "published", window=("2026-03-05", "2026-03-10"), finished="2026-03-04T20:00:00")
    # 2026-03-10 17:30 UTC is 03-11 01:30 in China: a day after the window.
    report(bob, "rejected", window=("2026-03-01", "2026-03-10"), finished="2026-03-10T17:30:00", flags=1)
    # Before the window opened.
    report(bob, "rejected", window=("2026-03-05", "2026-03-10"), finished="2026-03-02T06:00:00", flags=3,
           revisions=1)
    # Cat: 3 reports; with no departure time the arrival counts, and with neither the filing time.
    report(cat, "published", window=("2026-03-18", "2026-03-24"), finished="2026-03-20T03:00:00")
    report(cat, "submitted", window=("2026-03-18", "2026-03-24"), started="2026-03-20T01:00:00")
    report(cat, "reviewed", window=("2026-03-18", "2026-03-24"), submitted="2026-03-30T01:00:00", flags=1)
    # Dan filed nothing yet: only a draft.
    report(dan, "draft", window=("2026-03-18", "2026-03-24"), finished="2026-03-20T03:00:00", flags=1)
    # An on-site inspection is no mystery report.
    db.session.add(Inspection(uuid=new_uuid(), kind="onsite", checklist_version_id=checklists["onsite"].id,
                              outlet_id=org.outlet_a.id, inspector_id=users["inspector"].id, status="submitted",
                              submitted_at=_utc("2026-03-05T00:00:00")))
    db.session.commit()


EXPECTED = [
    {"vendor": "明察调研", "shopper": "Amy", "reports": 4, "on_time": 2, "on_time_rate": 50.0, "rejected": 1,
     "rejection_rate": 25.0, "revisions": 3, "flags": 3, "flags_per_report": 0.75},
    {"vendor": "明察调研", "shopper": "Bob", "reports": 3, "on_time": 1, "on_time_rate": 33.3, "rejected": 2,
     "rejection_rate": 66.7, "revisions": 1, "flags": 4, "flags_per_report": 1.33},
    {"vendor": "远景调研", "shopper": "Cat", "reports": 3, "on_time": 2, "on_time_rate": 66.7, "rejected": 0,
     "rejection_rate": 0.0, "revisions": 0, "flags": 1, "flags_per_report": 0.33},
]


def test_performance_per_shopper_matches_the_hand_computed_figures(reports, client, bearer, users):
    response = client.get("/api/v1/mystery/vendor-performance", headers=bearer(users["admin"]))
    assert response.status_code == 200
    assert response.get_json() == EXPECTED


def test_the_review_queue_page_shows_the_figures(app, reports, users):
    html = browser(app, users["admin"]).get("/admin/mystery/").get_data(as_text=True)
    html = re.sub(r'<td data-label="[^"]*">', "<td>", html)  # the column names a phone shows beside each cell
    for row in EXPECTED:
        cells = [row["vendor"], row["shopper"], str(row["reports"]), f"{row['on_time_rate']}%",
                 f"{row['rejection_rate']}%", str(row["revisions"]), str(row["flags_per_report"])]
        assert "</td><td>".join(cells) in html, row["shopper"]
    assert "Dan" not in html


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "viewer", "outlet_manager", "mystery_shopper"])
def test_only_the_admin_sees_vendor_performance(reports, client, bearer, users, role):
    assert client.get("/api/v1/mystery/vendor-performance", headers=bearer(users[role])).status_code == 403


def test_a_revision_and_a_rejection_through_the_review_api_are_counted(desk, shopper):
    now = utc_now()
    times = {"started_at": now - timedelta(minutes=50), "finished_at": now - timedelta(minutes=20)}
    visit = desk.assignment(assignee=shopper)
    filed = desk.file(shopper, visit, location=FAR_AWAY, narrative="第一次提交：定位在网点两公里外。", **times)
    assert desk.review(filed.uuid, "revise", "定位不对").status_code == 200
    body = desk.body(visit, location=AT_OUTLET, narrative="第一次提交：定位在网点两公里外。", **times)
    assert desk.sync.put(filed.uuid, body, desk.bearer(shopper)).status_code == 200
    assert desk.sync.submit(filed.uuid, desk.bearer(shopper)).status_code == 200
    assert desk.review(filed.uuid, "reject", "叙述与照片不符").status_code == 200

    [row] = desk.client.get("/api/v1/mystery/vendor-performance", headers=desk.admin_headers).get_json()
    assert row == {"vendor": "明察调研", "shopper": shopper.display_name, "reports": 1, "on_time": 1,
                   "on_time_rate": 100.0, "rejected": 1, "rejection_rate": 100.0, "revisions": 1, "flags": 0,
                   "flags_per_report": 0.0}
