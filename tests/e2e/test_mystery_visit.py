"""A mystery visit in real Chromium: the shopper's app asks the narrative once and keeps to the visit's
window (showing the server's refusal when the window closed before the submit); the bank's report page
offers attribution for the failed and marked-down items only, and holds the publication back while a
failed item names nobody."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from checklists.models import ChecklistTemplate, ChecklistVersion
from core.extensions import db as _db
from inspections.models import Inspection
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets, web_login
from tests.e2e.pwa_steps import answer_everything, attach_photo, log_in, wait_all_sent
from tests.inspections.helpers import SyncApi, count
from tests.mystery.helpers import LOCAL, Desk, local_today, visit_times

pytestmark = pytest.mark.e2e

FAILED = {"mys_teller_language": "2号窗口戴眼镜的女柜员", "mys_lobby_greeting": "穿灰色马甲的大堂经理"}
MARKED_DOWN = "mys_wm_advice_quality"


@pytest.fixture
def desk(demo, db, client, bearer):
    org = demo["org"]
    version = db.session.execute(select(ChecklistVersion).join(ChecklistTemplate)
                                 .where(ChecklistTemplate.kind == "mystery")).scalar_one()
    org.user("mystery_shopper", "shopper")
    return Desk(org, version, SyncApi(client), client, bearer, org.user("admin"))


def test_the_shopper_writes_the_narrative_once_and_files_within_the_window(live_server, phone, desk, db):
    shopper = desk.org.users["shopper"]
    today = local_today()
    open_now = desk.assignment(assignee=shopper, start=today - timedelta(days=6), end=today)  # today is its last day
    desk.assignment(assignee=shopper, start=today - timedelta(days=12), end=today - timedelta(days=7),
                    outlet=desk.org.outlet_b)
    desk.assignment(assignee=shopper, start=today + timedelta(days=3), end=today + timedelta(days=9),
                    outlet=desk.org.outlet_b)
    db.session.commit()
    page = phone
    log_in(page, live_server, "shopper")
    assert page.locator(".window-shut").all_inner_texts() == ["时间窗口已结束，不能再开始暗访",
                                                              "时间窗口尚未开始，暂不能开始暗访"]
    assert page.locator("article[data-kind=mystery] button.start").count() == 1
    screenshot(page, "mystery-app-home-390")

    page.click(f"article[data-id='{open_now.id}'] button.start")
    page.wait_for_selector(".item")
    # Asked once: in the visit block, never again as an item of the checklist.
    assert page.locator("textarea").count() == 1 and page.locator("#narrative").count() == 1
    assert page.locator(".item[data-type=text]").count() == 0
    assert "不写姓名" in page.inner_text("#item-narrative")
    screenshot(page, "mystery-app-visit-block-390")
    assert horizontal_overflow(page) == 0 and small_touch_targets(page) == []

    answer_everything(page)
    attach_photo(page, "mys_exterior_photo", 6)
    attach_photo(page, "mys_queue_ticket_photo", 7)
    page.click("#to-review")
    page.wait_for_selector("#submit")
    assert page.locator(".missing li").all_inner_texts() == ["暗访经过 — 需作答"]
    assert page.locator("#submit").is_disabled()
    page.click(".missing a")
    page.fill("#narrative", "上午到达网点，大堂经理主动问候并引导取号，等候约十分钟后在2号窗口办理存款。")
    page.dispatch_event("#narrative", "change")
    page.click("#to-review")
    page.wait_for_selector("#submit:not([disabled])")
    page.click("#sync-now")
    wait_all_sent(page)  # the draft and its photos reached the server on the window's last day

    # The server's clock has passed the window's last day in China when the report is sent: refused, said.
    with time_machine.travel(datetime.combine(today + timedelta(days=1), time(0, 20), LOCAL), tick=True):
        page.click("#submit")
        page.wait_for_selector("p.error:has-text('报告不能再提交')", timeout=30000)
        screenshot(page, "mystery-app-submit-refused-390")
    assert f"本次暗访的时间窗口为 {open_now.window_start} 至 {open_now.window_end}，已经结束" in \
        page.inner_text("p.error")
    db.session.rollback()
    assert count(Inspection, Inspection.status == "submitted") == 0

    # Back on the window's last day (the real clock): it is filed.
    page.click("#submit")
    page.wait_for_selector("#receipt", timeout=30000)
    db.session.rollback()
    [held] = db.session.execute(select(Inspection)).scalars().all()
    assert held.status == "submitted" and held.narrative.startswith("上午到达网点")
    db.session.rollback()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_bank_attributes_the_failed_items_then_publishes(live_server, chromium, desk, db, screen):
    shopper = desk.org.users["shopper"]
    uuid = desk.file(shopper, desk.assignment(assignee=shopper), failing=FAILED, **{MARKED_DOWN: 2},
                     narrative="进门后无人问候，等候十八分钟后在2号窗口办理存款，柜员没有使用规范服务用语。",
                     **visit_times()).uuid
    assert desk.review(uuid, "accept").status_code == 200
    db.session.commit()
    context = chromium.new_context(viewport=PHONE if screen == "phone" else DESKTOP, device_scale_factor=1,
                                   locale="zh-CN")
    page = web_login(context, live_server, "admin")
    page.goto(f"{live_server}/admin/mystery/{uuid}")
    attribution = page.locator("#attribution")
    assert attribution.locator("select").count() == 3  # two failed, one marked down; not the nineteen
    assert horizontal_overflow(page) == 0
    attribution.scroll_into_view_if_needed()
    screenshot(page, f"mystery-attribution-{screen}")

    page.select_option("select[name=staff_mys_teller_language]", index=2)  # the first staff member
    page.click("button[value=attribute]")
    page.wait_for_selector(".flash")
    page.click("button[value=publish]")
    refused = page.locator("div.flash.error")
    assert "“进门后有员工主动问候”" in refused.inner_text()
    refused.scroll_into_view_if_needed()
    screenshot(page, f"mystery-publish-refused-{screen}")
    db.session.rollback()
    assert db.session.execute(select(Inspection.status).where(Inspection.uuid == uuid)).scalar_one() == "reviewed"
    db.session.rollback()

    page.select_option("select[name=staff_mys_lobby_greeting]", value="none")
    page.click("button[value=attribute]")
    page.wait_for_selector(".flash")
    page.click("button[value=publish]")
    page.wait_for_selector("text=无法归属到个人")
    db.session.rollback()
    assert db.session.execute(select(Inspection.status).where(Inspection.uuid == uuid)).scalar_one() == "published"
    db.session.rollback()
    _db.session.remove()
    context.close()
