"""Each role does its own jobs in Chromium, in Chinese, on the screen it uses them on; screenshots at 390 and
1366 px of every step. The inspector's, the outlet manager's and the remote monitor's jobs have their own
files (test_pwa, test_outlet_loop, test_remote_desk); here are the admin's, leadership's and the vendor's."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from checklists.models import ChecklistTemplate
from core.clock import local_today
from core.extensions import db as _db
from inspections.models import Plan
from inspections.scheduling import generate_all
from org.models import User
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login

pytestmark = pytest.mark.e2e


def _both_widths(page, name: str) -> None:
    for size, suffix in ((PHONE, "390"), (DESKTOP, "1366")):
        page.set_viewport_size(size)
        assert horizontal_overflow(page) == 0, f"{name} is wider than {suffix} px"
        screenshot(page, f"{name}-{suffix}")


def test_the_admin_opens_an_account_for_an_outlet_manager(chromium, demo, live_server):
    demo["org"].user("admin")
    outlet_name = demo["org"].outlet_a.name
    page = web_login(chromium.new_context(viewport=DESKTOP, locale="zh-CN"), live_server, "admin")
    page.goto(f"{live_server}/admin/users/new")
    page.locator("input[name=username]").fill("wangdz")
    page.locator("input[name=display_name]").fill("王店长")
    page.locator("select[name=role]").select_option(label="网点负责人")
    page.locator("select[name=outlet_id]").select_option(value=str(demo["org"].outlet_a.id))
    page.locator("input[name=password]").fill("Outlet-manager-2026")
    _both_widths(page, "role-admin-new-user")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/admin/users/", page.locator("main").inner_text()
    row = page.locator("tr", has_text="wangdz")
    assert "网点负责人" in row.inner_text() and outlet_name in row.inner_text()
    _both_widths(page, "role-admin-users")
    _db.session.rollback()  # read what the server wrote, not this session's earlier snapshot
    created = _db.session.execute(select(User).filter_by(username="wangdz")).scalar_one()
    assert created.role == "outlet_manager" and created.outlet_id == demo["org"].outlet_a.id
    page.context.close()


def test_leadership_reads_the_months_picture_and_takes_the_analysis(chromium, demo, failed_inspection, live_server):
    demo["org"].user("viewer")
    page = web_login(chromium.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True),
                     live_server, "viewer")
    assert page.url == f"{live_server}/reports/dashboard"
    _both_widths(page, "role-viewer-dashboard")
    for path, name in (("/reports/league", "role-viewer-league"), ("/reports/scorecards", "role-viewer-scorecards"),
                       ("/reports/lists", "role-viewer-lists"), ("/reports/coverage", "role-viewer-coverage"),
                       ("/reports/bsc", "role-viewer-bsc")):
        page.set_viewport_size(DESKTOP)
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert page.locator("h1").first.is_visible()
        _both_widths(page, name)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/reports/")
    analysis = page.request.get(f"{live_server}/reports/analysis.pdf")
    assert analysis.status == 200 and analysis.body().startswith(b"%PDF")
    # Leadership reads; it changes nothing.
    assert page.request.post(f"{live_server}/reports/rules", form={}).status in (400, 403)
    page.context.close()


def test_the_vendors_coordinator_hands_a_visit_to_a_shopper(chromium, demo, live_server):
    org = demo["org"]
    coordinator = org.user("mystery_shopper", username="coordinator")
    coordinator.is_coordinator = True
    org.user("mystery_shopper", username="gu")
    template = _db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.kind == "mystery")).scalar_one()
    _db.session.add(Plan(name="mystery", kind="mystery", template_id=template.id, cadence="quarterly",
                         vendor_id=org.vendor.id, window_days=30))
    _db.session.commit()
    generate_all(local_today())
    _db.session.commit()
    page = web_login(chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True), live_server, "coordinator")
    assert page.url == f"{live_server}/vendor/"
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    _both_widths(page, "role-coordinator-visits")
    page.set_viewport_size(PHONE)
    rows.first.locator("select[name=shopper_id]").select_option(label="gu")
    page.wait_for_selector(".flash.ok")
    assert page.locator("tbody tr").first.locator("select[name=shopper_id] option:checked").inner_text() == "gu"
    _both_widths(page, "role-coordinator-handed-out")
    page.context.close()
