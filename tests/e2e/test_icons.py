"""The marks beside answers, people, photos and flags are drawn inline, so they show on a machine with no
emoji font: each is a visible 1em picture, and no page text falls back to a missing glyph.
Screenshots of each page at 390 and 1366 px."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from checklists.models import ChecklistTemplate, ChecklistVersion
from inspections.models import Answer, Inspection
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("seeded_demo")]

ICONS = """() => [...document.querySelectorAll('svg.icon')].map((svg) => {
  const box = svg.getBoundingClientRect(); return [Math.round(box.width), Math.round(box.height)]; })"""
NO_FONT_HAS = "⏱☐⚑✍✗👤📷"


def _pages(db) -> list[tuple[str, str]]:
    attributed = db.session.execute(
        select(Inspection.uuid).join(Answer, Answer.inspection_id == Inspection.id)
        .where(Inspection.kind == "remote", Answer.failed.is_(True), Answer.staff_id.isnot(None))).scalars().first()
    version = db.session.execute(select(ChecklistVersion.id).join(ChecklistTemplate)
                                 .where(ChecklistTemplate.kind == "onsite")).scalars().first()
    mystery = db.session.execute(select(Inspection.uuid).where(Inspection.kind == "mystery")).scalars().first()
    db.session.rollback()
    return [(f"/inspections/{attributed}", "icons-inspection"), (f"/admin/checklists/versions/{version}",
                                                                "icons-checklist"),
            (f"/admin/mystery/{mystery}", "icons-mystery-report"), ("/verify/" + "0" * 64, "icons-verify-unknown")]


def test_marks_are_drawn_inline_at_both_widths(chromium, seeded_demo, demo_server, db):
    pages = _pages(db)
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = web_login(context, demo_server, "admin")
    for path, name in pages:
        for viewport, width in ((DESKTOP, 1366), (PHONE, 390)):
            page.set_viewport_size(viewport)
            page.goto(demo_server + path)
            screenshot(page, f"{name}-{width}")
            sizes = page.evaluate(ICONS)
            assert sizes and all(w >= 10 and h >= 10 for w, h in sizes), (path, sizes)
            text = page.inner_text("body")
            assert not [c for c in NO_FONT_HAS if c in text], path
            if width == 390:
                assert horizontal_overflow(page) == 0, path
    context.close()
