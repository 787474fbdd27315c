"""Checklist files through the API: refused uploads save nothing and say why; export then import keeps the
content hash; each format has its media type; a workbook written by hand imports."""
from __future__ import annotations

import io
import json
import os

import pytest
from openpyxl import Workbook

from checklists import textio
from checklists.models import ChecklistVersion
from core.audit import content_hash
from tests.checklists.conftest import DEFAULT_FILES, checklist_counts
from tests.checklists.test_io import ALIAS_BOMB, BAD_WORKBOOKS, canonical, circular, set_cell, small, workbook

# --- through the API: refused uploads save nothing ------------------------------------------------------

def big_yaml() -> bytes:
    return textio.dump_yaml(small()).encode() + b"# padding\n" * 110_000  # > 1 MB


def big_xlsx() -> bytes:
    def noise(book):
        sheet = book.create_sheet("notes")
        for _ in range(7000):
            sheet.append([os.urandom(150).hex()])
    content = workbook(noise)
    assert len(content) > 1_000_000
    return content


REFUSED_UPLOADS = {
    **{f"xlsx {case}": (lambda change=change: workbook(change), "wb.xlsx", 422, expected)
       for case, (change, expected) in BAD_WORKBOOKS.items()},
    "xlsx circular": (lambda: workbook(circular), "wb.xlsx", 422, "circular condition"),
    "xlsx damaged": (lambda: b"PK\x03\x04 broken", "wb.xlsx", 400, None),
    "xlsx too big": (big_xlsx, "wb.xlsx", 413, None),
    "yaml syntax": (lambda: b"kind: onsite\ncode: wb-test\nname: zh: x\n", "wb.yaml", 400, "line 3, column"),
    "yaml alias bomb": (lambda: ALIAS_BOMB.encode(), "wb.yml", 400, "aliases (&name, *name) are not allowed"),
    "yaml too big": (big_yaml, "wb.yaml", 413, None),
    "yaml invalid checklist": (lambda: textio.dump_yaml(dict(small(), kind="weekly")).encode(), "wb.yaml", 422,
                               "must be one of onsite, 7s, remote, mystery"),
    "json syntax": (lambda: b'{"kind": "onsite",\n "code": }', "wb.json", 400, "line 2"),
    "text file": (lambda: b"kind: onsite\n", "checklist.txt", 415, None),
    "no extension": (lambda: textio.dump_yaml(small()).encode(), "checklist", 415, None),
    "not utf-8": (lambda: "kind: onsite\nname: 坏\n".encode("gb18030"), "wb.yaml", 400, None),
}


@pytest.mark.parametrize("case", sorted(REFUSED_UPLOADS))
def test_refused_upload_saves_nothing(db, admin_headers, api_upload, case):
    # A draft of the same code exists already: a refused re-import must leave it as it is.
    existing = api_upload(admin_headers, textio.dump_yaml(small()).encode(), "wb.yaml")
    assert existing.status_code == 201
    before_counts = checklist_counts(db)
    before_hash = existing.get_json()["content_hash"]
    make, filename, status, expected = REFUSED_UPLOADS[case]
    response = api_upload(admin_headers, make(), filename)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    if expected is not None:
        assert expected in json.dumps(body, ensure_ascii=False), body
    assert checklist_counts(db) == before_counts
    assert db.session.get(ChecklistVersion, existing.get_json()["id"]).content_hash == before_hash


def test_workbook_errors_come_back_as_a_list(admin_headers, api_upload):
    response = api_upload(admin_headers, workbook(set_cell(5, "points", 101)), "wb.xlsx")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "workbook": ["Sheet items, row 5 (item “Queue”), column points: must be between 0 and 100"]}


def test_definition_errors_come_back_by_path(admin_headers, api_upload):
    data = small()
    data["sections"][1]["items"][0]["points"] = 101
    response = api_upload(admin_headers, textio.dump_json(data).encode(), "wb.json")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"sections[1].items[0].points": ["Item “Queue”, points: must be between 0 and 100"]}
    assert response.get_json()["problem"] == "checklist_invalid"


def test_upload_without_a_file(client, admin_headers):
    response = client.post("/api/v1/checklist-templates/import", headers=admin_headers,
                           content_type="multipart/form-data", data={})
    assert response.status_code == 422


# --- round trips through the API ---------------------------------------------------------------------

@pytest.mark.parametrize("name", DEFAULT_FILES)
def test_api_export_then_import_keeps_the_content_hash(client, db, default_doc, admin_headers, api_upload, name):
    raw = default_doc(name)
    expected = content_hash(canonical(raw))
    first = api_upload(admin_headers, textio.dump_yaml(raw).encode(), f"{name}")
    assert first.status_code == 201
    version = first.get_json()
    assert version["content_hash"] == expected and version["version"] == 1 and version["status"] == "draft"
    for fmt in ("xlsx", "json", "yaml"):
        exported = client.get(f"/api/v1/checklists/{version['id']}/export?format={fmt}", headers=admin_headers)
        assert exported.status_code == 200
        assert exported.headers["Content-Disposition"] == \
            f"attachment; filename={version['code']}-v1.{fmt}"
        again = api_upload(admin_headers, exported.data, f"back.{fmt}")
        assert again.status_code == 201, again.get_json()
        # The open draft is replaced by identical content: same version, same hash.
        assert (again.get_json()["id"], again.get_json()["content_hash"]) == (version["id"], expected)
    assert checklist_counts(db) == (1, 1)


def test_export_formats_have_their_media_types(client, admin_headers, api_upload):
    ident = api_upload(admin_headers, textio.dump_yaml(small()).encode(), "wb.yaml").get_json()["id"]
    types = {fmt: client.get(f"/api/v1/checklists/{ident}/export?format={fmt}", headers=admin_headers).mimetype
             for fmt in ("yaml", "json", "xlsx")}
    assert types == {"yaml": "application/yaml", "json": "application/json",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    default = client.get(f"/api/v1/checklists/{ident}/export", headers=admin_headers)
    assert default.mimetype == "application/yaml" and textio.load(default.data, "yaml") == small()
    assert client.get(f"/api/v1/checklists/{ident}/export?format=csv", headers=admin_headers).status_code == 422


def test_a_workbook_written_by_hand_imports(admin_headers, api_upload):
    """Someone writing a checklist in Excel from scratch: columns in any order, Chinese yes/no."""
    book = Workbook()
    settings = book.active
    settings.title = "settings"
    for row in (["field", "value"], ["kind", "7s"], ["code", "hand-made"], ["name_zh", "手写"], ["name_en", "By hand"]):
        settings.append(row)
    sections = book.create_sheet("sections")
    sections.append(["label_en", "label_zh", "key"])
    sections.append(["Desk", "桌面", "desk"])
    items = book.create_sheet("items")
    items.append(["key", "section", "type", "label_zh", "label_en", "points", "allow_na", "options"])
    items.append(["tidy", "desk", "check", "整洁", "Tidy", 2, "否", None])
    items.append(["level", "desk", "choice", "程度", "Level", "3", "是", "good | 好 | Good | 3\nbad | 差 | Bad | 0 | fail"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = api_upload(admin_headers, buffer.getvalue(), "hand.xlsx")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["item_count"] == 2
    from checklists.store import checklist_of
    from core.extensions import db
    checklist = checklist_of(db.session.get(ChecklistVersion, response.get_json()["id"]))
    assert checklist.item("tidy").allow_na is False and checklist.item("level").points == 3
    assert [o.fail for o in checklist.item("level").options] == [False, True]
