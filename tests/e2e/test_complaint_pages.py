"""The complaint ledger's pages in Chromium at 390 px and 1366 px: nothing wider than the phone, no table wider than
its box on a desktop, no serious accessibility fault, and a complaint recorded through the intake form on a phone.
Screenshots of the ledger, a complaint and the intake form (and for the admin the contact table and the figures)
at both widths."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from complaints import operations
from core.clock import local_today
from tests.complaints.helpers import intake
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, serious_accessibility_violations, web_login
from tests.e2e.test_report_tables import OVERFLOWING_TABLES

pytestmark = pytest.mark.e2e


@pytest.fixture
def ledger(db, org, users):
    manager = users["outlet_manager"]
    today = local_today()
    complaints = [operations.receive(intake(org, received_on=today - timedelta(days=days), category=category,
                                            channel=channel), manager)[0]
                  for days, category, channel in ((20, "waiting", "hotline"), (3, "fees", "online"),
                                                  (0, "attitude", "walk_in"))]
    operations.receive(intake(org, outlet_id=org.outlet_b.id, staff_id=None, severity="serious",
                              received_on=date(today.year, today.month, 1)), users["admin"])
    operations.advance(complaints[2].id, "acknowledge", manager)  # the oldest stays overdue
    db.session.commit()
    return complaints


@pytest.mark.parametrize("username", ["outlet_manager", "admin"])
def test_the_ledger_pages_fit_a_phone_and_a_desktop(chromium, ledger, users, live_server, username):
    complaint = ledger[0]
    pages = [("/complaints/", "complaints-ledger"), (f"/complaints/{complaint.id}", "complaints-complaint"),
             ("/complaints/new", "complaints-intake")]
    if username == "admin":
        pages = [(path, f"{name}-admin") for path, name in pages] + [
            ("/complaints/contacts", "complaints-contacts"), ("/complaints/figures", "complaints-figures")]
    found = {}
    for viewport, width in ((PHONE, 390), (DESKTOP, 1366)):
        context = chromium.new_context(viewport=viewport, locale="zh-CN", has_touch=viewport is PHONE,
                                       bypass_csp=True)  # for the accessibility checker's script
        page = web_login(context, live_server, username)
        for path, name in pages:
            page.goto(live_server + path)
            screenshot(page, f"{name}-{width}")
            problems = {"overflow": horizontal_overflow(page), "tables": page.evaluate(OVERFLOWING_TABLES),
                        "accessibility": serious_accessibility_violations(page)}
            found[f"{name}-{width}"] = {key: value for key, value in problems.items() if value}
        context.close()
    assert not any(found.values()), found


def test_a_complaint_is_recorded_on_a_phone(chromium, db, org, users, live_server):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, live_server, "outlet_manager")
    page.goto(f"{live_server}/complaints/new")
    page.select_option("select[name=channel]", "walk_in")
    page.select_option("select[name=category]", "waiting")
    page.fill("input[name=customer_name]", "陈美华")
    page.fill("textarea[name=description]", "")
    page.click("button.primary")
    assert "此项必填。" in page.inner_text("main form")  # beside the empty field, the rest kept
    assert page.input_value("input[name=customer_name]") == "陈美华"
    page.fill("textarea[name=description]", "排队四十分钟")
    page.click("button.primary")
    page.wait_for_url(lambda url: "/new" not in url)
    assert "已登记" in page.inner_text("main") and "陈美华" in page.inner_text("main")  # the handler reads it whole
    context.close()
