"""The lists of findings and notices, on their pages and in the API, with more than a thousand findings
of a past year behind today's: today's on the first page, the total shown, pages, filters, and
filters that cannot be read refused in Chinese."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.clock import local_midnight, local_today
from core.period_filter import span_of
from inspections.models import Inspection
from rectification.models import Finding
from tests.rectification.helpers import a_year_of_findings, browser

PAST_INSPECTIONS = 110  # ten findings each: 1,100 findings before today's


@pytest.fixture
def year_of_findings(db, org, checklists, inspector):
    return a_year_of_findings(db, org, checklists["onsite"], inspector, PAST_INSPECTIONS)


@pytest.fixture
def today_and_history(db, onsite, year_of_findings):
    """Today's inspection of outlet A with two findings, after a year of others: (uuid, today's findings)."""
    uuid, _ = onsite(2)
    return uuid, db.session.execute(select(Finding).join(Inspection).where(Inspection.uuid == uuid)).scalars().all()


def _first_table(response) -> str:
    return response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]


def _text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def _pagination(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_todays_findings_lead_the_first_page_with_the_total_shown(app, today_and_history, inspector):
    titles = [finding.title for finding in today_and_history[1]]
    assert len(titles) == 2
    page = browser(app, inspector).get("/findings/")
    assert page.status_code == 200
    text = _text(page)
    assert all(title in text for title in titles)
    assert "共 1,102 条" in text and "第 1 / 23 页" in text
    assert text.count("旧问题") == 48  # the page's other 48 rows: the newest of the past year
    assert 'rel="next" href="/findings/?page=2"' in page.get_data(as_text=True)
    second = _text(browser(app, inspector).get("/findings/?page=2"))
    assert not any(title in second for title in titles) and "共 1,102 条" in second


def test_the_api_pages_findings_newest_first_with_the_total_in_its_header(client, today_and_history, bearer,
                                                                        inspector):
    titles = [finding.title for finding in today_and_history[1]]
    headers = bearer(inspector)
    first = client.get("/api/v1/findings?page_size=50", headers=headers)
    assert first.status_code == 200
    assert _pagination(first) == {"total": 1102, "total_pages": 23, "first_page": 1, "last_page": 23, "page": 1,
                                  "next_page": 2}
    rows = first.get_json()
    assert len(rows) == 50 and {row["title"] for row in rows[:2]} == set(titles)
    created = [row["created_at"] for row in rows]
    assert created == sorted(created, reverse=True)
    last = client.get("/api/v1/findings?page_size=50&page=23", headers=headers)
    assert len(last.get_json()) == 2 and _pagination(last)["previous_page"] == 22
    seen = {row["id"] for page in range(1, 24)
            for row in client.get(f"/api/v1/findings?page_size=50&page={page}", headers=headers).get_json()}
    assert len(seen) == 1102  # pages neither overlap nor skip


def test_by_deadline_the_long_overdue_come_first_and_closed_last(client, today_and_history, bearer, inspector):
    headers = bearer(inspector)
    rows = client.get("/api/v1/findings?sort=deadline&page_size=1000", headers=headers).get_json()
    statuses = [row["status"] for row in rows]
    assert statuses.index("closed") == PAST_INSPECTIONS + 2  # every unclosed one before the first closed
    unclosed = rows[:PAST_INSPECTIONS + 2]
    assert [row["due_date"] for row in unclosed] == sorted(row["due_date"] for row in unclosed)
    assert unclosed[0]["overdue"] and not unclosed[-1]["overdue"]  # today's deadlines are the furthest


def test_filters_narrow_the_list_and_its_total(client, app, db, today_and_history, bearer, inspector, org):
    headers = bearer(inspector)
    todays_critical = sum(finding.severity == "critical" for finding in today_and_history[1])

    def total(query: str) -> int:
        response = client.get(f"/api/v1/findings?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return _pagination(response)["total"]

    assert total(f"outlet_id={org.outlet_b.id}") == 550
    assert total(f"outlet_id={org.outlet_a.id}") == 552
    assert total("status=open") == PAST_INSPECTIONS + 2
    assert total("status=closed") == PAST_INSPECTIONS * 9
    assert total("overdue=1") == PAST_INSPECTIONS
    assert total("severity=critical") == PAST_INSPECTIONS + todays_critical
    assert total("kind=onsite") == 1102 and total("kind=mystery") == 0
    today = local_today()
    assert total(f"period={today.isoformat()}") == 2
    raised_this_month = db.session.execute(select(func.count()).select_from(Finding).where(
        Finding.created_at >= local_midnight(today.replace(day=1)))).scalar_one()
    assert total(f"period={today:%Y-%m}") == raised_this_month
    past = today - timedelta(days=100)
    for period in (f"{past:%Y-%m}", f"{past.year}Q{(past.month - 1) // 3 + 1}"):
        span = span_of(period)
        raised_then = db.session.execute(select(func.count()).select_from(Finding).where(
            Finding.created_at >= span.start, Finding.created_at < span.end)).scalar_one()
        assert 0 < raised_then < 1102 and total(f"period={period}") == raised_then
    assert total(f"outlet_id={org.outlet_b.id}&status=open&severity=critical") == PAST_INSPECTIONS // 2
    page = browser(app, inspector).get(f"/findings/?outlet_id={org.outlet_b.id}&status=closed")
    assert "共 495 条" in _text(page)
    rows = _first_table(page)
    assert "黄埭支行" in rows and "元和支行" not in rows and "已关闭" in rows


def test_an_outlet_manager_sees_the_outlets_own_findings_and_notices_only(client, today_and_history, bearer,
                                                                         manager_a, org):
    headers = bearer(manager_a)
    findings = client.get("/api/v1/findings?page_size=1000", headers=headers)
    assert _pagination(findings)["total"] == 552
    assert {row["outlet_id"] for row in findings.get_json()} == {org.outlet_a.id}
    asked_for_b = client.get(f"/api/v1/findings?outlet_id={org.outlet_b.id}", headers=headers)
    assert asked_for_b.status_code == 200 and _pagination(asked_for_b)["total"] == 0
    notices = client.get("/api/v1/notices", headers=headers)
    assert _pagination(notices)["total"] == PAST_INSPECTIONS // 2 + 1


def test_notices_are_paged_newest_first_on_their_page_and_in_the_api(client, app, today_and_history, bearer,
                                                                    inspector):
    uuid, _ = today_and_history
    headers = bearer(inspector)
    first = client.get("/api/v1/notices?page_size=20", headers=headers)
    assert _pagination(first)["total"] == PAST_INSPECTIONS + 1
    rows = first.get_json()
    assert rows[0]["inspection_uuid"] == uuid and len(rows) == 20
    assert [row["issued_at"] for row in rows] == sorted((row["issued_at"] for row in rows), reverse=True)
    page = browser(app, inspector).get("/notices/")
    text = _text(page)
    assert page.status_code == 200 and "共 111 条" in text and "第 1 / 3 页" in text
    assert f"/inspections/{uuid}/notice.pdf" in page.get_data(as_text=True)
    today = _text(browser(app, inspector).get(f"/notices/?period={local_today().isoformat()}"))
    assert "共 1 条" in today and "旧通知" not in today


@pytest.mark.parametrize("query, field", [
    ("page=0", "页码"), ("page=two", "页码"), ("page=99999999999", "页码"), ("period=2026-13", "时间范围"),
    ("period=last+week", "时间范围"), ("kind=bank_robbery", "类型"), ("status=lost", "状态"),
    ("outlet_id=A01", "网点"), ("severity=urgent", "严重程度"), ("overdue=perhaps", "网点逾期"),
    ("verification_overdue=maybe", "验证逾期"), ("sort=random", "排序"),
])
def test_a_list_page_refuses_filters_it_cannot_read_in_chinese(app, org, inspector, query, field):
    page = browser(app, inspector).get(f"/findings/?{query}")
    assert page.status_code == 400
    text = _text(page)
    assert "无法按这些筛选条件显示列表" in text and field in text
    assert not re.search(r"Not a valid|Must be|Unknown field", text)


def test_a_page_past_the_last_is_empty_however_far(client, onsite, bearer, inspector, app):
    onsite(2)
    for page in ("2", "2147483647", "9223372036854775808", "1" + "0" * 40):
        response = client.get(f"/api/v1/findings?page={page}", headers=bearer(inspector))
        assert response.status_code == 200 and response.get_json() == []
        assert _pagination(response)["total"] == 2 and "page" not in _pagination(response)
    assert browser(app, inspector).get("/findings/?page=2147483647").status_code == 200


@pytest.mark.parametrize("query", ["page=0", "page_size=1001", "page=x", "period=2026Q5", "kind=x", "outlet_id=-1"])
def test_the_api_refuses_paging_and_filters_it_cannot_read_in_the_callers_language(client, org, bearer, inspector,
                                                                                   query):
    response = client.get(f"/api/v1/findings?{query}", headers={**bearer(inspector), "Accept-Language": "zh"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "部分字段无效，请查看各字段的错误说明。"
    messages = [message for problems in body["errors"]["query"].values() for message in problems]
    assert messages and all(re.search(r"[\u4e00-\u9fff]", message) for message in messages), messages


def test_empty_fields_of_the_filter_form_are_no_filter(app, today_and_history, inspector):
    page = browser(app, inspector).get("/findings/?outlet_id=&kind=&severity=&period=&sort=&page=")
    assert page.status_code == 200 and "共 1,102 条" in _text(page)
