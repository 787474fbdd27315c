"""The red/black list as it is posted: a print-ready PDF, XLSX and CSV, for whoever may see the list's page.
The lists are September's of the fixed bank (see test_service_lists for who is on them)."""
from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from reports import operations
from reports.models import ServiceList
from tests.reports.long_lists import pages_of, pages_text, publish_long_lists

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
ROLES = ("admin", "viewer", "inspector", "remote_monitor", "mystery_shopper", "outlet_manager")


@pytest.fixture
def lists(bank, users, db):
    """September's branch list (B3 held; A2's place taken off by an upheld appeal) and outlet A's, both
    published; outlet B's, still a draft."""
    admin = users["admin"]
    branch, _ = operations.prepare_list("2026-09", "branch", None, bank.org.branch.id, admin)
    upheld = next(e for e in branch.entries if e.staff_id == bank.people["A2"].id)
    operations.set_entry_appeal(branch.id, upheld.id, "当月调岗，申诉成立", True, admin)
    operations.publish_list(branch.id, admin)
    outlet_a, _ = operations.prepare_list("2026-09", "outlet", bank.org.outlet_a.id, None, admin)
    operations.publish_list(outlet_a.id, admin)
    outlet_b, _ = operations.prepare_list("2026-09", "outlet", bank.org.outlet_b.id, None, admin)
    db.session.commit()
    return {"branch": branch.id, "outlet_a": outlet_a.id, "outlet_b": outlet_b.id}


def _text(pdf: bytes, folder: Path) -> str:
    return "".join(pages_text(pdf, folder))


def _png(pdf: bytes, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)], check=True)


def test_the_published_list_prints_for_posting(bank, lists, client, login, users, tmp_path):
    login(users["viewer"])
    response = client.get(f"/reports/lists/{lists['branch']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "red-black-list-2026-09-branch.pdf" in response.headers["Content-Disposition"]
    _png(response.data, "service-list-branch")
    text = _text(response.data, tmp_path)
    numbers = {key: person.employee_no for key, person in bank.people.items()}  # both outlets have a 王晓燕
    assert "相城支行服务红黑榜" in text and "2026年9月" in text
    assert text.index("红榜排名") < text.index(numbers["A1"]) < text.index(numbers["B1"]) < text.index("黑榜排名")
    assert text.index("黑榜排名") < text.index(numbers["A3"]) < text.index(numbers["B2"]) and "本月得分名列前茅" in text
    assert numbers["A2"] not in text  # the upheld appeal took A2 off
    assert numbers["B3"] not in text  # held for a confirmation, not on the list
    assert "服务领导小组审定" in text and "草稿" not in text


def test_a_draft_prints_as_a_draft(bank, lists, client, login, users, tmp_path):
    login(users["admin"])
    response = client.get(f"/reports/lists/{lists['outlet_b']}.pdf")
    assert response.status_code == 200
    text = _text(response.data, tmp_path)
    assert "黄埭支行服务红黑榜" in text and "草稿" in text and "不得张贴" in text


def test_the_page_links_its_files(bank, lists, client, login, users):
    login(users["outlet_manager"])
    page = client.get(f"/reports/lists/{lists['outlet_a']}").get_data(as_text=True)
    for extension in ("pdf", "xlsx", "csv"):
        assert f'href="/reports/lists/{lists["outlet_a"]}.{extension}"' in page
    assert "打印张贴版（PDF）" in page


def test_the_workbook_and_the_csv(bank, lists, client, login, users):
    login(users["admin"])
    response = client.get(f"/reports/lists/{lists['branch']}.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "相城支行服务红黑榜（2026年9月）"
    assert rows[1] == ["榜单", "排名", "名称", "工号", "网点", "岗位", "分值", "原因"]
    body = rows[2:]
    assert [(row[0], row[2]) for row in body] == [
        ("红榜", bank.people["A1"].name), ("红榜", bank.people["B1"].name),
        ("黑榜", bank.people["A3"].name), ("黑榜", bank.people["B2"].name)]
    assert body[0][3] == bank.people["A1"].employee_no and body[0][6] == 119.0
    assert body[3][7] == "存在严重问题"
    csv_response = client.get(f"/reports/lists/{lists['branch']}.csv")
    assert csv_response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert table[0] == rows[1] and [row[2] for row in table[1:]] == [row[2] for row in body]


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_see_the_page_get_its_files(bank, lists, client, login, users, role):
    login(users[role])
    own_outlet = role in ("admin", "viewer", "outlet_manager")
    for extension in ("pdf", "xlsx", "csv"):
        branch = client.get(f"/reports/lists/{lists['branch']}.{extension}").status_code
        outlet_a = client.get(f"/reports/lists/{lists['outlet_a']}.{extension}").status_code
        draft = client.get(f"/reports/lists/{lists['outlet_b']}.{extension}").status_code
        page = client.get(f"/reports/lists/{lists['branch']}").status_code
        if role in ("admin", "viewer"):
            assert (branch, outlet_a, draft) == (200, 200, 200), extension
        elif own_outlet:  # the manager of outlet A: A's published list only
            assert (branch, outlet_a, draft) == (404, 200, 404), extension
        else:
            assert (branch, outlet_a, draft) == (403, 403, 403), extension
        assert (branch == 200) == (page == 200)


def test_nobody_logged_out_gets_a_file(bank, lists, client):
    response = client.get(f"/reports/lists/{lists['branch']}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_long_list_keeps_each_person_on_one_page_under_a_repeated_heading(bank, client, login, users,
                                                                           tmp_path, db):
    publish_long_lists(bank.org, ["2026-07"], red=30, black=22)
    list_id = db.session.execute(select(ServiceList.id).where(ServiceList.scope == "branch")).scalar_one()
    login(users["viewer"])
    pdf = client.get(f"/reports/lists/{list_id}.pdf").data
    _png(pdf, "service-list-long")
    pages = pages_text(pdf, tmp_path)
    assert len(pages) > 1
    people = [f"{mark}01号{place:02d}" for mark, count in (("红", 30), ("黑", 22)) for place in range(1, count + 1)]
    for number, name in enumerate(people, start=1):
        where = pages_of(pages, name)
        assert len(where) == 1 and where == pages_of(pages, f"L{number:05d}"), (name, where)
        page = pages[where[0] - 1]
        assert "排名姓名工号网点岗位分值" in page and "原因" in page, f"page {where[0]} has no heading"
