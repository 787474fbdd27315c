"""The app on a phone: every button and field is at least 44 px, and its header keeps to two lines
(the title bar, the status line) even while work waits to be sent. Screenshots at 390 and 1366 px."""
from __future__ import annotations

from pprint import pformat

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets
from tests.e2e.pwa_steps import log_in, open_assignment, settle

pytestmark = pytest.mark.e2e

# How far apart (px) the middles of a bar's visible parts are: 0 when they sit on one line.
LINE_SPREAD = """(selector) => {
  const middles = [...document.querySelector(selector).children]
    .filter((el) => el.offsetParent !== null && el.textContent.trim())
    .map((el) => { const box = el.getBoundingClientRect(); return box.top + box.height / 2; });
  return Math.round(Math.max(...middles) - Math.min(...middles));
}"""


def _problems(page, name: str) -> dict:
    screenshot(page, f"{name}-390")
    problems = {"small targets": small_touch_targets(page), "overflow": horizontal_overflow(page),
                "title bar wraps": page.evaluate(LINE_SPREAD, "#top .bar") > 8,
                "status line wraps": page.evaluate(LINE_SPREAD, "#top .status") > 8}
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    return {key: value for key, value in problems.items() if value}


def test_the_app_fits_a_phone_with_work_unsent(chromium, demo, failed_inspection, live_server):
    demo["org"].user("outlet_manager")
    found = {}
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "inspector")
    found["home"] = _problems(page, "app-home")
    open_assignment(page)
    context.set_offline(True)
    settle(page)
    page.locator(".item[data-type=check] button[data-value=fail]").first.click()
    page.wait_for_function("() => Number(document.getElementById('outbox')?.dataset.count) > 0")
    page.wait_for_selector(".item.failed")
    settle(page)
    found["inspection, unsent"] = _problems(page, "app-inspection-unsent")
    page.click("#to-review")
    page.wait_for_selector("#submit")
    found["review"] = _problems(page, "app-review")
    context.close()

    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/app/")
    found["login"] = {"small targets": small_touch_targets(page)} if small_touch_targets(page) else {}
    page.fill("input[name=username]", "outlet_manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("article.finding")
    found["outlet findings"] = _problems(page, "app-outlet-findings")
    page.click("article.finding button.open-finding")
    page.wait_for_selector("#response-text")
    found["outlet finding"] = _problems(page, "app-outlet-finding")
    context.close()
    found = {screen: problems for screen, problems in found.items() if problems}
    assert not found, pformat(found)
