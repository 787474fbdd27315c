"""The meeting page and the action items list of the seeded demo, read in Chinese: on a 1366 px desktop and
on a 390 px phone they fit the window, the items are cards on the phone, the buttons are big enough.
Screenshots at both widths."""
from __future__ import annotations

import pytest

from meetings import quarters, record
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, small_touch_targets, web_login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("seeded_demo")]


def _fits(page, viewport) -> None:
    assert horizontal_overflow(page) == 0
    if viewport == PHONE:
        assert not small_touch_targets(page)
        first_cell = page.locator("table.cards tbody tr").first.locator("td").first
        assert first_cell.evaluate("(td) => getComputedStyle(td).display") != "table-cell"


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "1366"), (PHONE, "390")])
def test_the_meeting_page_and_the_items_fit_and_read_in_chinese(chromium, seeded_demo, demo_server, viewport, name):
    from core.clock import local_today

    last = quarters.before(quarters.of_day(local_today()))
    meeting = record.for_quarter(last)
    context = chromium.new_context(viewport=viewport, locale="zh-CN", has_touch=viewport == PHONE)
    page = web_login(context, demo_server, "admin")
    assert page.goto(f"{demo_server}/meetings/{meeting.id}").status == 200
    screenshot(page, f"meeting-{name}")
    page.screenshot(path=str(ARTIFACTS / f"meeting-{name}-full.png"), full_page=True)
    text = page.inner_text("main")
    for words in ("服务质量分析会", "参会人员", "点评内容", "会议决定", "本次会议的督办事项", "以前会议结转的督办事项",
                  "责任人逾期", "添加督办事项"):
        assert words in text, words
    _fits(page, viewport)
    assert page.goto(f"{demo_server}/meetings/items/").status == 200
    screenshot(page, f"action-items-{name}")
    text = page.inner_text("main")
    assert "督办事项" in text and "已办结" in text and "未办结" in text
    _fits(page, viewport)
    context.close()

