"""The report pages: Chinese by default, English on request, server-drawn charts, and the admin's forms."""
from __future__ import annotations

import re

from sqlalchemy import select

from reports import rules
from reports.models import ServiceList
from tests.support import csrf_token_of


def test_dashboard_draws_its_charts_inline(bank, client, login, users):
    login(users["viewer"])
    page = client.get("/reports/dashboard?month=2026-09").get_data(as_text=True)
    assert "服务质量看板" in page and "2026年9月" in page
    assert page.count("<svg") >= 4  # two trend lines, the 7S heat map's siblings, radars
    assert "各网点7S分项" in page and "全行平均" in page
    assert "<script" not in page and "cdn" not in page.lower()


def test_pages_switch_to_english(bank, client, login, users):
    login(users["admin"])
    page = client.get("/reports/league?period=2026-09&lang=en").get_data(as_text=True)
    assert "Outlet league table" in page and "Remote coverage" in page and "网点排名表" not in page
    chinese = client.get("/reports/league?period=2026-09&lang=zh").get_data(as_text=True)
    assert "网点排名表" in chinese and "远程覆盖率" in chinese


def test_the_scorecard_page_links_each_line_to_its_evidence(bank, client, login, users):
    login(users["outlet_manager"])
    page = client.get(f"/reports/scorecards/{bank.people['A2'].id}?month=2026-09").get_data(as_text=True)
    assert f'href="/findings/{bank.findings["A2-greet"].id}"' in page
    assert f'href="/inspections/{bank.inspections["A2-3"].uuid}"' in page
    assert "104.0" in page and "基础分" in page
    assert client.get(f"/reports/scorecards/{bank.people['B2'].id}?month=2026-09").status_code == 404


def test_the_rules_form(bank, client, login, users, db):
    login(users["admin"])
    form = client.get("/reports/rules")
    values = {spec.key: str(spec.default) for spec in rules.RULES}
    bad = client.post("/reports/rules", data={**values, "deduct_major": "lots", "csrf_token": csrf_token_of(form.data)})
    assert bad.status_code == 422 and "请输入数字" in bad.get_data(as_text=True)
    saved = client.post("/reports/rules", data={**values, "deduct_major": "4", "csrf_token": csrf_token_of(form.data)})
    assert saved.status_code == 302
    assert rules.current()["deduct_major"] == 4.0
    login(users["viewer"])
    readonly = client.get("/reports/rules").get_data(as_text=True)
    assert "readonly" in readonly
    assert client.post("/reports/rules", data={**values, "csrf_token": csrf_token_of(readonly.encode())}
                       ).status_code == 403


def _post(client, path, **data):
    token = csrf_token_of(client.get(path).data)
    return client.post(path, data={**data, "csrf_token": token})


def test_the_list_pages_take_a_month_from_draft_to_published(bank, client, login, users, db):
    login(users["admin"])
    made = _post(client, "/reports/lists", month="2026-09", scope="outlet", outlet_id=str(bank.org.outlet_b.id))
    assert made.status_code == 302
    service_list = db.session.execute(select(ServiceList)).scalar_one()
    path = f"/reports/lists/{service_list.id}"
    page = client.get(path).get_data(as_text=True)
    assert "暂缓（待确认）" in page and "确认该次暗访" in page
    confirmed = _post(client, path, action="confirm", inspection_uuid=bank.inspections["mystery-B"].uuid,
                      staff_id=str(bank.people["B3"].id), note="录音佐证")
    assert confirmed.status_code == 302
    db.session.expire_all()
    colours = {e.staff_id: e.colour for e in db.session.get(ServiceList, service_list.id).entries}
    assert colours[bank.people["B3"].id] == "black"
    assert _post(client, path, action="appeal_note", appeal_note="无申诉").status_code == 302
    assert _post(client, path, action="publish").status_code == 302
    published = client.get(path).get_data(as_text=True)
    assert "不再变更" in published and "签发并发布" not in published
    refused = _post(client, path, action="refresh")
    assert refused.status_code == 409 and "此榜单已签发公布，不再更改" in refused.get_data(as_text=True)


def test_a_bad_list_form_says_what_is_wrong(bank, client, login, users):
    login(users["admin"])
    response = _post(client, "/reports/lists", month="2026-09", scope="outlet", outlet_id="")
    assert response.status_code == 422 and "outlet_id" in response.get_data(as_text=True)


def test_bsc_page_offers_the_downloads(bank, client, login, users):
    login(users["viewer"])
    page = client.get("/reports/bsc?period=2026Q3").get_data(as_text=True)
    assert re.search(r'href="/reports/bsc.xlsx\?period=2026Q3"', page)
    assert "服务体系分值为4分" in page
    csv = client.get("/reports/bsc.csv?period=2026Q3&scope=outlet")
    assert csv.status_code == 200 and "B01" in csv.data.decode("utf-8-sig")


def test_a_bad_period_is_an_html_422(bank, client, login, users):
    login(users["admin"])
    response = client.get("/reports/league?period=2026-13")
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
