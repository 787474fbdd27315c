"""The ledger page: most urgent first (overdue, then the nearest step deadline, the closed ones last), paged with
the total shown, its filters, filters that cannot be read refused in Chinese; and the figures page."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from complaints import operations
from tests.complaints.helpers import Browser, record, rows_of, text_of

TODAY = "2026-11-30 10:00 +0800"


def _close(db, complaint, handler):
    operations.advance(complaint.id, "acknowledge", handler)
    operations.advance(complaint.id, "investigate", handler, note="核实属实", upheld=True)
    operations.advance(complaint.id, "resolve", handler, note="当面致歉")
    operations.advance(complaint.id, "call_back", handler, note="满意", satisfied=True)
    operations.advance(complaint.id, "close", handler)
    db.session.commit()


@pytest.fixture
def five(db, org, users):
    """Received on different days: two overdue, one fresh, two closed. (a, b, c, d, e)"""
    manager = users["outlet_manager"]
    a = record(db, org, manager, date(2026, 10, 31))
    b = record(db, org, manager, date(2026, 11, 20))
    c = record(db, org, manager, date(2026, 11, 30), category="fees")
    d = record(db, org, manager, date(2026, 11, 10))
    e = record(db, org, manager, date(2026, 11, 25))
    _close(db, d, manager)
    _close(db, e, manager)
    return a, b, c, d, e


@time_machine.travel(TODAY, tick=False)
def test_the_most_urgent_lead_and_the_closed_come_last(app, users, five):
    a, b, c, d, e = five
    page = Browser(app, users["viewer"]).get("/complaints/")
    assert rows_of(page) == [x.number for x in (a, b, c, e, d)]
    text = text_of(page)
    assert "共 5 条" in text and text.count("逾期") >= 2 and "已关闭" in text


@time_machine.travel(TODAY, tick=False)
def test_the_filters_narrow_the_ledger(app, org, users, five):
    a, b, c, d, e = five
    browser = Browser(app, users["admin"])
    assert rows_of(browser.get("/complaints/?overdue=1")) == [a.number, b.number]
    assert rows_of(browser.get("/complaints/?status=closed")) == [e.number, d.number]
    assert rows_of(browser.get("/complaints/?category=fees")) == [c.number]
    assert rows_of(browser.get("/complaints/?period=2026-10")) == [a.number]
    assert rows_of(browser.get("/complaints/?period=2026-11-30")) == [c.number]
    assert rows_of(browser.get(f"/complaints/?outlet_id={org.outlet_b.id}")) == []
    assert rows_of(browser.get("/complaints/?level=branch")) == []
    assert len(rows_of(browser.get(f"/complaints/?level=outlet&outlet_id={org.outlet_a.id}"))) == 5
    nothing = browser.get("/complaints/?status=closed&overdue=1")
    assert rows_of(nothing) == [] and "没有符合条件的记录。" in text_of(nothing)


@pytest.mark.parametrize("query", ["status=lost", "category=x", "outlet_id=abc", "overdue=maybe", "period=2026-13",
                                   "page=0", "level=head_office"])
def test_filters_that_cannot_be_read_are_refused_in_chinese(app, users, query):
    response = Browser(app, users["admin"]).get(f"/complaints/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "无法按这些筛选条件显示列表，请修改后重试。" in text
    assert "Not one of" not in text and "Unknown" not in text


def test_a_long_ledger_is_paged_with_its_total(app, db, org, users):
    for _ in range(52):
        operations.receive({"outlet_id": org.outlet_a.id, "channel": "hotline", "category": "other",
                            "customer_name": "顾客", "description": "情况"}, users["admin"])
    db.session.commit()
    browser = Browser(app, users["admin"])
    first = browser.get("/complaints/")
    assert len(rows_of(first)) == 50 and "共 52 条" in text_of(first) and "第 1 / 2 页" in text_of(first)
    assert 'rel="next" href="/complaints/?page=2"' in first.get_data(as_text=True)
    second = browser.get("/complaints/?page=2")
    assert len(rows_of(second)) == 2 and not set(rows_of(second)) & set(rows_of(first))
    assert rows_of(browser.get("/complaints/?page=9")) == []


@time_machine.travel(TODAY, tick=False)
def test_the_figures_count_closure_overdue_and_days_by_outlet_and_category(app, users, five):
    browser = Browser(app, users["viewer"])
    page = browser.get("/complaints/figures?period=2026Q4")
    assert page.status_code == 200
    html, text = page.get_data(as_text=True), text_of(page)
    assert "2026-10-01 至 2026-12-31" in text and "办结率" in text and "40.0%" in text
    assert "<svg" in html and "各网点办结率" in html and "元和支行" in text
    assert "收费定价" in text and "服务态度" in text and "fees" not in text
    october = text_of(browser.get("/complaints/figures?period=2026-10"))
    assert "0.0%" in october and "40.0%" not in october
    default = text_of(browser.get("/complaints/figures"))
    assert "2026-10-01 至 2026-12-31" in default  # this quarter
    assert browser.get("/complaints/figures?period=soon").status_code == 400


def test_the_figures_of_an_empty_period_say_so(app, users):
    page = Browser(app, users["admin"]).get("/complaints/figures?period=2025Q1").get_data(as_text=True)
    assert page.count("此期间未受理投诉") == 2 and "<svg" not in page
