"""axe-core in Chromium on the main pages, as each role sees them, and on the app's screens: no
violation of serious or critical impact."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.pages import DESKTOP, PHONE, serious_accessibility_violations, web_login
from tests.e2e.pwa_steps import log_in, open_assignment

pytestmark = pytest.mark.e2e

ADMIN_PAGES = ["/", "/admin/outlets/", "/admin/users/", "/admin/staff/", "/inspections/", "/inspections/{uuid}",
               "/findings/", "/findings/{finding_id}", "/notices/", "/reports/dashboard", "/reports/league",
               "/reports/coverage", "/reports/scorecards", "/reports/lists", "/reports/bsc", "/remote/",
               "/admin/mystery/", "/admin/plans/", "/admin/calendar", "/admin/checklists/", "/admin/audit/",
               "/account/password"]
PAGES_BY_ROLE = {
    "admin": (DESKTOP, ADMIN_PAGES),
    "viewer": (DESKTOP, ["/", "/reports/dashboard", "/reports/league", "/reports/scorecards", "/findings/"]),
    "inspector": (PHONE, ["/", "/inspections/", "/findings/", "/findings/{finding_id}"]),
    "outlet_manager": (PHONE, ["/", "/findings/", "/findings/{finding_id}", "/notices/", "/reports/scorecards"]),
}


def _report(found: dict) -> str:
    return "\n".join(f"{where}: {line}" for where, lines in found.items() for line in lines)


def _check(page, where: str, found: dict) -> None:
    page.wait_for_load_state("networkidle")
    violations = serious_accessibility_violations(page)
    if violations:
        found[where] = violations


def test_main_pages_have_no_serious_accessibility_violations(chromium, demo, failed_inspection, live_server):
    org = demo["org"]
    for role in ("admin", "viewer", "outlet_manager"):
        org.user(role)
    found: dict[str, list[str]] = {}
    for role, (viewport, paths) in PAGES_BY_ROLE.items():
        context = chromium.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = web_login(context, live_server, role)
        for path in paths:
            response = page.goto(live_server + path.format(**failed_inspection))
            assert response.status < 400, (role, path, response.status)
            _check(page, f"{role} {path}", found)
        context.close()
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    for path in ("/login", f"/verify/{failed_inspection['digest']}"):
        page.goto(live_server + path)
        _check(page, f"anyone {path}", found)
    context.close()
    assert not found, _report(found)


def test_the_apps_screens_have_no_serious_accessibility_violations(chromium, demo, failed_inspection, live_server):
    demo["org"].user("outlet_manager")
    found: dict[str, list[str]] = {}
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/app/")
    page.wait_for_selector("#login-button")
    _check(page, "login", found)
    log_in(page, live_server, "inspector")
    _check(page, "assignments", found)
    uuid = open_assignment(page)
    _check(page, "inspection", found)
    page.goto(f"{live_server}/app/#/review/{uuid}")
    page.wait_for_selector("#submit")
    _check(page, "review", found)
    context.close()
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/app/")
    page.fill("input[name=username]", "outlet_manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("article.finding")
    _check(page, "outlet findings", found)
    page.click("article.finding button.open-finding")
    page.wait_for_selector("#response-text")
    _check(page, "outlet finding", found)
    context.close()
    assert not found, _report(found)
