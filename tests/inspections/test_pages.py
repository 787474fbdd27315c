"""HTML pages: the admin's plans and calendar, the remote monitor's desk, one inspection's record."""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from checklists.store import checklist_of
from core.clock import local_today
from inspections import scheduling
from inspections.models import Assignment, Inspection, Photo, Plan
from tests.factories import jpeg
from tests.inspections.helpers import count, draft_body, full_answers, new_uuid, rows


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin_session(users, login):
    return login(users["admin"])


def test_the_plan_list_shows_plans_with_their_assignment_counts(db, org, checklists, admin_session, client):
    plan = Plan(name="每月现场服务检查", kind="onsite", template_id=checklists["onsite"].template_id,
                cadence="monthly", visits_per_period=2)
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, local_today())
    db.session.commit()
    page = client.get("/admin/plans/")
    assert page.status_code == 200
    body = text_of(page)
    assert "每月现场服务检查" in body
    assert re.search(r"每月2次</td><td[^>]*>[^<]*</td>\s*<td[^>]*>全行</td>\s*<td[^>]*>4</td>", body), \
        body[body.find("<tbody>"):][:600]  # set for the whole bank, with its 4 assignments


def test_the_plan_form_creates_a_plan(db, org, users, checklists, admin_session, client):
    form = client.get("/admin/plans/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)
    response = client.post("/admin/plans/new", data={
        "csrf_token": admin_session, "name": "7S 每月两次", "template_id": checklists["7s"].template_id,
        "cadence": "monthly", "visits_per_period": "2", "cycle_days": "2", "window_days": "7",
        "assignee_id": users["inspector"].id, "vendor_id": "", "active": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/plans/")
    [plan] = rows(Plan)
    assert (plan.name, plan.kind, plan.cadence, plan.visits_per_period, plan.assignee_id, plan.active) == \
        ("7S 每月两次", "7s", "monthly", 2, users["inspector"].id, True)

    edit = client.post(f"/admin/plans/{plan.id}", data={
        "csrf_token": admin_session, "name": "7S 每月一次", "template_id": checklists["7s"].template_id,
        "cadence": "monthly", "visits_per_period": "1"})
    assert edit.status_code == 302
    [plan] = rows(Plan)
    assert (plan.name, plan.visits_per_period, plan.active) == ("7S 每月一次", 1, False)


@pytest.mark.parametrize("change, field, message", [
    ({"name": ""}, "name", "请填写计划名称。"),
    ({"name": "长" * 101}, "name", "最多 100 个字符。"),
    ({"visits_per_period": "99"}, "visits_per_period", "请输入 1 到 12 之间的整数。"),
    ({"visits_per_period": "two"}, "visits_per_period", "请输入整数。"),
    ({"visits_per_period": "²"}, "visits_per_period", "请输入整数。"),  # a digit to str.isdigit, not to int
    ({"window_days": "-3"}, "window_days", "请输入整数。"),
    ({"cadence": "weekly"}, "cadence", "请从列出的频次中选择。"),
    ({"template_id": ""}, "template_id", "请选择检查表。"),
    ({"template_id": "999999"}, "template_id", "没有这个检查表。"),
    ({"assignee_id": "999999"}, "assignee_id", "没有这个用户。"),
    ({"vendor_id": "x"}, "vendor_id", "请输入整数。"),
    ({"kind": "remote", "cadence": "monthly"}, "cadence", "非现场检查按循环周期进行。"),
    ({"kind": "mystery", "cadence": "quarterly"}, "vendor_id", "暗访计划须委托给第三方机构。"),
])
def test_the_plan_form_refuses_bad_input(db, org, checklists, admin_session, client, change, field, message):
    data = {"csrf_token": admin_session, "name": "计划", "template_id": checklists["onsite"].template_id,
            "cadence": "monthly", "visits_per_period": "1", "active": "yes"}
    kind = change.pop("kind", None)
    if kind:
        data["template_id"] = checklists[kind].template_id
    data.update(change)
    response = client.post("/admin/plans/new", data=data)
    assert response.status_code == 422
    body = text_of(response)
    assert 'role="alert"' in body
    # The error sits next to its field, in the user's language (Chinese unless they chose English),
    # and what was typed is kept.
    assert re.search(rf'name="{field}"[^\n]*<span class="field-error">{re.escape(message)}</span>', body), body
    if field in ("name", "visits_per_period", "window_days"):
        assert f'value="{change[field]}"' in body
    assert count(Plan) == 0


def test_the_plan_form_speaks_english_to_who_asks_for_it(db, org, checklists, admin_session, client):
    response = client.post("/admin/plans/new?lang=en", data={
        "csrf_token": admin_session, "name": " ", "template_id": checklists["remote"].template_id,
        "cadence": "monthly", "visits_per_period": "1"})
    assert response.status_code == 422
    body = text_of(response)
    assert '<span class="field-error">Name the plan.</span>' in body
    assert "Some fields are not valid; see the note beside each." in body
    # Refused by the operation too, once the form is right: in English as well.
    data = {"csrf_token": admin_session, "name": "remote", "template_id": checklists["remote"].template_id,
            "cadence": "monthly", "visits_per_period": "1"}
    refused = text_of(client.post("/admin/plans/new?lang=en", data=data))
    assert '<span class="field-error">Remote checks run in cycles.</span>' in refused
    assert count(Plan) == 0


def test_the_plan_form_needs_the_csrf_token(db, org, checklists, admin_session, client):
    response = client.post("/admin/plans/new", data={
        "name": "计划", "template_id": checklists["onsite"].template_id, "cadence": "monthly"})
    assert response.status_code == 400
    assert count(Plan) == 0


def test_the_generate_button_creates_this_periods_assignments(db, org, checklists, admin_session, client):
    db.session.add(Plan(name="monthly", kind="onsite", template_id=checklists["onsite"].template_id,
                        cadence="monthly"))
    db.session.commit()
    response = client.post("/admin/plans/generate", data={"csrf_token": admin_session})
    assert response.status_code == 302
    assert count(Assignment) == 2
    assert client.post("/admin/plans/generate", data={"csrf_token": admin_session}).status_code == 302
    assert count(Assignment) == 2
    assert client.post("/admin/plans/generate", data={}).status_code == 400


def test_the_calendar_shows_counts_by_day(db, org, users, checklists, admin_session, client):
    plan = Plan(name="monthly", kind="onsite", template_id=checklists["onsite"].template_id, cadence="monthly")
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, date(2026, 11, 5))
    db.session.commit()
    [done, _] = rows(Assignment)
    done.status = "done"
    db.session.commit()
    page = client.get("/admin/calendar?month=2026-11")
    assert page.status_code == 200
    body = text_of(page)
    # Both windows end on 30 November: two on-site assignments, one of them done.
    in_month = r'<td class="(?![^"]*other)[^"]*"><div class="day">{}</div>(.*?)</td>'
    cell = re.search(in_month.format(30), body, re.DOTALL).group(1)
    assert re.search(r'class="cal-onsite">[^<]*2</div>', cell) and "✓ 1" in cell
    assert "cal-onsite" not in re.search(in_month.format(29), body, re.DOTALL).group(1)
    assert client.get("/admin/calendar?month=2026-13").status_code == 404


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "viewer", "outlet_manager", "mystery_shopper"])
def test_plan_pages_are_for_admins_only(db, org, users, login, client, role):
    token = login(users[role])
    assert client.get("/admin/plans/").status_code == 403
    assert client.get("/admin/plans/new").status_code == 403
    assert client.post("/admin/plans/new", data={"csrf_token": token, "name": "x"}).status_code == 403
    assert client.post("/admin/plans/generate", data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/calendar").status_code == 403
    assert count(Plan) == 0


# --- the remote monitor's desk -------------------------------------------------------------------------

@pytest.fixture
def remote_plan(db, org, users, checklists):
    plan = Plan(name="remote", kind="remote", template_id=checklists["remote"].template_id, cadence="cycle",
                assignee_id=users["remote_monitor"].id)
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, local_today())
    db.session.commit()
    return plan


def desk_form(page_text: str, checklist_answers: dict) -> dict:
    data = {name: value for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page_text)}
    data.update({f"answer_{key}": value for key, value in checklist_answers.items()})
    return data


def all_answered(remote_version, **changes) -> dict:
    values = {}
    for answer in full_answers(remote_version):
        value = answer["value"]
        values[answer["item_key"]] = str(value)
    values["remote_transaction_type"] = "transfer_remittance"
    values["remote_handling_time"] = "185"
    values["remote_notes"] = "10:02 开始观察"
    values.update(changes)
    return values


def coverage_of(body: str, outlet_name: str) -> str:
    """The outlet's row of the desk's coverage table: checked/expected."""
    return re.search(rf'<td data-label="网点">{outlet_name}</td><td class="num" data-label="已检查">(\d+/\d+)</td>',
                     body).group(1)


def test_the_desk_works_through_the_queue(db, org, users, checklists, remote_plan, login, client):
    login(users["remote_monitor"])
    page = client.get("/remote/")
    assert page.status_code == 200
    body = text_of(page)
    first, second = org.staff_a[0], org.staff_a[1]
    assert f"<b>{first.name}</b> · {org.outlet_a.name}" in body
    assert coverage_of(body, org.outlet_a.name) == "0/2" and coverage_of(body, org.outlet_b.name) == "0/2"

    data = desk_form(page.get_data(as_text=True), all_answered(checklists["remote"]))
    assert data["csrf_token"] and data["assignment"] and data["inspection_uuid"]
    data["snapshot"] = (io.BytesIO(jpeg((320, 240))), "snapshot.jpg")
    response = client.post("/remote/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)[:2000]

    [inspection] = rows(Inspection)
    assert (inspection.status, inspection.kind, inspection.staff_id, inspection.outlet_id) == \
        ("submitted", "remote", first.id, org.outlet_a.id)
    assert inspection.percent == 100.0
    answers = {a.item_key: a.value for a in inspection.answers}
    assert answers["remote_handling_time"] == 185 and answers["remote_transaction_type"] == "transfer_remittance"
    assert len(rows(Photo, inspection_id=inspection.id)) == 1
    [assignment] = rows(Assignment, staff_id=first.id)
    assert assignment.status == "done" and inspection.assignment_id == assignment.id

    after = text_of(client.get("/remote/"))
    assert coverage_of(after, org.outlet_a.name) == "1/2" and coverage_of(after, org.outlet_b.name) == "0/2"
    assert f"<b>{second.name}</b> · {org.outlet_a.name}" in after
    assert f'value="{rows(Assignment, staff_id=second.id)[0].id}"' in after


def test_a_failing_photo_item_without_a_snapshot_is_sent_back(db, org, users, checklists, remote_plan, login,
                                                             client):
    login(users["remote_monitor"])
    page = client.get("/remote/")
    answers = all_answered(checklists["remote"], remote_stand_smile_greet="fail")
    response = client.post("/remote/", data=desk_form(page.get_data(as_text=True), answers),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    body = text_of(response)
    label = checklist_of(checklists["remote"]).item("remote_stand_smile_greet").label.zh
    assert 'role="alert"' in body and f"“{label}”不合格：不合格须附照片。" in body  # named by its label
    assert 'value="fail" checked' in body  # the monitor's answers are kept
    assert rows(Inspection, status="submitted") == []
    assert all(a.status == "open" for a in rows(Assignment))
    assert coverage_of(body, org.outlet_a.name) == "0/2"

    # Sent again with the snapshot, from the re-rendered form: one inspection, the failure with its photo.
    data = desk_form(response.get_data(as_text=True), answers)
    data["snapshot"] = (io.BytesIO(jpeg()), "snapshot.jpg")
    retry = client.post("/remote/", data=data, content_type="multipart/form-data")
    assert retry.status_code == 302
    [inspection] = rows(Inspection)
    assert inspection.status == "submitted" and inspection.staff_id == org.staff_a[0].id
    [photo] = rows(Photo)
    failed = {a.item_key: a for a in inspection.answers}["remote_stand_smile_greet"]
    assert failed.failed and failed.photo_ids == [photo.uuid]


@pytest.mark.parametrize("answers, field, message", [
    ({"remote_handling_time": "three minutes"}, "answer_remote_handling_time", "请输入数字。"),
    ({"remote_handling_time": "9000"}, "answer_remote_handling_time", "请输入 0 到 7200 之间的数字。"),
    ({"remote_stand_smile_greet": "maybe"}, "answer_remote_stand_smile_greet", "请从列出的答案中选择。"),
    ({"remote_transaction_type": "mortgage"}, "answer_remote_transaction_type", "请从列出的答案中选择。"),
])
def test_the_desk_refuses_an_answer_beside_its_item(db, org, users, checklists, remote_plan, login, client, app,
                                                     answers, field, message):
    login(users["remote_monitor"])
    page = client.get("/remote/")
    data = desk_form(page.get_data(as_text=True), all_answered(checklists["remote"], **answers))
    data["snapshot"] = (io.BytesIO(jpeg((320, 240))), "snapshot.jpg")
    media_before = sorted(p for p in Path(app.config["DATA_DIR"]).rglob("*") if p.is_file())
    response = client.post("/remote/", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    body = text_of(response)
    assert 'role="alert"' in body and "部分字段填写有误" in body
    item = re.search(rf'<div class="desk-item"[^>]*>(?:(?!<div class="desk-item").)*name="{field}".*?</div>\s*</div>',
                     body, re.DOTALL).group(0)
    assert f'<span class="field-error">{message}</span>' in item
    assert body.count('class="field-error"') == 1
    assert rows(Inspection) == [] and rows(Photo) == []
    assert sorted(p for p in Path(app.config["DATA_DIR"]).rglob("*") if p.is_file()) == media_before


def test_the_desk_takes_at_most_three_snapshots(db, org, users, checklists, remote_plan, login, client):
    login(users["remote_monitor"])
    page = client.get("/remote/?lang=en")
    data = desk_form(page.get_data(as_text=True), all_answered(checklists["remote"]))
    data["snapshot"] = [(io.BytesIO(jpeg((64, 48))), f"snapshot{n}.jpg") for n in range(4)]
    response = client.post("/remote/?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert re.search(r'name="snapshot"[^\n]*<span class="field-error">Send at most 3 snapshots with one check.</span>',
                     text_of(response))
    assert rows(Inspection) == [] and rows(Photo) == []


def test_the_desk_does_not_open_assignments_that_are_not_the_monitors(db, org, users, checklists, remote_plan,
                                                                     login, client):
    today = local_today()
    mystery = Assignment(kind="mystery", template_id=checklists["mystery"].template_id, outlet_id=org.outlet_b.id,
                         vendor_id=org.vendor.id, period="Q", sequence=1, window_start=today,
                         window_end=today + timedelta(days=6))
    db.session.add(mystery)
    db.session.commit()
    login(users["remote_monitor"])
    response = client.get(f"/remote/?assignment={mystery.id}")
    assert response.status_code == 404
    assert org.outlet_b.name not in text_of(response)

    other = org.user("remote_monitor", "monitor2")
    [theirs, *_] = rows(Assignment, plan_id=remote_plan.id)
    theirs.assignee_id = other.id
    db.session.commit()
    assert client.get(f"/remote/?assignment={theirs.id}").status_code == 404


@pytest.mark.parametrize("role", ["inspector", "viewer", "outlet_manager", "mystery_shopper"])
def test_the_desk_is_for_monitors(db, org, users, login, client, role):
    login(users[role])
    assert client.get("/remote/").status_code == 403


# --- one inspection's page -------------------------------------------------------------------------------

def test_the_inspection_page_shows_the_record_and_its_photos(db, org, users, custom, bearer, sync, login, client):
    inspector = users["inspector"]
    headers = bearer(inspector)
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = full_answers(custom, tidy={"value": "fail", "note": "柜台堆放杂物", "photo_ids": [photo_uuid]})
    sync.put(uuid, draft_body(custom, org.outlet_a, answers), headers)
    sync.photo(uuid, photo_uuid, jpeg((800, 600)), headers)
    assert sync.submit(uuid, headers).status_code == 200

    login(inspector)
    page = client.get(f"/inspections/{uuid}")
    assert page.status_code == 200
    body = text_of(page)
    [inspection] = rows(Inspection)
    assert org.outlet_a.name in body and "柜台堆放杂物" in body
    assert f"{inspection.percent}%" in body and inspection.content_hash in body
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page.get_data(as_text=True))
    assert sources == [f"/inspections/{uuid}/photos/{photo_uuid}?variant=thumb"]
    thumb = client.get(html.unescape(sources[0]))
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.data)).size) == 320
    link = re.search(r'<a href="([^"]+)"><img', page.get_data(as_text=True)).group(1)
    display = client.get(html.unescape(link))
    assert display.status_code == 200 and Image.open(io.BytesIO(display.data)).size == (800, 600)


def test_the_inspection_page_and_its_photos_are_hidden_from_others(app, org, users, custom, bearer, sync, login,
                                                                 client):
    headers = bearer(users["inspector"])
    uuid, photo_uuid = new_uuid(), new_uuid()
    sync.put(uuid, draft_body(custom, org.outlet_a), headers)
    sync.photo(uuid, photo_uuid, jpeg(), headers)
    login(org.user("inspector", "inspector2"))
    assert client.get(f"/inspections/{uuid}").status_code == 404
    assert client.get(f"/inspections/{uuid}/photos/{photo_uuid}?variant=thumb").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/inspections/{uuid}").status_code in (302, 401)
    assert anonymous.get(f"/inspections/{uuid}/photos/{photo_uuid}").status_code in (302, 401)


@pytest.mark.parametrize("bad_uuid", ["../../etc/passwd", "x" * 300, "6F1C2A9E-2B1D-4C55-9A57-0C7D1E2F3A4B/.."])
def test_the_desk_refuses_an_inspection_id_that_is_not_a_uuid(db, org, users, checklists, remote_plan, login,
                                                               client, app, bad_uuid):
    login(users["remote_monitor"])
    page = client.get("/remote/")
    data = desk_form(page.get_data(as_text=True), all_answered(checklists["remote"]))
    data["inspection_uuid"] = bad_uuid
    data["snapshot"] = (io.BytesIO(jpeg((320, 240))), "snapshot.jpg")
    media_before = sorted(p for p in Path(app.config["DATA_DIR"]).rglob("*") if p.is_file())
    response = client.post("/remote/", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert rows(Inspection) == [] and rows(Photo) == []
    media_after = sorted(p for p in Path(app.config["DATA_DIR"]).rglob("*") if p.is_file())
    assert media_after == media_before
