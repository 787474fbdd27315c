"""The outlet manager's side of the app in real Chromium: findings, the notice, an answer with an
after-photo that reaches the server once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db as _db
from inspections.models import Photo
from rectification.models import Finding, Response
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.factories import jpeg

pytestmark = pytest.mark.e2e


def _count(model, *where) -> int:
    _db.session.rollback()
    value = _db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    _db.session.rollback()
    return value


def test_outlet_manager_answers_a_finding_with_an_after_photo(live_server, phone, demo, failed_inspection):
    username = demo["org"].user("outlet_manager", "manager_a", outlet=demo["org"].outlet_a).username
    _db.session.commit()  # no open SQLite transaction while the live server works

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
    finding = _db.session.get(Finding, failed_inspection["finding_id"])
    assert finding.status == "responded"
    assert _count(Response, Response.finding_id == finding.id) == 1
    assert _count(Photo, Photo.finding_id == finding.id, Photo.purpose == "after") == 1
    assert page.errors == []
