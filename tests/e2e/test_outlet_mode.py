"""The outlet manager's side of the app in real Chromium: findings, the notice, an answer with an
after-photo that reaches the server once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from checklists.models import ChecklistVersion
from checklists.store import checklist_of
from core.extensions import db as _db
from inspections.models import Photo
from rectification.models import Finding, Response
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.factories import jpeg
from tests.inspections.helpers import draft_body, full_answers, new_uuid

pytestmark = pytest.mark.e2e


def _count(model, *where) -> int:
    _db.session.rollback()
    value = _db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    _db.session.rollback()
    return value


def test_outlet_manager_answers_a_finding_with_an_after_photo(live_server, phone, demo, db, client, token_for):
    org = demo["org"]
    inspector = demo["inspector"]
    headers = token_for(inspector)
    version_id = next(v["id"] for v in client.get("/api/v1/checklists", headers=headers).get_json()
                      if v["kind"] == "7s")
    version = db.session.get(ChecklistVersion, version_id)
    failing = next(i.key for i in checklist_of(version).all_items() if i.type == "check" and i.critical == "none")
    photo_id = new_uuid()
    answers = full_answers(version, **{failing: "fail"})
    for answer in answers:
        if answer["item_key"] == failing:
            answer["photo_ids"] = [photo_id]
    uuid = new_uuid()
    assert client.put(f"/api/v1/inspections/{uuid}", json=draft_body(version, org.outlet_a, answers),
                      headers=headers).status_code == 201
    assert client.put(f"/api/v1/inspections/{uuid}/photos/{photo_id}", data=jpeg((640, 480), seed=1),
                      headers={**headers, "Content-Type": "image/jpeg"}).status_code == 201
    assert client.post(f"/api/v1/inspections/{uuid}/submit", headers=headers).status_code == 200
    username = org.user("outlet_manager", "manager_a", outlet=org.outlet_a).username
    _db.session.rollback()  # no open SQLite transaction while the live server works

    page = phone
    page.goto(f"{live_server}/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("article.finding")
    screenshot(page, "07-outlet-findings")
    page.click("article.finding button.open-finding")
    page.wait_for_selector("#response-text")
    page.wait_for_selector("section.card img.thumb")  # the evidence photo, fetched with the token
    page.fill("#response-text", "已重新整理台面，并安排每日检查。")
    page.set_input_files("#after-photo", files=[{"name": "after.jpg", "mimeType": "image/jpeg",
                                                  "buffer": jpeg((1200, 900), seed=2)}])
    page.wait_for_function("() => document.querySelectorAll('form img.thumb').length === 1")
    screenshot(page, "08-outlet-response")
    page.click("#send-response")
    page.wait_for_selector("article.finding")
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'", timeout=30000)

    _db.session.rollback()
    finding = _db.session.execute(select(Finding).where(Finding.item_key == failing)).scalar_one()
    assert finding.status == "responded"
    assert _count(Response, Response.finding_id == finding.id) == 1
    assert _count(Photo, Photo.finding_id == finding.id, Photo.purpose == "after") == 1
    assert page.errors == []
