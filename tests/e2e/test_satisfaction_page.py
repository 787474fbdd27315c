"""The customer satisfaction page of the seeded demo, read in Chinese: on a 1366 px desktop and on a
390 px phone it fits the window, the results table is cards on the phone, and the buttons are big enough.
Screenshots at both widths."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets, web_login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("seeded_demo")]


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "1366"), (PHONE, "390")])
def test_the_satisfaction_page_fits_and_reads_in_chinese(chromium, seeded_demo, demo_server, viewport, name):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", has_touch=viewport == PHONE)
    page = web_login(context, demo_server, "admin")
    response = page.goto(f"{demo_server}/reports/satisfaction")
    assert response.status == 200
    screenshot(page, f"report-satisfaction-{name}")
    page.screenshot(path=str(ARTIFACTS / f"report-satisfaction-{name}-full.png"), full_page=True)
    text = page.inner_text("main")
    for words in ("客户满意度", "对公客户", "高端个人客户", "厅堂", "系统内排名", "客户反映最差事项"):
        assert words in text, words
    assert page.locator(".segment svg.chart").count() == 3
    wide = page.evaluate("() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))")
    assert horizontal_overflow(page) == 0, wide
    if viewport == PHONE:
        assert not small_touch_targets(page)
        first_cell = page.locator("table.cards tbody tr").first.locator("td").first
        assert first_cell.evaluate("(td) => getComputedStyle(td).display") != "table-cell"
    context.close()
