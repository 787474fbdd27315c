"""Importing outlets and staff from CSV and XLSX through the admin pages: all rows or nothing."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.audit import AuditEntry
from org.models import Outlet, Staff
from tests.support import row_counts

OUTLET_HEADER = ["code", "name", "branch_code", "address", "latitude", "longitude"]
STAFF_HEADER = ["employee_no", "name", "position", "outlet_code", "counter_number", "active"]


def _csv(rows, bom=False) -> bytes:
    text = "\r\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in rows) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _file(rows, kind: str) -> tuple[bytes, str]:
    if kind == "xlsx":
        return _xlsx(rows), "upload.xlsx"
    return _csv(rows, bom=kind == "csv-bom"), "upload.csv"


@pytest.fixture
def upload(client, org, login):
    token = login(org.user("admin"))

    def post(name: str, content: bytes, filename: str):
        return client.post(f"/admin/{name}/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(content), filename)})

    return post


def _imports(db, kind):
    db.session.expire_all()
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == f"{kind}.import").order_by(AuditEntry.id)).scalars().all()


def _rows_named(page: str) -> list[str]:
    """The rows the refusal names, once each, in the page's order (第 3 行 …)."""
    return list(dict.fromkeys(f"row {number}" for number in re.findall(r"<li>第 (\d+) 行", page)))


def _snapshot(db):
    db.session.expire_all()
    outlets = {o.code: (o.name, o.address, o.latitude, o.active) for o in db.session.execute(select(Outlet)).scalars()}
    staff = {s.employee_no: (s.name, s.position, s.outlet_id, s.counter_id, s.active)
             for s in db.session.execute(select(Staff)).scalars()}
    return outlets, staff


# --- outlets --------------------------------------------------------------------------------------

OUTLET_ROWS = [OUTLET_HEADER,
               ["C01", "渭塘支行", "XC", "渭中路36号", 31.4278, 120.6385],
               ["C02", "望亭支行", "xc", "鹤溪路12号", "", ""],
               ["a01", "元和支行营业室", "XC", "人民路256号", 31.3765, 120.6365]]


@pytest.mark.parametrize("kind", ["csv", "csv-bom", "xlsx"])
def test_outlet_import_creates_then_updates(client, db, upload, kind):
    content, filename = _file(OUTLET_ROWS, kind)
    response = upload("outlets", content, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/admin/outlets/"
    outlets, _ = _snapshot(db)
    outlets = {code.upper(): values for code, values in outlets.items()}
    assert set(outlets) == {"A01", "B01", "C01", "C02"}
    assert outlets["C01"] == ("渭塘支行", "渭中路36号", 31.4278, True)
    assert outlets["C02"][2] is None
    assert outlets["A01"][0] == "元和支行营业室"  # matched case-insensitively, updated, not duplicated
    (entry,) = _imports(db, "outlet")
    assert entry.changes["_details"]["created"] == 2 and entry.changes["_details"]["updated"] == 1
    listing = client.get("/admin/outlets/").get_data(as_text=True)
    assert "渭塘支行" in listing and "望亭支行" in listing

    counts = row_counts()
    assert upload("outlets", content, filename).status_code == 302
    after = row_counts()
    assert after["outlet"] == counts["outlet"]
    assert after["audit_entry"] == counts["audit_entry"] + 1
    assert _imports(db, "outlet")[-1].changes["_details"] == {"file": filename, "created": 0, "updated": 3}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_outlet_file_with_bad_rows_saves_nothing(db, upload, kind):
    rows = [OUTLET_HEADER,
            ["a01", "改名不应保存", "XC", "", "", ""],
            ["C01", "渭塘支行", "XC", "", 91, 120.6],
            ["C02", "", "XC", "", "", ""],
            ["C03", "北桥支行", "NOPE", "", "", ""],
            ["C04", "太平支行", "XC", "", "north", ""],
            ["c01", "重复", "XC", "", "", ""]]
    before_counts, before_rows = row_counts(), _snapshot(db)
    content, filename = _file(rows, kind)
    response = upload("outlets", content, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _rows_named(page) == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    assert "latitude" in page and "branch_code" in page and "与第 3 行重复" in page
    assert "没有编号为“NOPE”的支行" in page
    assert "未导入任何内容" in page  # the refusal in the reader's language
    assert row_counts() == before_counts
    assert _snapshot(db) == before_rows


# --- staff ----------------------------------------------------------------------------------------

def _staff_rows():
    return [STAFF_HEADER,
            ["300001", "沈佳怡", "柜员", "A01", 1, "是"],
            ["300002", "钱立新", "大堂经理", "a01", "", ""],
            ["300003", "陆子涵", "wealth_manager", "B01", "", "在职"],
            ["A01-1", "王晓燕", "柜员", "A01", 1, "离职"]]


@pytest.mark.parametrize("kind", ["csv", "csv-bom", "xlsx"])
def test_staff_import_accepts_chinese_positions_and_updates_on_reimport(db, org, upload, kind):
    content, filename = _file(_staff_rows(), kind)
    response = upload("staff", content, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    _, staff = _snapshot(db)
    counter_a = org.outlet_a.counters[0].id
    assert staff["300001"] == ("沈佳怡", "teller", org.outlet_a.id, counter_a, True)
    assert staff["300002"] == ("钱立新", "lobby_manager", org.outlet_a.id, None, True)
    assert staff["300003"][1:3] == ("wealth_manager", org.outlet_b.id)
    assert staff["A01-1"][4] is False
    assert len(staff) == 9
    (entry,) = _imports(db, "staff")
    assert entry.object_type == "staff"
    assert entry.changes["_details"]["created"] == 3 and entry.changes["_details"]["updated"] == 1

    counts = row_counts()
    assert upload("staff", content, filename).status_code == 302
    assert row_counts()["staff"] == counts["staff"]
    assert len(_imports(db, "staff")) == 2


def test_xlsx_numeric_cells_are_read_as_text(db, upload):
    content = _xlsx([STAFF_HEADER, [300009, "何敏", "柜员", "A01", 1.0, 1]])
    assert upload("staff", content, "numbers.xlsx").status_code == 302
    _, staff = _snapshot(db)
    assert "300009" in staff and staff["300009"][4] is True


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_staff_file_with_bad_rows_saves_nothing(db, upload, kind):
    rows = [STAFF_HEADER,
            ["A01-2", "改名不应保存", "柜员", "A01", "", ""],   # row 2: good, an update
            ["300001", "沈佳怡", "柜员", "ZZZ", "", ""],         # row 3: unknown outlet
            ["300002", "钱立新", "保安", "A01", "", ""],         # row 4: bad position
            ["300003", "陆子涵", "柜员", "A01", 9, ""],          # row 5: no such counter
            ["a01-2", "重复", "柜员", "A01", "", ""],            # row 6: repeats row 2
            ["300004", "", "柜员", "B01", "", ""],               # row 7: missing name
            ["300005", "许倩", "柜员", "B01", "", "也许"]]       # row 8: active is not yes/no
    before_counts, before_rows = row_counts(), _snapshot(db)
    content, filename = _file(rows, kind)
    response = upload("staff", content, filename)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert _rows_named(page) == ["row 3", "row 4", "row 5", "row 6", "row 7", "row 8"]
    assert "outlet_code" in page and "position" in page and "与第 2 行重复" in page and "name" in page
    assert "“也许”不是“是”或“否”" in page and "请填以下之一：柜员、大堂经理" in page
    assert row_counts() == before_counts
    assert _snapshot(db) == before_rows
    assert _imports(db, "staff") == []


# --- files that cannot be read --------------------------------------------------------------------

def test_missing_column_is_400_naming_it(db, upload):
    before = row_counts()
    response = upload("staff", _csv([["employee_no", "name", "position"], ["300001", "沈佳怡", "柜员"]]),
                      "staff.csv")
    assert response.status_code == 400
    assert "outlet_code" in response.get_data(as_text=True)
    assert row_counts() == before


def test_unknown_column_is_400_naming_it(upload):
    response = upload("outlets", _csv([OUTLET_HEADER + ["manager"], ["C01", "x", "XC", "", "", "", "y"]]),
                      "o.csv")
    assert response.status_code == 400
    assert "manager" in response.get_data(as_text=True)


def test_text_file_is_415(db, upload):
    before = row_counts()
    response = upload("staff", _csv(_staff_rows()), "staff.txt")
    assert response.status_code == 415
    assert ".xlsx" in response.get_data(as_text=True)
    assert row_counts() == before


@pytest.mark.parametrize("content", [b"PK\x03\x04 this is not really a zip", b"", b"\x00" * 64])
def test_corrupt_xlsx_is_400(db, upload, content):
    before = row_counts()
    response = upload("staff", content, "broken.xlsx")
    assert response.status_code == 400
    assert row_counts() == before


def test_csv_in_another_encoding_is_400(db, upload):
    content = "\r\n".join([",".join(STAFF_HEADER), "300001,沈佳怡,柜员,A01,,"]).encode("gbk")
    response = upload("staff", content, "gbk.csv")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_empty_csv_is_400(upload):
    assert upload("outlets", b"", "empty.csv").status_code == 400


def test_header_only_imports_nothing_but_succeeds(db, upload):
    before = row_counts()
    assert upload("outlets", _csv([OUTLET_HEADER]), "o.csv").status_code == 302
    after = row_counts()
    assert after["outlet"] == before["outlet"]
    assert _imports(db, "outlet")[0].changes["_details"]["created"] == 0


def test_no_file_chosen_is_400(client, upload):
    page = client.get("/admin/staff/import")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/admin/staff/import", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_only_outlets_and_staff_can_be_imported(client, upload):
    assert upload("vendors", _csv([["code", "name"], ["V9", "x"]]), "v.csv").status_code == 404


def test_viewer_may_not_import(client, db, org, login):
    token = login(org.user("viewer"))
    before = row_counts()
    response = client.post("/admin/staff/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(_csv(_staff_rows())), "s.csv")})
    assert response.status_code == 403
    assert row_counts() == before
