"""Who sees the month's figures and who imports them: the page in Chinese, the API paged and in scope."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from tests.support import csrf_token_of
from tests.volumes.conftest import OCTOBER, report
from volumes.models import TellerCount

REFUSED = ("inspector", "remote_monitor", "mystery_shopper")


@pytest.mark.parametrize("role", REFUSED)
def test_the_refused_roles_see_nothing(october, users, token_for, client, role):
    headers = token_for(users[role])
    assert client.get("/api/v1/volumes/tellers?month=2026-10", headers=headers).status_code == 403
    assert client.get("/api/v1/volumes/outlets?month=2026-10", headers=headers).status_code == 403


@pytest.mark.parametrize("role", ("viewer", "admin"))
def test_leadership_sees_every_teller_paged(october, users, token_for, client, role):
    response = client.get("/api/v1/volumes/tellers?month=2026-10&page_size=2", headers=token_for(users[role]))
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    first = response.get_json()[0]
    assert first["employee_no"] == "A01-2" and first["rate"] == 15.0 and first["rank"] == 1
    assert first["errors_by_kind"] == {"凭证差错": 1, "操作差错": 2} and first["month"] == "2026-10"


def test_an_outlet_manager_sees_the_own_tellers_and_the_outlets_compared(october, users, org, token_for, client):
    headers = token_for(users["outlet_manager"])  # manager of outlet A
    rows = client.get("/api/v1/volumes/tellers?month=2026-10", headers=headers).get_json()
    assert sorted(row["employee_no"] for row in rows) == ["A01-1", "A01-2"]
    other = client.get(f"/api/v1/volumes/tellers?month=2026-10&outlet_id={org.outlet_b.id}", headers=headers)
    assert other.status_code == 403
    outlets = client.get("/api/v1/volumes/outlets?month=2026-10", headers=headers).get_json()
    assert [(row["outlet_name"], row["rank"]) for row in outlets] == [("元和支行", 1), ("黄埭支行", 2)]


def test_a_bad_month_is_refused_in_the_callers_language(users, token_for, client):
    response = client.get("/api/v1/volumes/tellers?month=2026-13",
                          headers=token_for(users["viewer"]) | {"Accept-Language": "zh"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["month"] == ["不是有效月份，请写成2026-10。"]


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/volumes/tellers" in paths and "/api/v1/volumes/outlets" in paths


def test_the_page_in_chinese_for_an_outlet_manager(october, users, login, client):
    login(users["outlet_manager"])
    page = client.get("/reports/volumes?month=2026-10").get_data(as_text=True)
    assert "业务量与差错" in page and "网点内柜员对比" in page and "网点间对比" in page and "万笔差错率" in page
    assert "王晓燕" in page and "A01-1" in page and "B01-1" not in page  # only the own tellers
    assert "黄埭支行" in page  # the outlets compared
    assert 'class="cards"' in page and 'data-label="万笔差错率"' in page and "15.0" in page
    assert "导入月度报表" not in page
    assert client.get("/reports/volumes/import").status_code == 403


@pytest.mark.parametrize("role", REFUSED)
def test_the_page_is_refused_to_other_roles(users, login, client, role):
    login(users[role])
    assert client.get("/reports/volumes").status_code == 403


def test_the_admin_imports_through_the_page(org, users, login, client, db):
    login(users["admin"])
    token = csrf_token_of(client.get("/reports/volumes/import").data)
    assert client.get("/reports/volumes/template.xlsx").status_code == 200
    bad = client.post("/reports/volumes/import", data={"csrf_token": token, "file": (
        io.BytesIO(report(("2026-10", "ZZZ", "业务量", "开户", 1))), "october.csv")})
    assert bad.status_code == 422 and "第 2 行 工号 列" in bad.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(TellerCount)).scalar_one() == 0
    good = client.post("/reports/volumes/import", data={"csrf_token": token, "file": (
        io.BytesIO(report(*OCTOBER)), "october.csv")})
    assert good.status_code == 302 and "month=2026-10" in good.headers["Location"]
    assert db.session.execute(select(func.count()).select_from(TellerCount)).scalar_one() == 8


@pytest.mark.parametrize("role", ("viewer", "outlet_manager"))
def test_only_the_admin_imports(users, login, client, role):
    login(users[role])
    assert client.get("/reports/volumes/import").status_code == 403
    assert client.get("/reports/volumes/template.xlsx").status_code == 403


def test_the_tellers_page_by_page(october, users, login, client, monkeypatch):
    monkeypatch.setattr("volumes.views.PAGE_SIZE", 2)
    login(users["viewer"])
    first = client.get("/reports/volumes?month=2026-10").get_data(as_text=True)
    assert "共 3 条" in first and "A01-2" in first and "B01-1" not in first and 'rel="next"' in first
    second = client.get("/reports/volumes?month=2026-10&page=2").get_data(as_text=True)
    assert "B01-1" in second and "A01-2" not in second
    assert client.get("/reports/volumes?month=2026-1x").status_code == 400
