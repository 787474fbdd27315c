"""The report pages of the seeded demo on a 1366 px desktop: no table is wider than the box it sits in,
so no column hides off the right; on a phone the league table is one card per outlet.
Screenshots of each page at 1366 and 390 px."""
from __future__ import annotations

from pprint import pformat

import pytest
from sqlalchemy import select

from reports.models import ServiceList
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("seeded_demo")]

# Each table whose content is wider than its container (the scrolling .table-wrap or the page).
OVERFLOWING_TABLES = """() => [...document.querySelectorAll('table')]
  .filter((table) => table.offsetParent !== null)
  .map((table) => ({table, box: table.parentElement}))
  .filter(({table, box}) => table.scrollWidth > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1)
  .map(({table, box}) => ({table: (table.querySelector('th') || table).textContent.trim().slice(0, 12),
                           width: table.scrollWidth, room: box.clientWidth}))"""


def _report_pages(db) -> list[tuple[str, str]]:
    service_list = db.session.execute(select(ServiceList.id).where(ServiceList.scope == "branch")
                                      .order_by(ServiceList.month.desc())).scalars().first()
    db.session.rollback()
    return [("/reports/dashboard", "report-dashboard"), ("/reports/league", "report-league"),
            ("/reports/league?period=" + _this_quarter(), "report-league-quarter"),
            ("/reports/scorecards", "report-scorecards"), ("/reports/lists", "report-lists"),
            (f"/reports/lists/{service_list}", "report-list"), ("/reports/coverage", "report-coverage"),
            ("/reports/bsc", "report-bsc"), ("/admin/mystery/", "report-vendor-performance")]


def _this_quarter() -> str:
    from core.clock import local_today

    today = local_today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_no_report_table_overflows_at_1366(chromium, seeded_demo, demo_server, db):
    pages = _report_pages(db)
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = web_login(context, demo_server, "admin")
    found = {}
    for path, name in pages:
        response = page.goto(demo_server + path)
        assert response.status == 200, path
        screenshot(page, f"{name}-1366")
        tables = page.locator("table").count()
        problems = {"tables": page.evaluate(OVERFLOWING_TABLES), "page": horizontal_overflow(page)}
        assert tables, f"{path} shows no table"
        if problems["tables"] or problems["page"]:
            found[path] = problems
    context.close()
    assert not found, pformat(found)


def test_the_league_table_shows_every_column_and_explains_its_headings(chromium, seeded_demo, demo_server):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = web_login(context, demo_server, "viewer")
    page.goto(f"{demo_server}/reports/league")
    table = page.locator("table.league")
    right = page.locator(".table-wrap").first.bounding_box()
    for heading in ("问题数", "整改完成率", "平均整改天数"):
        cell = table.locator("th", has_text=heading)
        assert cell.count() == 1 and cell.get_attribute("title"), heading
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= right["x"] + right["width"] + 1, heading
    context.close()


def test_the_league_table_is_cards_on_a_phone(chromium, seeded_demo, demo_server):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, demo_server, "viewer")
    page.goto(f"{demo_server}/reports/league")
    screenshot(page, "report-league-390")
    assert horizontal_overflow(page) == 0
    assert page.evaluate("getComputedStyle(document.querySelector('table.league td')).display") == "grid"
    first = page.locator("table.league tbody tr").first
    for label in ("问题数", "整改完成率", "平均整改天数"):
        assert first.locator(f"td[data-label='{label}']").is_visible(), label
    context.close()


def test_the_list_page_offers_its_print_and_files_on_a_phone(chromium, seeded_demo, demo_server, db):
    list_id = db.session.execute(select(ServiceList.id).where(ServiceList.scope == "branch",
                                                              ServiceList.status == "published")
                                 .order_by(ServiceList.month.desc())).scalars().first()
    db.session.rollback()
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, demo_server, "viewer")
    page.goto(f"{demo_server}/reports/lists/{list_id}")
    screenshot(page, "report-list-390")
    assert horizontal_overflow(page) == 0
    for name in ("打印张贴版（PDF）", "下载 XLSX", "下载 CSV"):
        assert page.get_by_role("link", name=name).bounding_box()["height"] >= 44, name
    context.close()
