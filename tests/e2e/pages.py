"""Web pages in Chromium for the end-to-end tests: a bank with one failed inspection (a finding, its
notice), logging in through the form, and the checks that a page fits a phone and is accessible."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from checklists.models import ChecklistVersion
from checklists.store import checklist_of
from core.extensions import db as _db
from rectification.models import Finding, NoticeEdition
from tests.conftest import PASSWORD
from tests.factories import jpeg
from tests.inspections.helpers import draft_body, full_answers, new_uuid

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def failed_inspection(demo, client, token_for):
    """A submitted 7S audit of outlet A with one failed item: a finding, and a notice issued for it.
    Returns the finding's id and the notice edition's digest (what its QR code opens)."""
    org = demo["org"]
    headers = token_for(demo["inspector"])
    version_id = next(v["id"] for v in client.get("/api/v1/checklists", headers=headers).get_json()
                      if v["kind"] == "7s")
    version = _db.session.get(ChecklistVersion, version_id)
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
    assert client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=headers).status_code == 200
    finding_id = _db.session.execute(select(Finding.id).where(Finding.item_key == failing)).scalar_one()
    digest = _db.session.execute(select(NoticeEdition.content_hash)).scalar_one()
    _db.session.commit()  # no open transaction while the live server works
    return {"uuid": uuid, "finding_id": finding_id, "digest": digest}


@pytest.fixture
def demo_server(seeded_demo, db):
    """The seeded demo behind a real HTTP server; its base URL."""
    db.session.commit()
    server = make_server(host="127.0.0.1", port=0, app=seeded_demo.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def web_login(context, base_url: str, username: str):
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def serious_accessibility_violations(page) -> list[str]:
    """What axe-core finds of serious or critical impact on the page as it is shown now."""
    assert AXE.exists(), f"{AXE} is missing: `make test` installs it (npm install axe-core)"
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            f"{[node['target'] for node in violation['nodes'][:4]]}"
            for violation in result["violations"] if violation["impact"] in ("serious", "critical")]


def horizontal_overflow(page) -> int:
    """By how many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


SMALL_TOUCH_TARGETS = """() => [...document.querySelectorAll(
    'button, .button, input:not([type=hidden]), select, textarea, .tabs a, .topbar a, label.photo-button')]
  .filter((el) => el.offsetParent !== null && getComputedStyle(el).opacity !== '0')
  .map((el) => { const box = el.getBoundingClientRect(); return {
    what: `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${(el.textContent || el.name || '').trim().slice(0, 20)}`,
    width: Math.round(box.width), height: Math.round(box.height) }; })
  .filter((box) => box.width < 44 || box.height < 44)"""


def small_touch_targets(page) -> list[dict]:
    """The buttons, fields, tabs and header links shown smaller than 44 x 44 px."""
    return page.evaluate(SMALL_TOUCH_TARGETS)
