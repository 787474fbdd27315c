"""The sync protocol (ARCHITECTURE.md §5): drafts by client UUID, photos, submit, idempotent replays."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from checklists import scoring
from checklists.store import checklist_of
from core.audit import AuditEntry
from core.clock import local_today
from inspections.models import Answer, Assignment, Inspection, Photo, SectionScore
from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import by_key, count, draft_body, full_answers, media_files, new_uuid, rows


@pytest.fixture
def inspector(users):
    return users["inspector"]


@pytest.fixture
def auth(inspector, bearer):
    return bearer(inspector)


def test_put_creates_then_updates_and_answers_with_what_the_server_holds(org, custom, sync, auth, inspector):
    uuid = new_uuid()
    created = sync.put(uuid, draft_body(custom, org.outlet_a), auth)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["uuid"], body["status"], body["kind"]) == (uuid, "draft", "onsite")
    assert (body["checklist_version_id"], body["outlet_id"], body["inspector_id"]) == \
        (custom.id, org.outlet_a.id, inspector.id)
    assert body["answers"] == [] and body["photos_received"] == []

    unchanged = sync.put(uuid, draft_body(custom, org.outlet_a), auth)
    assert unchanged.status_code == 200 and unchanged.get_json()["answers"] == []

    first = [{"item_key": "greet", "value": "pass"}, {"item_key": "waiting", "value": 4, "note": "叫号 A023"}]
    updated = sync.put(uuid, draft_body(custom, org.outlet_a, first), auth)
    assert updated.status_code == 200
    answers = by_key(updated.get_json())
    assert answers["greet"]["value"] == "pass"
    assert (answers["waiting"]["value"], answers["waiting"]["note"]) == (4, "叫号 A023")

    # Items not sent are kept; the response is the whole draft as the server now holds it.
    more = sync.put(uuid, draft_body(custom, org.outlet_a, [{"item_key": "mood", "value": 3}]), auth)
    assert more.status_code == 200
    assert {k: v["value"] for k, v in by_key(more.get_json()).items()} == {"greet": "pass", "waiting": 4, "mood": 3}

    changed = sync.put(uuid, draft_body(custom, org.outlet_a, [{"item_key": "greet", "value": "fail"}]), auth)
    assert by_key(changed.get_json())["greet"]["value"] == "fail"
    fetched = sync.get(uuid, auth)
    assert fetched.status_code == 200
    assert by_key(fetched.get_json()) == by_key(changed.get_json())

    # The same UUID in capitals is the same inspection, not a new one.
    again = sync.put(uuid.upper(), draft_body(custom, org.outlet_a), auth)
    assert again.status_code == 200 and again.get_json()["uuid"] == uuid
    assert count(Inspection) == 1 and count(Answer) == 3


def test_a_draft_keeps_its_outlet_and_version(org, custom, checklists, sync, auth):
    uuid = new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a), auth).status_code == 201
    moved = sync.put(uuid, draft_body(custom, org.outlet_b), auth)
    assert moved.status_code == 409
    other_version = sync.put(uuid, draft_body(checklists["7s"], org.outlet_a), auth)
    assert other_version.status_code == 409
    assert sync.get(uuid, auth).get_json()["outlet_id"] == org.outlet_a.id


def test_replaying_puts_photos_and_submit_three_times_changes_nothing(app, org, custom, sync, auth):
    uuid, first_photo, second_photo = new_uuid(), new_uuid(), new_uuid()
    first_bytes, second_bytes = jpeg(), jpeg()
    body = draft_body(custom, org.outlet_a, full_answers(
        custom, tidy={"value": "fail", "note": "台面杂乱", "photo_ids": [first_photo]},
        snapshot={"value": None, "photo_ids": [second_photo]}))
    files_before = media_files(app)
    receipts = []
    for round_number in range(3):
        expected = 201 if round_number == 0 else 200
        put = sync.put(uuid, body, auth)
        assert put.status_code == expected, put.get_json()
        for photo_uuid, data in ((first_photo, first_bytes), (second_photo, second_bytes)):
            uploaded = sync.photo(uuid, photo_uuid, data, auth)
            assert uploaded.status_code == expected, uploaded.get_json()
            assert uploaded.get_json()["uuid"] == photo_uuid
        submitted = sync.submit(uuid, auth)
        assert submitted.status_code == 200, submitted.get_json()
        receipts.append(submitted.get_json())
        if round_number == 0:
            files_after_first_round = media_files(app)

    assert receipts[0] == receipts[1] == receipts[2]
    assert receipts[0]["status"] == "submitted" and receipts[0]["photos"] == 2
    assert [f["item_key"] for f in receipts[0]["findings"]] == ["tidy"]
    assert count(Inspection) == 1
    assert count(Photo) == 2
    assert count(Photo, Photo.uuid == first_photo) == 1 and count(Photo, Photo.uuid == second_photo) == 1
    assert media_files(app) == files_after_first_round  # replays wrote nothing
    new_photo_files = {name for name in files_after_first_round - files_before if name.startswith("photos/")}
    assert len(new_photo_files) == 6  # original, display and thumbnail of each photo
    assert count(Finding) == 1
    assert count(SectionScore) == 2
    assert count(Answer) == len(body["answers"])
    assert count(AuditEntry, AuditEntry.action == "inspection.submit") == 1
    assert count(AuditEntry, AuditEntry.action == "photo.upload") == 2


def test_the_same_photo_uuid_with_other_bytes_is_a_conflict(app, org, custom, sync, auth):
    uuid, photo_uuid = new_uuid(), new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a), auth)
    original = jpeg()
    assert sync.photo(uuid, photo_uuid, original, auth).status_code == 201
    files = media_files(app)
    clash = sync.photo(uuid, photo_uuid, jpeg(), auth)
    assert clash.status_code == 409
    assert "message" in clash.get_json()
    assert media_files(app) == files
    assert count(Photo) == 1
    assert sync.get_photo(uuid, photo_uuid, auth, "original").data == original


def test_photos_may_arrive_before_the_answers_that_name_them(org, custom, sync, auth):
    uuid, photo_uuid = new_uuid(), new_uuid()
    assert sync.put(uuid, draft_body(custom, org.outlet_a), auth).status_code == 201
    assert sync.photo(uuid, photo_uuid, jpeg(), auth).status_code == 201
    answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [photo_uuid]})
    saved = sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth)
    assert saved.status_code == 200
    assert saved.get_json()["photos_received"] == [photo_uuid]
    receipt = sync.submit(uuid, auth)
    assert receipt.status_code == 200, receipt.get_json()
    finding = receipt.get_json()["findings"][0]
    assert finding["item_key"] == "tidy"
    assert rows(Finding, item_key="tidy")[0].photo_ids == [photo_uuid]


def test_answers_may_arrive_before_their_photos_and_submit_waits_for_them(org, custom, sync, auth):
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [photo_uuid]})
    assert sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth).status_code == 201
    early = sync.submit(uuid, auth)
    assert early.status_code == 409
    assert early.get_json()["errors"]["missing_photos"] == [photo_uuid]
    assert sync.get(uuid, auth).get_json()["status"] == "draft"
    assert count(SectionScore) == 0 and count(Finding) == 0
    assert sync.photo(uuid, photo_uuid, jpeg(), auth).status_code == 201
    assert sync.submit(uuid, auth).status_code == 200
    assert sync.get(uuid, auth).get_json()["status"] == "submitted"


def test_missing_required_answers_are_named(org, custom, sync, auth):
    uuid = new_uuid()
    answers = [a for a in full_answers(custom) if a["item_key"] not in ("greet", "mood", "remark", "snapshot")]
    sync.put(uuid, draft_body(custom, org.outlet_a, answers), auth)
    response = sync.submit(uuid, auth)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"greet", "mood"}  # remark and snapshot are optional
    assert sync.get(uuid, auth).get_json()["status"] == "draft"
    assert count(SectionScore) == 0 and count(Finding) == 0


def test_hidden_items_are_not_required_but_visible_ones_are(org, checklists, sync, auth):
    onsite = checklists["onsite"]
    vip_items = ("vip_identified", "vip_escorted", "vip_priority_service", "vip_wealth_manager_reception")
    answers = [a for a in full_answers(onsite, vip_customer_present="absent") if a["item_key"] not in vip_items]
    absent = new_uuid()
    sync.put(absent, draft_body(onsite, org.outlet_a, answers), auth)
    assert sync.submit(absent, auth).status_code == 200

    present = new_uuid()
    answers = [a for a in full_answers(onsite) if a["item_key"] not in vip_items]
    sync.put(present, draft_body(onsite, org.outlet_a, answers), auth)
    response = sync.submit(present, auth)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == set(vip_items)


def test_a_failing_photo_on_fail_item_needs_a_photo(org, custom, sync, auth):
    uuid = new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom, tidy="fail")), auth)
    response = sync.submit(uuid, auth)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["tidy"] and "不合格须附照片" in " ".join(errors["tidy"])  # in the caller's language
    assert sync.get(uuid, auth).get_json()["status"] == "draft"


def test_a_failing_staff_item_needs_the_person(org, custom, sync, auth):
    uuid = new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a, full_answers(custom, greet="fail")), auth)
    response = sync.submit(uuid, auth)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["greet"]
    described = full_answers(custom, greet={"value": "fail", "staff_description": "戴眼镜的女柜员"})
    assert sync.put(uuid, draft_body(custom, org.outlet_a, described), auth).status_code == 200
    assert sync.submit(uuid, auth).status_code == 200


def test_after_submit_a_differing_put_is_refused_and_an_identical_one_accepted(org, custom, sync, auth):
    uuid = new_uuid()
    body = draft_body(custom, org.outlet_a, full_answers(custom), narrative="一切正常")
    sync.put(uuid, body, auth)
    assert sync.submit(uuid, auth).status_code == 200

    assert sync.put(uuid, body, auth).status_code == 200
    differing = draft_body(custom, org.outlet_a, full_answers(custom, greet="fail"), narrative="一切正常")
    assert sync.put(uuid, differing, auth).status_code == 409
    new_note = draft_body(custom, org.outlet_a, full_answers(custom), narrative="改过的说明")
    assert sync.put(uuid, new_note, auth).status_code == 409
    held = sync.get(uuid, auth).get_json()
    assert held["status"] == "submitted" and held["narrative"] == "一切正常"
    assert by_key(held)["greet"]["value"] == "pass"


def test_after_submit_the_visit_times_and_place_are_frozen_too(org, custom, sync, auth):
    uuid = new_uuid()
    body = draft_body(custom, org.outlet_a, full_answers(custom), started_at="2026-11-28T09:00:00+08:00",
                      finished_at="2026-11-28T09:40:00+08:00", location={"latitude": 31.3, "longitude": 120.6})
    assert sync.put(uuid, body, auth).status_code == 201
    assert sync.submit(uuid, auth).status_code == 200
    assert sync.put(uuid, body, auth).status_code == 200  # a replay changes nothing
    same_moment = {**body, "started_at": "2026-11-28T01:00:00Z"}
    assert sync.put(uuid, same_moment, auth).status_code == 200
    for changed in ({"started_at": "2026-11-28T08:00:00+08:00"}, {"finished_at": "2026-11-28T10:00:00+08:00"},
                    {"location": {"latitude": 31.31, "longitude": 120.6}}):
        assert sync.put(uuid, {**body, **changed}, auth).status_code == 409, changed
    held = sync.get(uuid, auth).get_json()
    assert held["started_at"].startswith("2026-11-28T01:00:00")


def test_two_devices_editing_one_draft_the_later_edit_wins(org, custom, sync, auth):
    uuid = new_uuid()
    t1 = "2026-11-29T09:00:00+08:00"          # 01:00 UTC
    t2 = "2026-11-29T01:05:00+00:00"          # five minutes later, written in another zone
    t3 = "2026-11-29T09:10:00+08:00"
    teller = org.staff_a[0].id

    device_one = [{"item_key": "greet", "value": "pass", "updated_at": t1}]
    assert sync.put(uuid, draft_body(custom, org.outlet_a, device_one), auth).status_code == 201
    device_two = [{"item_key": "greet", "value": "fail", "staff_id": teller, "note": "未起身", "updated_at": t2},
                  {"item_key": "tidy", "value": "pass", "updated_at": t2}]
    assert sync.put(uuid, draft_body(custom, org.outlet_a, device_two), auth).status_code == 200

    stale = sync.put(uuid, draft_body(custom, org.outlet_a, device_one), auth)
    assert stale.status_code == 200
    merged = by_key(stale.get_json())
    assert set(merged) == {"greet", "tidy"}
    assert (merged["greet"]["value"], merged["greet"]["staff_id"], merged["greet"]["note"]) == \
        ("fail", teller, "未起身")
    assert merged["tidy"]["value"] == "pass"
    assert by_key(sync.get(uuid, auth).get_json()) == merged

    later = [{"item_key": "greet", "value": "pass", "updated_at": t3}]
    newest = by_key(sync.put(uuid, draft_body(custom, org.outlet_a, later), auth).get_json())
    assert newest["greet"]["value"] == "pass" and newest["tidy"]["value"] == "pass"


def test_submit_scores_freezes_and_opens_findings(org, custom, sync, auth, inspector):
    today = local_today()
    assignment = Assignment(kind="onsite", template_id=custom.template_id, outlet_id=org.outlet_a.id,
                            assignee_id=inspector.id, period=f"{today.year}-{today.month:02d}", sequence=1,
                            window_start=today - timedelta(days=3), window_end=today + timedelta(days=3))
    org.db.session.add(assignment)
    org.db.session.commit()
    uuid, photo_uuid, teller = new_uuid(), new_uuid(), org.staff_a[0].id
    answers = full_answers(
        custom, greet={"value": "fail", "staff_id": teller, "note": "未问候"},
        tidy={"value": "fail", "photo_ids": [photo_uuid]}, lock="fail", mood=1, attitude="plain", waiting=12,
        handling=200, remark="记录", snapshot=None)
    body = draft_body(custom, org.outlet_a, answers, assignment_id=assignment.id)
    assert sync.put(uuid, body, auth).status_code == 201
    assert sync.photo(uuid, photo_uuid, jpeg(), auth).status_code == 201
    response = sync.submit(uuid, auth)
    assert response.status_code == 200, response.get_json()
    receipt = response.get_json()

    expected = scoring.score(checklist_of(custom), {a["item_key"]: a["value"] for a in answers
                                                    if a["value"] is not None})
    # By hand: greet 0/2, tidy 0/3, lock 0/4, mood 1/4 of 4, attitude 2/3, waiting 0/2, handling 2/2.
    assert (expected.score, expected.max) == (5, 20)
    inspection = org.db.session.execute(select(Inspection).where(Inspection.uuid == uuid)).scalar_one()
    assert inspection.status == "submitted" and inspection.submitted_at is not None
    assert (inspection.score, inspection.max_score, inspection.percent, inspection.grade) == \
        (expected.score, expected.max, expected.percent, expected.grade) == (5, 20, 25.0, "D")
    assert inspection.critical_failed is True
    assert (receipt["score"], receipt["percent"], receipt["grade"]) == (5, expected.percent, "D")
    assert receipt["critical_failures"] == ["lock"]
    assert receipt["content_hash"] == inspection.content_hash and len(inspection.content_hash) == 64

    sections = org.db.session.execute(select(SectionScore).where(SectionScore.inspection_id == inspection.id)
                                      .order_by(SectionScore.position)).scalars().all()
    assert [(r.section_key, r.score, r.max_score, r.percent) for r in sections] == \
        [(s.key, s.score, s.max, s.percent) for s in expected.sections]
    assert [r.section_key for r in sections] == ["basics", "measures"]
    for answer in inspection.answers:
        result = expected.items[answer.item_key]
        assert (answer.score, answer.max_score, answer.failed) == (result.score, result.max, result.failed), \
            answer.item_key

    findings = {f.item_key: f for f in rows(Finding, inspection_id=inspection.id)}
    assert set(findings) == set(expected.failed_items) == {"greet", "tidy", "lock", "mood", "waiting"}
    local_day = inspection.submitted_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    days = {"critical": 3, "major": 7, "minor": 15}
    severities = {"greet": "minor", "tidy": "major", "lock": "critical", "mood": "minor", "waiting": "minor"}
    for key, finding in findings.items():
        assert finding.severity == severities[key]
        assert finding.due_date == local_day + timedelta(days=days[finding.severity])
        assert finding.outlet_id == org.outlet_a.id and finding.status == "open" and finding.published
    assert findings["greet"].staff_id == teller and findings["greet"].note == "未问候"
    assert findings["tidy"].photo_ids == [photo_uuid] and findings["tidy"].staff_id is None
    assert {f["item_key"]: f["due_date"] for f in receipt["findings"]} == \
        {k: f.due_date.isoformat() for k, f in findings.items()}

    [entry] = rows(AuditEntry, action="inspection.submit", object_id=str(inspection.id))
    assert entry.actor_id == inspector.id
    org.db.session.refresh(assignment)
    assert assignment.status == "done"


def test_a_remote_check_names_the_teller_watched(org, checklists, users, bearer, sync):
    remote, monitor = checklists["remote"], bearer(users["remote_monitor"])
    nobody = sync.put(new_uuid(), draft_body(remote, org.outlet_a), monitor)
    assert nobody.status_code == 422 and "staff_id" in nobody.get_json()["errors"]
    elsewhere = sync.put(new_uuid(), draft_body(remote, org.outlet_a, staff_id=org.staff_b[0].id), monitor)
    assert elsewhere.status_code == 422 and "staff_id" in elsewhere.get_json()["errors"]
    uuid = new_uuid()
    watched = sync.put(uuid, draft_body(remote, org.outlet_a, staff_id=org.staff_a[0].id), monitor)
    assert watched.status_code == 201 and watched.get_json()["staff_id"] == org.staff_a[0].id
    # The watched teller is the person a failing staff item falls to.
    answers = full_answers(remote, remote_greeting_words="fail")
    sync.put(uuid, draft_body(remote, org.outlet_a, answers, staff_id=org.staff_a[0].id), monitor)
    assert sync.submit(uuid, monitor).status_code == 200
    assert rows(Finding, item_key="remote_greeting_words")[0].staff_id == org.staff_a[0].id


def test_a_mystery_visit_belongs_to_an_assignment_and_names_nobody(org, checklists, users, bearer, sync):
    mystery, shopper = checklists["mystery"], users["mystery_shopper"]
    headers = bearer(shopper)
    today = local_today()
    assignment = Assignment(kind="mystery", template_id=mystery.template_id, outlet_id=org.outlet_a.id,
                            vendor_id=org.vendor.id, assignee_id=shopper.id, period="Q", sequence=1,
                            window_start=today, window_end=today + timedelta(days=6))
    org.db.session.add(assignment)
    org.db.session.commit()

    unassigned = sync.put(new_uuid(), draft_body(mystery, org.outlet_a), headers)
    assert unassigned.status_code == 422 and "assignment_id" in unassigned.get_json()["errors"]
    named = sync.put(new_uuid(), draft_body(mystery, org.outlet_a, assignment_id=assignment.id,
                                            staff_id=org.staff_a[0].id), headers)
    assert named.status_code == 422 and "staff_id" in named.get_json()["errors"]
    wrong_outlet = sync.put(new_uuid(), draft_body(mystery, org.outlet_b, assignment_id=assignment.id), headers)
    assert wrong_outlet.status_code == 422 and "assignment_id" in wrong_outlet.get_json()["errors"]
    answer_names = sync.put(new_uuid(), draft_body(mystery, org.outlet_a, [
        {"item_key": "mys_teller_language", "value": "fail", "staff_id": org.staff_a[0].id}],
        assignment_id=assignment.id), headers)
    assert answer_names.status_code == 422
    assert "answers[0].staff_id" in answer_names.get_json()["errors"]
    assert count(Inspection) == 0

    uuid = new_uuid()
    ok = sync.put(uuid, draft_body(mystery, org.outlet_a, full_answers(mystery), assignment_id=assignment.id),
                  headers)
    assert ok.status_code == 201 and ok.get_json()["kind"] == "mystery"
    # The shopper's own account of the visit is asked once, as its narrative, and needed to file it.
    unwritten = sync.submit(uuid, headers)
    assert unwritten.status_code == 422 and list(unwritten.get_json()["errors"]) == ["narrative"]
    assert sync.put(uuid, draft_body(mystery, org.outlet_a, full_answers(mystery), assignment_id=assignment.id,
                                     narrative="按脚本完成暗访。"), headers).status_code == 200
    assert sync.submit(uuid, headers).status_code == 200
    org.db.session.refresh(assignment)
    assert assignment.status == "done"
