"""Findings a complaint opened, in the rectification loop's every corner: the notice numbered in the one series
with the inspections' notices, the lists and their filters, the verifier's reminder going to whoever opened it,
the closure figures counting them, and the staff scorecard NOT counting them (an upheld complaint is deducted
by its own rule)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from complaints import finding_link
from complaints import operations as complaint_operations
from core.clock import local_today
from core.extensions import db as _db
from rectification import operations, reminders, tracking
from rectification.models import Finding, Notice
from reports import rankings, scorecards
from reports.periods import month_period
from tests.factories import Org, jpeg
from tests.inspections.helpers import count, new_uuid, rows

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def receive(org, admin):
    return complaint_operations.receive({
        "outlet_id": org.outlet_a.id, "channel": "hotline", "category": "waiting", "severity": "general",
        "customer_name": "王小明", "customer_phone": "13900001111", "description": "排队一小时无人引导",
        "staff_id": org.staff_a[0].id, "level": "branch"}, admin)[0]


@pytest.fixture
def from_complaint(org, users, db):
    """A complaint about outlet A and one critical finding it opened, naming a member of staff."""
    complaint = receive(org, users["admin"])
    db.session.commit()
    finding = finding_link.open_finding(complaint.id, users["admin"], "critical", "高峰时段未启动弹性窗口",
                                        "按弹性排班制度开足窗口", staff_id=org.staff_a[0].id)
    db.session.commit()
    return complaint, finding


def answer(finding, manager, db):
    photo = new_uuid()
    operations.add_after_photo(finding.id, photo, jpeg((200, 150)), None, manager)
    db.session.commit()
    operations.respond(finding.id, "已开足窗口", [photo], manager)
    db.session.commit()


def test_one_series_with_the_inspections_notices(onsite, org, users, db):
    onsite(2)
    complaint = receive(org, users["admin"])
    db.session.commit()
    finding_link.open_finding(complaint.id, users["admin"], "major", "大堂无人引导", "设专人引导")
    db.session.commit()
    onsite(1)
    sequences = [(n.inspection_id is None, n.sequence) for n in rows(Notice)]
    assert sequences == [(False, 1), (True, 2), (False, 3)]


def test_the_lists_and_their_filters(client, from_complaint, onsite, users, token_for):
    onsite(1)
    _complaint, finding = from_complaint
    headers = token_for(users["outlet_manager"])
    everything = client.get("/api/v1/findings", headers=headers).get_json()
    assert {f["source"] for f in everything} == {"inspection", "complaint"}
    assert all(f["inspection_uuid"] for f in everything if f["source"] == "inspection")
    onsite_only = client.get("/api/v1/findings?kind=onsite", headers=headers).get_json()
    assert finding.id not in {f["id"] for f in onsite_only} and onsite_only
    by_deadline = client.get("/api/v1/findings?sort=deadline&severity=critical", headers=headers).get_json()
    assert [f["id"] for f in by_deadline] == [finding.id]
    notices = client.get("/api/v1/notices", headers=headers).get_json()
    assert {n["source"] for n in notices} == {"inspection", "complaint"}
    for notice in notices:  # every listed notice is served where the list says
        assert client.get(f"/api/v1{notice['pdf_path']}", headers=headers).status_code == 200
    assert all(n["source"] == "inspection" for n in client.get("/api/v1/notices?kind=onsite",
                                                                 headers=headers).get_json())


def test_the_finding_and_notice_pages_show_the_complaint(app, from_complaint, users):
    from tests.rectification.helpers import browser

    complaint, finding = from_complaint
    viewer = browser(app, users["viewer"])
    listing = viewer.get("/findings/").get_data(as_text=True)
    assert "高峰时段未启动弹性窗口" in listing and "投诉" in listing
    page = viewer.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert complaint.number in page and "王小明" not in page and "13900001111" not in page
    assert "投诉" in viewer.get("/notices/").get_data(as_text=True)


def test_the_verifier_reminded_is_who_opened_it(from_complaint, users, db):
    _complaint, finding = from_complaint
    admin = users["admin"]
    answer(finding, users["outlet_manager"], db)
    later = rows(Finding, id=finding.id)[0].verification_due_date + timedelta(days=1)
    admin.email = "admin@example.com"
    users["inspector"].email = "inspector@example.com"
    db.session.commit()
    due = reminders.pending(later)
    assert [d.finding_id for d in due[admin.id]] == [finding.id]
    assert users["inspector"].id not in due  # the opener may verify and is reachable

    admin.email = ""  # unreachable: every inspector who may verify is reminded instead
    db.session.commit()
    due = reminders.pending(later)
    assert admin.id not in due and [d.finding_id for d in due[users["inspector"].id]] == [finding.id]


def test_closure_figures_count_complaint_findings(from_complaint, users, db):
    _complaint, finding = from_complaint
    [before] = tracking.closure_by_outlet_month(outlet_id=finding.outlet_id)
    assert (before.total, before.closed) == (1, 0)
    answer(finding, users["outlet_manager"], db)
    operations.verify(finding.id, True, "", users["inspector"])
    db.session.commit()
    [after] = tracking.closure_by_outlet_month(outlet_id=finding.outlet_id)
    assert (after.total, after.closed, after.closure_rate) == (1, 1, 100.0)
    today = local_today()
    league = rankings.closure(month_period(today.year, today.month), [finding.outlet_id])
    assert (league[finding.outlet_id].total, league[finding.outlet_id].closed) == (1, 1)


def test_the_scorecard_does_not_count_a_complaint_finding_again(from_complaint, add_finding, org, db):
    _complaint, finding = from_complaint
    person = org.staff_a[0]
    # The same person named by an inspection's minor finding this month: that one counts.
    counted = add_finding(org.outlet_a, "工牌未佩戴", severity="minor", due=local_today())
    counted.staff_id = person.id
    db.session.commit()
    today = local_today()
    period = month_period(today.year, today.month)
    [summary] = scorecards.summaries(period, staff_ids=[person.id])
    assert summary.findings == {"critical": 0, "major": 0, "minor": 1}
    card = scorecards.card(person, period)
    assert [line.finding_id for line in card.lines if line.kind == "finding"] == [counted.id]
    assert finding.id != counted.id and finding.severity == "critical"


def test_a_finding_has_exactly_one_source(from_complaint, org, db):
    bad = Finding(inspection_id=None, complaint_id=None, outlet_id=org.outlet_a.id, item_key="x", section_key="x",
                  severity="minor", title="t", photo_ids=[], due_date=local_today())
    db.session.add(bad)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count(Finding) == 1


def test_downgrade_deletes_what_came_from_complaints(unmigrated_app):
    with unmigrated_app.app_context():
        upgrade(directory=MIGRATIONS)
        org = Org(_db)
        admin = org.user("admin")
        complaint = receive(org, admin)
        _db.session.commit()
        finding = finding_link.open_finding(complaint.id, admin, "minor", "宣传资料摆放杂乱", "整理宣传资料")
        _db.session.commit()
        assert finding.id and count(Notice) == 1
        _db.session.close()
        downgrade(directory=MIGRATIONS, revision="4aafaba75602")
        with _db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM finding")).scalar() == 0
            assert connection.execute(sa.text("SELECT count(*) FROM notice")).scalar() == 0
            assert connection.execute(sa.text("SELECT count(*) FROM complaint")).scalar() == 1
        columns = {c["name"]: c for c in sa.inspect(_db.engine).get_columns("finding")}
        assert "complaint_id" not in columns and not columns["inspection_id"]["nullable"]
        upgrade(directory=MIGRATIONS)
