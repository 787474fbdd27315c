"""The intake form: a complaint recorded with its evidence photos, the outlet manager's outlet fixed, and every
refusal shown in Chinese beside its field with nothing written."""
from __future__ import annotations

import io
from datetime import timedelta
from uuid import uuid4

from sqlalchemy import func, select

from complaints.models import Complaint, ComplaintPhoto
from core.audit import AuditEntry
from core.clock import local_today
from core.extensions import db as _db
from tests.complaints.helpers import CUSTOMER_NAME, CUSTOMER_PHONE, Browser, text_of
from tests.factories import jpeg


def _form(org, **changes) -> dict:
    data = {"outlet_id": str(org.outlet_a.id), "staff_id": str(org.staff_a[1].id), "channel": "hotline",
            "category": "waiting", "severity": "general", "customer_name": CUSTOMER_NAME,
            "customer_phone": CUSTOMER_PHONE, "description": "排队等候四十分钟无人引导", "request": "改进叫号",
            "received_on": local_today().isoformat(), "client_uuid": str(uuid4())}
    return {**data, **changes}


def _count(model) -> int:
    return _db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_outlet_manager_records_a_complaint_for_the_own_outlet_with_photos(app, db, org, users):
    browser = Browser(app, users["outlet_manager"])
    form = browser.get("/complaints/new").get_data(as_text=True)
    assert 'name="outlet_id"' not in form and "元和支行" in form  # the own outlet, fixed
    assert 'type="file" name="photos"' in form and "王晓燕" in form and "黄埭支行" not in form
    response = browser.post("/complaints/new", {**_form(org, outlet_id=str(org.outlet_b.id)),
                                                "photos": [(io.BytesIO(jpeg()), "a.jpg"),
                                                           (io.BytesIO(jpeg()), "b.jpg")]},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    complaint = db.session.execute(select(Complaint)).scalar_one()
    assert complaint.outlet_id == org.outlet_a.id  # whatever the form said
    assert complaint.channel == "hotline" and complaint.staff_id == org.staff_a[1].id
    assert complaint.received_by_id == users["outlet_manager"].id and len(complaint.photo_ids) == 2
    page = browser.get(response.location)
    assert "投诉 相城支行投诉" in text_of(page) and "已登记" in text_of(page)
    html = page.get_data(as_text=True)
    thumb = f"/complaints/{complaint.id}/photos/{complaint.photo_ids[0]}?variant=thumb"
    assert thumb in html
    assert browser.get(thumb).mimetype == "image/jpeg"
    assert Browser(app, users["viewer"]).get(thumb).status_code == 200
    assert Browser(app, users["inspector"]).get(thumb).status_code == 403
    other_manager = org.user("outlet_manager", "manager_b", outlet=org.outlet_b)
    assert Browser(app, other_manager).get(thumb).status_code == 404
    assert browser.get(f"/complaints/{complaint.id}/photos/not-a-uuid").status_code == 422


def test_the_admin_chooses_the_outlet_and_may_record_in_the_sub_branchs_ledger(app, db, org, users):
    browser = Browser(app, users["admin"])
    form = browser.get("/complaints/new").get_data(as_text=True)
    assert 'name="outlet_id"' in form and "黄埭支行" in form and 'name="level"' in form
    response = browser.post("/complaints/new", _form(org, outlet_id=str(org.outlet_b.id), staff_id="",
                                                     level="branch"))
    assert response.status_code == 302
    complaint = db.session.execute(select(Complaint)).scalar_one()
    assert (complaint.outlet_id, complaint.level, complaint.staff_id) == (org.outlet_b.id, "branch", None)


def test_an_outlet_manager_cannot_choose_the_sub_branchs_ledger(app, db, org, users):
    response = Browser(app, users["outlet_manager"]).post("/complaints/new", _form(org, level="branch"))
    assert response.status_code == 302
    assert db.session.execute(select(Complaint.level)).scalar_one() == "outlet"


def test_a_refused_intake_says_why_in_chinese_beside_each_field_and_writes_nothing(app, db, org, users):
    browser = Browser(app, users["admin"])
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = browser.post("/complaints/new", {
        **_form(org, customer_name=" ", description="", customer_phone="电话138", channel="pigeon",
                staff_id=str(org.staff_b[0].id), received_on=tomorrow),
        "photos": [(io.BytesIO(jpeg()), "a.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "投诉未能登记：请查看标出的栏目。" in html
    for message in ("此项必填。", "电话号码只能包含数字。", "请从给出的选项中选择。", "请选择本网点的员工。",
                    "受理日期不能晚于今天。"):
        assert f'<span class="field-error">{message}</span>' in html, message
    assert 'value="电话138"' in html and "排队" not in html.split("<textarea")[0]  # what was typed comes back
    assert _count(Complaint) == 0 and _count(ComplaintPhoto) == 0
    assert db.session.execute(select(func.count()).where(AuditEntry.action.like("complaint.%"))).scalar_one() == 0


def test_a_form_that_cannot_be_read_is_refused_in_chinese(app, db, org, users):
    browser = Browser(app, users["admin"])
    response = browser.post("/complaints/new", _form(org, outlet_id="B01", received_on="30/11/2026"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请从给出的选项中选择。" in html and "请按 2026-11-30 的格式输入日期。" in html
    assert _count(Complaint) == 0


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_kept(app, db, org, users):
    response = Browser(app, users["admin"]).post(
        "/complaints/new", {**_form(org), "photos": [(io.BytesIO(b"not a picture"), "a.jpg")]},
        content_type="multipart/form-data")
    assert 400 <= response.status_code < 500
    assert _count(Complaint) == 0 and _count(ComplaintPhoto) == 0


def test_the_roles_that_may_not_record_are_refused_the_post(app, db, org, users):
    for role in ("viewer", "inspector", "remote_monitor", "mystery_shopper"):
        assert Browser(app, users[role]).post("/complaints/new", _form(org)).status_code == 403
    assert _count(Complaint) == 0


def test_the_same_form_sent_twice_records_one_complaint(app, db, org, users):
    browser = Browser(app, users["outlet_manager"])
    form = _form(org)
    first = browser.post("/complaints/new", {**form, "photos": [(io.BytesIO(jpeg()), "a.jpg")]},
                         content_type="multipart/form-data")
    again = browser.post("/complaints/new", {**form, "photos": [(io.BytesIO(jpeg()), "a.jpg")]},
                         content_type="multipart/form-data")
    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert _count(Complaint) == 1 and _count(ComplaintPhoto) == 1
    assert browser.post("/complaints/new", _form(org)).status_code == 302 and _count(Complaint) == 2  # a new form
    refused = browser.post("/complaints/new", _form(org, client_uuid="twice"))
    assert refused.status_code == 400 and "表单内容与本页不符" in text_of(refused) and _count(Complaint) == 2
