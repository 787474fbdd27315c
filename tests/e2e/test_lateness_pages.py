"""Whose lateness, in Chromium on a phone (390 px) and a desktop (1366 px), in Chinese: the findings list
marks the outlet's lateness and the verifiers' apart and filters each, and the dashboard counts both."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from checklists.models import ChecklistTemplate, ChecklistVersion
from core.clock import local_today
from core.extensions import db as _db
from rectification.models import Finding
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login
from tests.inspections.helpers import SyncApi
from tests.rectification.helpers import FAILING_ONSITE_ITEMS, submit_onsite

pytestmark = pytest.mark.e2e
SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def late_findings(demo, client, token_for):
    """Four findings of outlet A raised today: one open past its deadline (the outlet's), one answered
    in time whose verification is overdue (the verifiers'), one answered late, one still in time."""
    org, inspector = demo["org"], demo["inspector"]
    version = _db.session.execute(select(ChecklistVersion).join(ChecklistTemplate).where(
        ChecklistTemplate.kind == "onsite", ChecklistVersion.status == "published")).scalar_one()
    submit_onsite(SyncApi(client), version, org.outlet_a, token_for(inspector), FAILING_ONSITE_ITEMS[:4])
    overdue, waiting, late, in_time = _db.session.execute(select(Finding).order_by(Finding.id)).scalars().all()
    today = local_today()
    overdue.due_date = today - timedelta(days=2)
    waiting.status, waiting.due_date = "responded", today - timedelta(days=1)
    waiting.responded_at = datetime.now(UTC) - timedelta(days=5)
    waiting.verification_due_date = today - timedelta(days=2)
    late.status, late.due_date, late.responded_late = "responded", today - timedelta(days=3), True
    late.responded_at, late.verification_due_date = datetime.now(UTC), today + timedelta(days=3)
    _db.session.commit()
    return {"overdue": overdue.title, "waiting": waiting.title, "late": late.title, "in_time": in_time.title,
            "inspector": inspector, "viewer": org.user("viewer"), "month": today.strftime("%Y-%m")}


def _row(page, title: str) -> str:
    return page.locator("table.cards tbody tr", has_text=title).first.inner_text()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_findings_list_tells_whose_lateness(live_server, chromium, late_findings, screen):
    context = chromium.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale="zh-CN")
    page = web_login(context, live_server, late_findings["inspector"].username)
    page.goto(f"{live_server}/findings/")
    assert "网点逾期" in _row(page, late_findings["overdue"])
    waiting = _row(page, late_findings["waiting"])
    assert "验证逾期" in waiting and "网点逾期" not in waiting
    assert "逾期回复" in _row(page, late_findings["late"])
    assert "逾期" not in _row(page, late_findings["in_time"])
    assert horizontal_overflow(page) <= 1
    page.locator("table.cards tbody tr", has_text=late_findings["late"]).scroll_into_view_if_needed()
    screenshot(page, f"lateness-findings-{screen}")

    page.click("nav.tabs a:has-text('验证逾期')")
    page.wait_for_url("**verification_overdue=1**")
    assert "共 1 条" in page.inner_text(".list-total") and late_findings["waiting"] in page.inner_text("table.cards")
    screenshot(page, f"lateness-findings-verification-{screen}")
    page.click("nav.tabs a:has-text('网点逾期')")
    page.wait_for_url("**overdue=1**")
    assert "共 1 条" in page.inner_text(".list-total") and late_findings["overdue"] in page.inner_text("table.cards")
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_dashboard_counts_both(live_server, chromium, late_findings, screen):
    context = chromium.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale="zh-CN")
    page = web_login(context, live_server, late_findings["viewer"].username)
    page.goto(f"{live_server}/reports/dashboard?month={late_findings['month']}")  # the findings' month
    findings_kpi = page.locator(".kpi", has_text="问题").first.inner_text()
    assert "网点逾期 1 项" in findings_kpi and "逾期回复 1 项" in findings_kpi
    verification_kpi = page.locator(".kpi", has_text="验证逾期").inner_text()
    assert verification_kpi.split("\n")[1].strip() == "1"
    assert horizontal_overflow(page) <= 1
    screenshot(page, f"lateness-dashboard-{screen}")
    page.click(".kpi a:has-text('超过验证期限')")
    page.wait_for_url("**verification_overdue=1**")
    assert "共 1 条" in page.inner_text(".list-total")
    context.close()
