"""The outlet manager's whole loop on a 390×844 phone: an open finding, a response the app refuses
until it has text and a photo, a rejection whose reason the outlet sees, a second response, the
acceptance; the thread is on screen at each step and no card claims to wait once all is sent. The
inspector's side goes through the API."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from checklists.models import ChecklistVersion
from checklists.store import checklist_of
from core.extensions import db as _db
from rectification.models import Finding
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.factories import jpeg
from tests.inspections.helpers import draft_body, full_answers, new_uuid

pytestmark = pytest.mark.e2e

REASON = "照片只拍到台面一角，看不出整体已整理，请拍全景。"


def _inspect_with_failures(client, headers, version, outlet, count: int) -> list[str]:
    failing = [i.key for i in checklist_of(version).all_items() if i.type == "check" and i.critical == "none"][:count]
    photos = {key: new_uuid() for key in failing}
    answers = full_answers(version, **{key: "fail" for key in failing})
    for answer in answers:
        if answer["item_key"] in photos:
            answer["photo_ids"] = [photos[answer["item_key"]]]
    uuid = new_uuid()
    assert client.put(f"/api/v1/inspections/{uuid}", json=draft_body(version, outlet, answers),
                      headers=headers).status_code == 201
    for seed, photo in enumerate(photos.values()):
        assert client.put(f"/api/v1/inspections/{uuid}/photos/{photo}", data=jpeg((640, 480), seed=seed),
                          headers={**headers, "Content-Type": "image/jpeg"}).status_code == 201
    assert client.post(f"/api/v1/inspections/{uuid}/submit", headers=headers).status_code == 200
    return failing


def _answer_by_api(client, finding_id, headers, text):
    photo = new_uuid()
    assert client.put(f"/api/v1/findings/{finding_id}/photos/{photo}", data=jpeg(seed=9), headers=headers,
                      content_type="image/jpeg").status_code == 201
    assert client.post(f"/api/v1/findings/{finding_id}/responses", json={"text": text, "photo_ids": [photo]},
                       headers=headers).status_code == 201


def _judge(client, finding_id, headers, accepted, reason=""):
    judged = client.post(f"/api/v1/findings/{finding_id}/verification", json={"accepted": accepted, "reason": reason},
                         headers=headers)
    assert judged.status_code == 201, judged.get_json()
    _db.session.rollback()  # no open SQLite transaction while the live server works


def _full_shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
    screenshot(page, name)


def _home(page, live_server):
    page.goto(f"{live_server}/app/#/")
    page.reload()
    page.wait_for_selector(".outlet-home")
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'", timeout=30000)


def _respond_on_phone(page, text, seed):
    page.fill("#response-text", text)
    page.set_input_files("#after-photo", files=[{"name": "after.jpg", "mimeType": "image/jpeg",
                                                  "buffer": jpeg((1200, 900), seed=seed)}])
    page.wait_for_function("() => document.querySelectorAll('#response-form img.thumb').length === 1")
    page.click("#send-response")
    page.wait_for_selector(".outlet-home")
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'", timeout=30000)


def _card(page, finding_id):
    return page.locator(f"article.finding[data-id='{finding_id}']")


def test_the_outlet_goes_round_the_loop_on_a_phone(live_server, phone, demo, db, client, token_for):
    org = demo["org"]
    inspector = token_for(demo["inspector"])
    version_id = next(v["id"] for v in client.get("/api/v1/checklists", headers=inspector).get_json()
                      if v["kind"] == "7s")
    version = db.session.get(ChecklistVersion, version_id)
    looped, waiting, settled = _inspect_with_failures(client, inspector, version, org.outlet_a, 3)
    manager = org.user("outlet_manager", "manager_a", outlet=org.outlet_a)
    outlet = token_for(manager)
    ids = {f.item_key: f.id for f in db.session.execute(select(Finding)).scalars()}
    _answer_by_api(client, ids[settled], outlet, "已整改")
    _judge(client, ids[settled], inspector, True)
    finding = ids[looped]

    page = phone
    page.goto(f"{live_server}/app/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector(".outlet-home")
    # Open work first; the closed finding is folded away, and the filters count each group.
    assert page.locator("section.group.open article.finding").count() == 2
    assert page.locator("details.group.closed").get_attribute("open") is None
    assert "已关闭的问题 (1)" in page.locator("details.group.closed summary").inner_text()
    assert page.locator(".chip[data-group=open]").inner_text() == "待整改 2"
    assert _card(page, ids[waiting]).get_attribute("data-state") == "status_open"
    screenshot(page, "outlet-loop-01-home")

    # 提交 with nothing says what is missing, next to each field.
    _card(page, finding).locator("button.open-finding").click()
    page.wait_for_selector("#response-form")
    page.click("#send-response")
    assert page.locator("#response-text-error").inner_text() == "请填写整改措施及完成情况"
    assert page.locator("#after-photo-error").inner_text() == "请至少拍一张整改后的照片"
    screenshot(page, "outlet-loop-02-missing")
    page.fill("#response-text", "已擦拭台面")
    page.click("#send-response")
    assert page.locator("#response-text-error").is_hidden()
    assert page.locator("#after-photo-error").is_visible()
    assert page.locator("#history li.event-raised").count() == 1

    # Sent: the card says what the server knows, never "queued".
    _respond_on_phone(page, "已擦拭台面", seed=2)
    page.wait_for_selector(f"article.finding[data-id='{finding}'][data-state=status_responded]")
    assert "已排队" not in page.locator("#screen").inner_text()
    assert "全部已发送" in page.locator("#outbox").inner_text()
    screenshot(page, "outlet-loop-03-sent")

    # Rejected with a reason: the card and the finding show it, with the earlier answer.
    _judge(client, finding, inspector, False, REASON)
    _home(page, live_server)
    page.wait_for_selector(f"article.finding[data-id='{finding}'][data-state=status_returned]")
    assert REASON in _card(page, finding).inner_text()
    screenshot(page, "outlet-loop-04-returned")
    _card(page, finding).locator("button.open-finding").click()
    page.wait_for_selector("#history li.event-rejected")
    assert REASON in page.locator("#return-reason").inner_text()
    kinds = page.eval_on_selector_all("#history li", "items => items.map((li) => li.className)")
    assert kinds == ["event event-rejected", "event event-response", "event event-raised"]
    assert "已擦拭台面" in page.locator("#history li.event-response").inner_text()
    page.wait_for_selector("#history li.event-response img.thumb")  # the after-photo, fetched with the token
    _full_shot(page, "outlet-loop-05-thread")

    # The second answer, then the acceptance.
    _respond_on_phone(page, "已重新整理台面并拍摄全景，安排每日检查。", seed=3)
    page.wait_for_selector(f"article.finding[data-id='{finding}'][data-state=status_responded]")
    _judge(client, finding, inspector, True)
    _home(page, live_server)
    assert _card(page, finding).count() == 1 and not _card(page, finding).is_visible()  # folded with the closed
    page.click(".chip[data-group=closed]")
    page.wait_for_selector(f"section.group.closed article.finding[data-id='{finding}']")
    screenshot(page, "outlet-loop-06-closed-filter")
    _card(page, finding).locator("button.open-finding").click()
    page.wait_for_selector("#history li.event-accepted")
    kinds = page.eval_on_selector_all("#history li", "items => items.map((li) => li.className.split('-').pop())")
    assert kinds == ["accepted", "response", "rejected", "response", "raised"]
    assert page.locator("#response-form").count() == 0
    assert page.locator("#finding-state").inner_text() == "已关闭"
    _full_shot(page, "outlet-loop-07-accepted")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "outlet-loop-07-accepted-1366")
    page.set_viewport_size({"width": 390, "height": 844})

    # The outlet's notices, each downloadable as its PDF.
    page.goto(f"{live_server}/app/#/notices")
    page.wait_for_selector("article.notice")
    with page.expect_download() as download:
        page.click("article.notice button.download-notice")
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "outlet-loop-08-notices")
    assert page.errors == []


def test_an_answer_made_offline_is_queued_then_shown_as_sent_without_a_reload(live_server, phone, demo, db, client,
                                                                            token_for):
    org = demo["org"]
    inspector = token_for(demo["inspector"])
    version_id = next(v["id"] for v in client.get("/api/v1/checklists", headers=inspector).get_json()
                      if v["kind"] == "7s")
    [failed] = _inspect_with_failures(client, inspector, db.session.get(ChecklistVersion, version_id), org.outlet_a, 1)
    manager = org.user("outlet_manager", "manager_a", outlet=org.outlet_a)
    finding = db.session.execute(select(Finding).where(Finding.item_key == failed)).scalar_one().id
    _db.session.rollback()

    page = phone
    page.goto(f"{live_server}/app/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    _card(page, finding).locator("button.open-finding").click()
    page.wait_for_selector("#response-form")
    page.context.set_offline(True)
    page.fill("#response-text", "已整理台面")
    page.set_input_files("#after-photo", files=[{"name": "after.jpg", "mimeType": "image/jpeg",
                                                  "buffer": jpeg((800, 600), seed=4)}])
    page.wait_for_function("() => document.querySelectorAll('#response-form img.thumb').length === 1")
    page.click("#send-response")
    page.wait_for_selector(f"article.finding[data-id='{finding}'][data-state=queued]")
    assert "已排队，联网后自动提交" in _card(page, finding).inner_text()
    assert page.locator("#outbox").get_attribute("data-count") == "1"
    screenshot(page, "outlet-loop-09-queued-offline")

    page.context.set_offline(False)
    page.wait_for_selector(f"article.finding[data-id='{finding}'][data-state=status_responded]", timeout=30000)
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'")
    assert "已排队" not in page.locator("#screen").inner_text()
    screenshot(page, "outlet-loop-10-sent-after-reconnect")
    assert page.errors == []


def test_a_long_history_reaches_the_phone_page_by_page(live_server, phone, demo, db):
    """Outlet A's 120 open findings span two pages of the API: all of them arrive; of its 1,080 closed
    ones the newest page is shown with the total, so nothing is cut without saying so."""
    from tests.rectification.helpers import a_year_of_findings

    org = demo["org"]
    version = _db.session.execute(select(ChecklistVersion).where(ChecklistVersion.status == "published")).scalars().first()
    a_year_of_findings(db, org, version, demo["inspector"], 240)
    org.user("outlet_manager", username="outlet", outlet=org.outlet_a)
    phone.goto(f"{live_server}/app/")
    phone.fill("input[name=username]", "outlet")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("#login-button")
    phone.wait_for_selector(".outlet-home")
    chips = {chip.get_attribute("data-group"): chip.inner_text() for chip in phone.locator("nav.chips button").all()}
    assert chips["overdue"].endswith(" 120") and chips["closed"].endswith(" 1080"), chips
    assert phone.locator("article.finding.overdue").count() == 120
    phone.locator("details.group.closed summary").click()
    assert phone.locator("article.finding.closed").count() == 50
    assert "共 1080 个" in phone.locator(".older-closed").inner_text()
    screenshot(phone, "app-outlet-long-history-390")
