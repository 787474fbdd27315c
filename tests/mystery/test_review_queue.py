"""The bank's review queue of mystery visits, with more visits than a page holds: those awaiting a
decision first, then the latest filed; the total shown, pages, filters, and filters refused in Chinese."""
from __future__ import annotations

import re
import uuid as uuid_module
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from inspections.models import Inspection
from tests.rectification.helpers import browser


@pytest.fixture
def filed_visits(db, org, checklists, shopper):
    """130 visits filed one a day to yesterday: every tenth awaiting review, the others published."""
    now = datetime.now(UTC)
    rows = [{"uuid": str(uuid_module.uuid4()), "kind": "mystery", "status": "submitted" if n % 10 == 0 else "published",
             "checklist_version_id": checklists["mystery"].id,
             "outlet_id": (org.outlet_a if n % 2 else org.outlet_b).id, "inspector_id": shopper.id,
             "submitted_at": now - timedelta(days=1 + n), "created_at": now - timedelta(days=1 + n),
             "updated_at": now - timedelta(days=1 + n)} for n in range(130)]
    db.session.execute(insert(Inspection), rows)
    db.session.commit()
    return rows


def _rows(response) -> list[str]:
    body = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'/admin/mystery/([0-9a-f-]{36})"', body)


def test_the_queue_puts_visits_awaiting_a_decision_first_and_shows_the_total(app, filed_visits, users):
    admin = browser(app, users["admin"])
    first = admin.get("/admin/mystery/")
    assert first.status_code == 200
    text = re.sub(r"<[^>]+>", " ", first.get_data(as_text=True))
    assert "共 130 条" in text and "第 1 / 3 页" in text
    awaiting = [row["uuid"] for row in filed_visits if row["status"] == "submitted"]
    shown = _rows(first)
    assert len(shown) == 50 and shown[:13] == awaiting  # the latest filed first among them
    assert shown[13] == filed_visits[1]["uuid"]
    assert len(_rows(admin.get("/admin/mystery/?page=3"))) == 30
    outlet_b = filed_visits[0]["outlet_id"]
    published_at_b = _rows(admin.get(f"/admin/mystery/?status=published&outlet_id={outlet_b}"))
    assert len(published_at_b) == 50 and not set(published_at_b) & set(awaiting)  # 52 in all, on two pages


def test_the_queue_refuses_filters_it_cannot_read_in_chinese(app, users):
    page = browser(app, users["admin"]).get("/admin/mystery/?status=lost&period=yesterday")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "无法按这些筛选条件显示列表" in text and "状态" in text and "时间范围" in text
