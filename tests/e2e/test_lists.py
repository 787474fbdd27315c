"""The lists in real Chromium, on a phone (390 px) and a desktop (1366 px), with a year of findings behind
today's: today's first, the total and the pager in view, filters that work, nothing wider than the screen."""
from __future__ import annotations

import pytest

from core.extensions import db as _db
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.rectification.helpers import FAILING_ONSITE_ITEMS, a_year_of_findings, submit_onsite

pytestmark = pytest.mark.e2e

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def history(demo, db, client, token_for, sync):
    org, inspector = demo["org"], demo["inspector"]
    from sqlalchemy import select

    from checklists.models import ChecklistTemplate, ChecklistVersion

    version = db.session.execute(select(ChecklistVersion).join(ChecklistTemplate)
                                 .where(ChecklistTemplate.kind == "onsite", ChecklistVersion.status == "published")
                                 ).scalar_one()
    a_year_of_findings(db, org, version, inspector, 110)
    submit_onsite(sync, version, org.outlet_a, token_for(inspector), FAILING_ONSITE_ITEMS[:2])
    _db.session.commit()
    return demo


@pytest.fixture
def sync(client):
    from tests.inspections.helpers import SyncApi

    return SyncApi(client)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_lists_show_todays_work_first_on_a_phone_and_a_desktop(live_server, chromium, history, screen):
    context = chromium.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", history["inspector"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server}/findings/")
    assert "共 1,102 条" in page.inner_text(".list-total")
    first_row = page.inner_text("table tbody tr:first-child")
    assert "旧问题" not in first_row and "待整改" in first_row
    _fits(page)
    screenshot(page, f"lists-findings-{screen}")
    page.select_option("select[name=severity]", "critical")
    page.select_option("select[name=sort]", "deadline")
    page.click(".list-filters button[type=submit]")
    page.wait_for_url("**severity=critical**")
    assert "共 11" in page.inner_text(".list-total") and "网点逾期" in page.inner_text("table tbody tr:first-child")
    page.click(".pager a[rel=next]")
    page.wait_for_url("**page=2**")
    assert "severity=critical" in page.url and "第 2 / 3 页" in page.inner_text(".list-total")
    page.locator(".pager").scroll_into_view_if_needed()
    screenshot(page, f"lists-findings-filtered-{screen}")

    page.goto(f"{live_server}/inspections/")
    assert "共 111 条" in page.inner_text(".list-total")
    _fits(page)
    screenshot(page, f"lists-inspections-{screen}")
    page.goto(f"{live_server}/notices/")
    assert "共 111 条" in page.inner_text(".list-total")
    _fits(page)
    screenshot(page, f"lists-notices-{screen}")
    context.close()


def _fits(page) -> None:
    """The page itself scrolls no wider than the screen (a wide table scrolls inside its own frame)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.evaluate("getComputedStyle(document.querySelector('.list-filters')).display") == "flex"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_admins_lists_show_their_totals_on_a_phone_and_a_desktop(live_server, chromium, history, screen):
    admin = history["org"].user("admin")
    _db.session.commit()
    context = chromium.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/admin/mystery/")
    assert "共 0 条" in page.inner_text(".list-total")
    _fits(page)
    screenshot(page, f"lists-mystery-queue-{screen}")
    page.goto(f"{live_server}/admin/calendar")
    page.locator("#overdue").scroll_into_view_if_needed()
    assert "共" in page.inner_text(".list-total")
    screenshot(page, f"lists-calendar-overdue-{screen}")
    context.close()
