"""The monthly volumes and errors page of the seeded demo: fits 1366 px for the admin, cards on a phone for an
outlet manager. Screenshots at both widths, in Chinese."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("seeded_demo")]


def test_the_page_fits_a_desktop(chromium, seeded_demo, demo_server):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = web_login(context, demo_server, "admin")
    assert page.goto(f"{demo_server}/reports/volumes").status == 200
    screenshot(page, "report-volumes-1366")
    page.locator("h2", has_text="网点间对比").evaluate("(heading) => heading.scrollIntoView()")
    screenshot(page, "report-volumes-outlets-1366")
    assert page.locator("h1", has_text="业务量与差错").count() == 1
    assert page.locator("table.cards").count() == 2 and horizontal_overflow(page) == 0
    assert page.locator("table.cards").first.locator("tbody tr").count() == 50  # ten outlets, five tellers each
    context.close()


def test_the_page_is_cards_on_a_phone_for_an_outlet_manager(chromium, seeded_demo, demo_server):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, demo_server, "outlet")
    assert page.goto(f"{demo_server}/reports/volumes").status == 200
    screenshot(page, "report-volumes-390")
    page.locator("h2", has_text="网点间对比").evaluate("(heading) => heading.scrollIntoView()")
    screenshot(page, "report-volumes-outlets-390")
    assert horizontal_overflow(page) == 0
    first_row = page.locator("table.cards").first.locator("tbody tr").first
    assert first_row.locator("td").first.evaluate("(cell) => getComputedStyle(cell).display") == "grid"
    assert page.locator("table.cards").first.locator("tbody tr").count() == 5  # only the own outlet's tellers
    context.close()
