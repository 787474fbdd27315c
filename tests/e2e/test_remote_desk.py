"""The remote desk in real Chromium, as the monitor, on a phone (390 px) and a desktop (1366 px): a teller on
leave is recorded as such, and the cycle's coverage stops expecting their check."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from checklists.models import ChecklistTemplate
from core.clock import local_today
from core.extensions import db as _db
from inspections import scheduling
from inspections.models import Excuse, Plan
from org.models import Outlet, Staff
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets, web_login

pytestmark = pytest.mark.e2e

SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def desk(demo, db):
    """The monitor's two-day plan over outlets A and B (two tellers each) and C (five), this cycle generated."""
    org = demo["org"]
    monitor = org.user("remote_monitor", "monitor")
    outlet = Outlet(branch_id=org.branch.id, code="C01", name="渭塘支行")
    db.session.add(outlet)
    db.session.flush()
    db.session.add_all(Staff(outlet_id=outlet.id, employee_no=f"C01-{n}", name=name, position="teller")
                       for n, name in enumerate(("陈静", "周敏", "吴磊", "郑洁", "孙浩"), start=1))
    template = db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.kind == "remote")).scalar_one()
    plan = Plan(name="实时非现场检查", kind="remote", template_id=template.id, cadence="cycle", assignee_id=monitor.id)
    db.session.add(plan)
    db.session.commit()
    scheduling.generate(plan, local_today())
    db.session.commit()
    return {"org": org, "monitor": monitor}


def coverage_row(page, outlet_name: str) -> list[str]:
    row = page.locator("table.coverage tbody tr", has_text=outlet_name)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def full_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_monitor_records_a_leave_and_sees_the_coverage_change(live_server, chromium, desk, screen):
    outlet_name, first_teller = desk["org"].outlet_a.name, desk["org"].staff_a[0].name
    _db.session.commit()  # no read transaction held while the server writes
    context = chromium.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale="zh-CN")
    page = web_login(context, live_server, "monitor")
    page.goto(f"{live_server}/remote/")
    teller = page.inner_text(".card.teller b")
    assert teller == first_teller
    before = coverage_row(page, outlet_name)
    assert before[1:4] == ["0/2", "0", "2"] and before[4].endswith("0.0%")
    assert "共 9 条" in page.inner_text(".desk-side .list-total")

    page.click("details.excuse summary")
    page.select_option("#excuse-form select[name=reason]", "on_leave")
    page.select_option("#excuse-form select[name=day]", "cycle")
    page.fill("#excuse-form input[name=note]", "年假至下周一")
    full_screenshot(page, f"remote-desk-excuse-form-{screen}")
    page.click("#excuse-form button[type=submit]")
    page.wait_for_selector(".flash.ok")

    assert f"已登记：{teller}，休假。" in page.inner_text(".flash.ok")
    after = coverage_row(page, outlet_name)
    assert after[1:4] == ["0/1", "1", "1"]  # checked of expected, excused, missing
    last = page.locator("ol.queue li").last
    assert teller in last.inner_text() and "休假" in last.inner_text() and "年假至下周一" in last.inner_text()
    assert page.inner_text(".card.teller b") != teller  # the next teller due is at the desk
    assert _db.session.execute(select(Excuse.reason)).scalar_one() == "on_leave"
    _db.session.commit()

    assert horizontal_overflow(page) == 0
    new_controls = [box for box in small_touch_targets(page)
                    if "excuse" in box["what"] or "撤回" in box["what"] or "登记原因" in box["what"]]
    assert new_controls == []
    full_screenshot(page, f"remote-desk-excused-{screen}")

    last.locator("a").click()  # the excused teller at the desk: the reason shown, and withdrawn
    assert "休假" in page.inner_text("#current-excuse") and "年假至下周一" in page.inner_text("#current-excuse")
    page.screenshot(path=str(ARTIFACTS / f"remote-desk-excused-teller-{screen}.png"))
    page.click("#current-excuse button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert f"已撤回：{teller} 重新列为待检查。" in page.inner_text(".flash.ok")
    assert coverage_row(page, outlet_name)[1:4] == ["0/2", "0", "2"]

    page.goto(f"{live_server}/reports/coverage")  # the month's report: the same words, lowest first
    assert "覆盖率最低的排在最前" in page.inner_text("main") and "因故免查" in page.inner_text("table thead")
    assert horizontal_overflow(page) == 0
    full_screenshot(page, f"remote-coverage-report-{screen}")
    context.close()
