"""The pages a phone opens fit it: at 390 px nothing overflows sideways, tables become cards, touch
targets are at least 44 px; each role starts on its work. Screenshots at 390 and 1366 px."""
from __future__ import annotations

from pprint import pformat

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets, web_login
from tests.factories import jpeg
from tests.inspections.helpers import new_uuid

pytestmark = pytest.mark.e2e

SQUEEZED_CELLS = """() => [...document.querySelectorAll('table.cards td')]
  .filter((td) => td.offsetParent !== null && td.getBoundingClientRect().width < window.innerWidth * 0.6)
  .map((td) => td.textContent.trim().slice(0, 20))"""


def _look(page, base_url: str, path: str, name: str) -> dict:
    page.set_viewport_size(PHONE)
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-390")
    problems = {"overflow": horizontal_overflow(page), "small targets": small_touch_targets(page),
                "squeezed cells": page.evaluate(SQUEEZED_CELLS)}
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-1366")
    return {key: value for key, value in problems.items() if value}


def test_the_outlets_pages_fit_a_phone(chromium, demo, failed_inspection, live_server):
    demo["org"].user("outlet_manager")
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, live_server, "outlet_manager")
    found = {}
    for path, name in (("/", "web-outlet-start"), ("/findings/", "web-findings"),
                       (f"/findings/{failed_inspection['finding_id']}", "web-finding"),
                       (f"/inspections/{failed_inspection['uuid']}", "web-inspection"), ("/notices/", "web-notices"), ("/reports/scorecards", "web-scorecards")):
        if problems := _look(page, live_server, path, name):
            found[path] = problems
    context.close()
    anyone = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True).new_page()
    for path, name in ((f"/verify/{failed_inspection['digest']}", "web-verify"), ("/login", "web-login")):
        if problems := _look(anyone, live_server, path, name):
            found[path] = problems
    anyone.context.close()
    assert not found, pformat(found)


def test_the_admins_pages_fit_a_phone_behind_a_folded_menu(chromium, demo, failed_inspection, live_server):
    demo["org"].user("admin")
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, live_server, "admin")
    header = page.locator("header.topbar")
    audit_link = header.get_by_role("link", name="审计日志")
    assert header.bounding_box()["height"] <= 70, "the folded header is one line"
    assert not audit_link.is_visible()
    header.get_by_text("菜单", exact=True).click()
    assert audit_link.is_visible()
    screenshot(page, "web-admin-menu-open-390")
    found = {}
    for path, name in (("/admin/users/", "web-admin-users"), ("/admin/outlets/", "web-admin-outlets"),
                       ("/inspections/", "web-admin-inspections"), ("/admin/plans/", "web-admin-plans"),
                       ("/admin/calendar", "web-admin-calendar"),
                       ("/admin/checklists/", "web-admin-checklists"), ("/admin/mystery/", "web-admin-mystery"),
                       ("/vendor/", "web-admin-vendor"), ("/admin/audit/", "web-admin-audit")):
        if problems := _look(page, live_server, path, name):
            found[path] = problems
    assert audit_link.is_visible(), "on a desktop the menu is open"
    context.close()
    assert not found, pformat(found)


def test_the_findings_table_is_a_table_on_a_desktop(chromium, demo, failed_inspection, live_server):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = web_login(context, live_server, "inspector")
    page.goto(f"{live_server}/findings/")
    assert page.locator("table.cards thead").first.is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('table.cards td')).display") == "table-cell"
    context.close()


@pytest.mark.parametrize("role, landing", [("inspector", "/"), ("mystery_shopper", "/"), ("outlet_manager", "/"),
                                           ("viewer", "/reports/dashboard"), ("remote_monitor", "/remote/"),
                                           ("coordinator", "/vendor/")])
def test_each_role_lands_on_its_work(chromium, demo, live_server, role, landing):
    if role == "coordinator":
        demo["org"].user("mystery_shopper", username="coordinator").is_coordinator = True
        demo["org"].db.session.commit()
    elif role != "inspector":
        demo["org"].user(role)
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, live_server, role)
    assert page.url == live_server + landing
    if landing == "/":
        offer = page.locator("#app-offer")
        assert offer.get_by_role("img").evaluate("img => img.complete && img.naturalWidth > 100")
        screenshot(page, f"web-landing-{role}-390")
        offer.get_by_role("link", name="打开应用").click()
        page.wait_for_selector("#login-button")
        assert page.url == f"{live_server}/app/"
    else:
        assert page.locator("h1").first.is_visible()
        screenshot(page, f"web-landing-{role}-390")
    context.close()


def test_a_superseded_notice_edition_says_so_and_fits_a_phone(chromium, demo, failed_inspection, live_server, client,
                                                                token_for, db):
    """The notice re-issued after its finding was answered and accepted: the first edition's check names
    the second, in Chinese, without overflowing a phone."""
    outlet, inspector = token_for(demo["org"].user("outlet_manager")), token_for(demo["inspector"])
    finding = failed_inspection["finding_id"]
    after = new_uuid()
    assert client.put(f"/api/v1/findings/{finding}/photos/{after}", data=jpeg((640, 480), seed=2),
                      headers={**outlet, "Content-Type": "image/jpeg"}).status_code == 201
    assert client.post(f"/api/v1/findings/{finding}/responses", headers=outlet,
                       json={"text": "已整理归位", "photo_ids": [after]}).status_code == 201
    assert client.post(f"/api/v1/findings/{finding}/verification", headers=inspector,
                       json={"accepted": True}).status_code == 201
    assert client.get(f"/api/v1/inspections/{failed_inspection['uuid']}/notice.pdf",
                      headers=inspector).status_code == 200
    db.session.commit()
    page = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True).new_page()
    problems = _look(page, live_server, f"/verify/{failed_inspection['digest']}", "web-verify-superseded")
    text = page.inner_text("main")
    page.context.close()
    assert not problems, pformat(problems)
    assert "通知书真实，但已有新版次" in text and "现以第2版" in text and "查看第2版" in text
