"""Survey results: the admin's import (all rows or nothing, a re-import replaces), the page leadership reads
in Chinese, the API's pages, and the roles refused."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from core.audit import AuditEntry
from satisfaction.models import SurveyResult
from tests.support import row_counts

HEADER = ["期间", "客户类别", "网点编码", "满意度得分", "系统内排名", "参评单位数", "同业排名", "客户反映最差事项"]
GOOD = [HEADER,
        ["2026-Q2", "对公客户", "", 91, 7, 40, 3, "等候时间长；停车不便"],
        ["2026-Q3", "对公客户", "", 93.5, 5, 40, 2, "开户资料多次补充"],
        ["2026-Q3", "厅堂", "", 88, 9, 40, "", "叫号不清、引导不主动"],
        ["2026-Q3", "高端个人客户", "A01", 90, 12, 40, "", ""]]
REFUSED_ROLES = ("inspector", "remote_monitor", "mystery_shopper", "outlet_manager")


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows) -> bytes:
    return ("\r\n".join(",".join("" if c is None else str(c) for c in row) for row in rows) + "\r\n").encode()


@pytest.fixture
def upload(client, users, login):
    token = login(users["admin"])

    def post(content: bytes, filename: str = "results.xlsx"):
        return client.post("/reports/satisfaction", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(content), filename)})

    return post


def _results(db):
    db.session.expire_all()
    return db.session.execute(select(SurveyResult).order_by(SurveyResult.period, SurveyResult.segment)).scalars().all()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_import_stores_every_row(db, org, upload, kind):
    content, name = (_xlsx(GOOD), "r.xlsx") if kind == "xlsx" else (_csv(GOOD), "r.csv")
    response = upload(content, name)
    assert response.status_code == 302, response.data.decode()[:2000]
    rows = _results(db)
    assert [(r.period, r.segment, r.score, r.system_rank, r.ranked_units) for r in rows] == [
        ("2026-Q2", "corporate", 91, 7, 40), ("2026-Q3", "corporate", 93.5, 5, 40),
        ("2026-Q3", "high_end_personal", 90, 12, 40), ("2026-Q3", "lobby", 88, 9, 40)]
    assert rows[0].worst_items == ["等候时间长", "停车不便"] and rows[0].peer_rank == 3
    assert rows[2].outlet_id == org.outlet_a.id and rows[1].outlet_id is None
    assert rows[3].worst_items == ["叫号不清", "引导不主动"]
    audit = db.session.execute(select(AuditEntry).where(AuditEntry.action == "satisfaction.import")).scalars().one()
    assert audit.changes["_details"]["created"] == 4 and audit.changes["_details"]["replaced"] == 0


def test_reimport_of_the_same_period_segment_and_scope_replaces_it(db, org, upload):
    assert upload(_xlsx(GOOD)).status_code == 302
    again = [HEADER, ["2026-Q3", "corporate", "", 95, 4, 40, "", "网点排队"], ["2026Q4", "lobby", "", 89, 6, 40, "", ""]]
    assert upload(_xlsx(again)).status_code == 302
    rows = _results(db)
    corporate_q3 = [r for r in rows if r.period == "2026-Q3" and r.segment == "corporate"]
    assert [(r.score, r.system_rank, r.worst_items) for r in corporate_q3] == [(95, 4, ["网点排队"])]
    assert len(rows) == 5
    audits = db.session.execute(select(AuditEntry).where(AuditEntry.action == "satisfaction.import")
                                .order_by(AuditEntry.id)).scalars().all()
    assert (audits[-1].changes["_details"]["created"], audits[-1].changes["_details"]["replaced"]) == (1, 1)


@pytest.mark.parametrize(("row", "expected"), [
    (["2026-Q3", "零售客户", "", 90, 5, 40, "", ""], "第 3 行 客户类别 列"),
    (["2026-Q3", "对公客户", "", 101, 5, 40, "", ""], "第 3 行 满意度得分 列：须在 0 到 100 之间"),
    (["2026-Q3", "对公客户", "", -1, 5, 40, "", ""], "第 3 行 满意度得分 列"),
    (["2026-Q3", "对公客户", "", "nan", 5, 40, "", ""], "第 3 行 满意度得分 列：不是数字"),
    (["2026 第三季度", "对公客户", "", 90, 5, 40, "", ""], "第 3 行 期间 列"),
    (["2026-13", "对公客户", "", 90, 5, 40, "", ""], "第 3 行 期间 列"),
    (["2026-Q3", "对公客户", "", 90, 41, 40, "", ""], "第 3 行 系统内排名 列"),
    (["2026-Q3", "对公客户", "Z99", 90, 5, 40, "", ""], "第 3 行 网点编码 列"),
    (["2026-Q2", "对公客户", "", 90, 5, 40, "", ""], "第 3 行 期间 列：与第 2 行"),
])
def test_a_bad_row_is_named_and_nothing_is_written(db, org, upload, row, expected):
    before = row_counts()
    rows = [HEADER, ["2026-Q2", "对公客户", "", 91, 7, 40, "", ""], row]
    response = upload(_xlsx(rows))
    page = response.data.decode()
    assert response.status_code == 422, page[:1000]
    assert expected in page
    assert "未导入任何内容" in page
    assert row_counts() == before


def test_a_missing_column_is_named_and_nothing_is_written(db, org, upload):
    before = row_counts()
    rows = [[h for h in HEADER if h != "满意度得分"], ["2026-Q3", "对公客户", "", 5, 40, "", ""]]
    response = upload(_xlsx(rows))
    assert response.status_code == 400
    assert "缺少列" in response.data.decode() and "满意度得分" in response.data.decode()
    assert row_counts() == before


def test_the_template_has_the_chinese_headings(client, org, login):
    login(org.user("admin"))
    response = client.get("/reports/satisfaction/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]] == HEADER


def test_the_page_in_chinese_shows_rank_gap_and_worst_items(db, client, users, login, upload):
    upload(_xlsx(GOOD))
    client.get("/logout")
    login(users["viewer"])
    response = client.get("/reports/satisfaction", headers={"Accept-Language": "zh-CN"})
    page = response.data.decode()
    assert response.status_code == 200
    for text in ("客户满意度", "对公客户", "高端个人客户", "厅堂", "第 5 名 / 共 40", "2026年第3季度", "已达目标",
                 "距目标差 3 名", "开户资料多次补充", "叫号不清", "同业排名：第 2 名", "+2 名", "元和支行"):
        assert text in page, text
    for key in (">high_end_personal<", ">corporate<", ">lobby<", "High-end"):
        assert key not in page
    assert "导入测评结果" not in page  # the viewer reads, does not import
    assert 'class="cards"' in page and 'data-label="测评期间"' in page


@pytest.mark.parametrize("role", REFUSED_ROLES + ("viewer",))
def test_others_may_not_import(client, org, login, role):
    token = login(org.user(role))
    response = client.post("/reports/satisfaction", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(_xlsx(GOOD)), "r.xlsx")})
    assert response.status_code == 403
    assert client.get("/reports/satisfaction/template.xlsx").status_code == 403
    assert row_counts()["survey_result"] == 0


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_may_not_read(client, users, bearer, login, role):
    assert client.get("/api/v1/satisfaction/results", headers=bearer(users[role])).status_code == 403
    login(users[role])
    page = client.get("/reports/satisfaction")
    assert page.status_code == 403


def test_the_api_lists_results_newest_first_in_pages(db, client, users, bearer, upload):
    upload(_xlsx(GOOD))
    for role in ("admin", "viewer"):
        response = client.get("/api/v1/satisfaction/results?page=1&page_size=2", headers=bearer(users[role]))
        assert response.status_code == 200
        assert json.loads(response.headers["X-Pagination"])["total"] == 4
        body = response.get_json()
        assert [r["period"] for r in body] == ["2026-Q3", "2026-Q3"]
        assert body[0]["segment"] == "corporate" and body[0]["system_rank"] == 5
    last = client.get("/api/v1/satisfaction/results?page=2&page_size=2", headers=bearer(users["admin"])).get_json()
    assert [r["period"] for r in last][-1] == "2026-Q2"


def test_the_api_is_documented(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/satisfaction/results" in spec["paths"]


def test_the_demo_seed_writes_four_quarters_of_three_segments_once(db):
    from satisfaction.seed import seed_satisfaction

    assert "12 survey results" in seed_satisfaction("unused")
    db.session.commit()
    assert seed_satisfaction("unused") is None
    rows = _results(db)
    assert len(rows) == 12 and {r.segment for r in rows} == {"corporate", "high_end_personal", "lobby"}
    assert len({r.period for r in rows}) == 4 and all(r.outlet_id is None for r in rows)
