"""The admin pages for checklists: list, import, preview, editing steps, the item form, publish, export."""
from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from checklists import definition, operations, textio, xlsx_io
from checklists.models import DRAFT, PUBLISHED, ChecklistTemplate, ChecklistVersion
from core.audit import content_hash
from tests.checklists.conftest import checklist_counts
from tests.checklists.pages import BASE, form, layout, small, stored

# --- list and import -----------------------------------------------------------------------------------

def test_index_lists_templates_and_versions(client, db, users, admin, default_doc):
    v1 = operations.publish(operations.import_checklist(default_doc("onsite.yaml"), users["admin"]), users["admin"])
    v2 = operations.start_draft(v1.template, users["admin"])
    operations.import_checklist(small(), users["admin"])
    page = client.get(f"{BASE}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "onsite-service" in html and "pages-test" in html
    assert "月度现场服务检查" in html and "页面测试" in html          # names in Chinese by default
    assert re.search(r"<td[^>]*>现场服务检查</td>", html) and re.search(r"<td[^>]*>7S检查</td>", html)  # the glossary's words
    assert f'href="{BASE}/versions/{v1.id}">v1</a>' in html
    assert f'href="{BASE}/versions/{v2.id}">v2</a>' in html
    assert f'action="{BASE}/templates/{v1.template_id}/draft"' in html
    english = client.get(f"{BASE}/?lang=en").get_data(as_text=True)
    assert "Monthly on-site service inspection" in english and re.search(r"<td[^>]*>On-site service inspection</td>", english)


def test_index_when_empty(client, admin):
    assert "尚无检查表。" in client.get(f"{BASE}/").get_data(as_text=True)


def post_file(client, token: str, content: bytes, filename: str):
    return client.post(f"{BASE}/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)})


def test_import_a_yaml_file_through_the_page(client, db, admin):
    response = post_file(client, admin, textio.dump_yaml(small()).encode(), "pages.yaml")
    assert response.status_code == 302
    version = db.session.execute(select(ChecklistVersion)).scalar_one()
    assert response.headers["Location"].endswith(f"{BASE}/versions/{version.id}")
    assert (version.version, version.status, version.template.code) == (1, DRAFT, "pages-test")
    page = client.get(response.headers["Location"])
    assert "页面测试" in page.get_data(as_text=True) and "甲项" in page.get_data(as_text=True)


def test_import_page_shows_problems_and_saves_nothing(client, db, admin):
    bad = small()
    bad["sections"][1]["items"][1]["condition"] = "ghost = pass"
    response = post_file(client, admin, textio.dump_yaml(bad).encode(), "bad.yaml")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<li>检查项“丁项”的 condition：引用了不存在的检查项“ghost”</li>" in html  # the item by its label
    assert checklist_counts(db) == (0, 0)

    sheet = io.BytesIO()
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(xlsx_io.export(definition.dump(definition.parse(small())))))
    book["items"].cell(row=3, column=xlsx_io.ITEM_COLUMNS.index("points") + 1).value = 500
    book.save(sheet)
    response = post_file(client, admin, sheet.getvalue(), "bad.xlsx")
    assert response.status_code == 422
    assert "工作表 items 第 3 行（检查项“乙项”）points 列：须介于 0 和 100 之间" in response.get_data(as_text=True)
    assert post_file(client, admin, b"kind: 7s\n", "notes.txt").status_code == 415
    assert checklist_counts(db) == (0, 0)


def test_import_without_a_file(client, db, admin):
    response = client.post(f"{BASE}/import", data={"csrf_token": admin})
    assert response.status_code == 302
    assert "请选择 .yaml、.json 或 .xlsx 文件。" in client.get(f"{BASE}/").get_data(as_text=True)
    assert checklist_counts(db) == (0, 0)


def test_import_needs_the_csrf_token(client, db, admin):
    response = client.post(f"{BASE}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(textio.dump_yaml(small()).encode()), "x.yaml")})
    assert response.status_code == 400
    assert checklist_counts(db) == (0, 0)


# --- preview -------------------------------------------------------------------------------------------

def test_version_page_previews_every_item_type_of_the_onsite_default(client, db, users, admin, default_doc):
    raw = default_doc("onsite.yaml")
    ident = operations.import_checklist(raw, users["admin"]).id
    page = client.get(f"{BASE}/versions/{ident}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    checklist = definition.parse(raw)
    assert {i.type for i in checklist.all_items()} == set(definition.ITEM_TYPES)  # all eight types are there
    for section in checklist.sections:
        assert str(escape(section.label.zh)) in html
        for item in section.items:
            assert f'id="{item.key}"' in html
            assert str(escape(item.label.zh)) in html, item.key
            if item.guidance:
                assert str(escape(item.guidance.zh)) in html, item.key
            for option in item.options:
                assert str(escape(option.label.zh)) in html
            for label in item.scale_labels:
                assert str(escape(label.zh)) in html
    for type_label in ("合格/不合格", "评分", "选项", "数值", "时长", "文字", "照片", "签名"):
        assert type_label in html
    assert "红线" in html and "等级封顶 C" in html and "cap_grade" not in html  # facility_outage_notice
    assert "<code>vip_customer_present = present</code>" in html    # a condition
    assert "<code>queue_waiting_count &gt; 15</code>" in html
    assert "≤ 900 s" in html and "… – 15" in html                  # duration and number thresholds
    assert "<code>lobby_greeting</code> · 合格/不合格 · 2 分" in html
    assert stored(db, ident).content_hash[:12] in html
    # English on request.
    english = client.get(f"{BASE}/versions/{ident}?lang=en").get_data(as_text=True)
    assert str(escape(checklist.item("lobby_greeting").label.en)) in english
    assert str(escape(checklist.item("lobby_greeting").label.zh)) not in english
    # A draft shows its editing tools.
    assert f'action="{BASE}/versions/{ident}/publish"' in html and f'action="{BASE}/versions/{ident}/step"' in html


def test_a_published_version_page_has_no_editing_tools(client, db, users, admin):
    ident = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"]).id
    html = client.get(f"{BASE}/versions/{ident}").get_data(as_text=True)
    assert "/publish" not in html and "/step" not in html and "/items/" not in html
    assert f"{BASE}/versions/{ident}/export?format=yaml" in html
    assert f"{BASE}/versions/{ident}/export?format=xlsx" in html


def test_missing_version_page_is_404(client, admin):
    assert client.get(f"{BASE}/versions/99999").status_code == 404


# --- editing steps -------------------------------------------------------------------------------------

def step(client, token: str, ident: int, change: str, key: str, **extra):
    return client.post(f"{BASE}/versions/{ident}/step",
                       data={"csrf_token": token, "change": change, "key": key, **extra})


def test_editing_steps_change_the_draft(client, db, admin, draft):
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]
    response = step(client, admin, draft, "move_item", "b", direction="up")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/versions/{draft}#b")
    assert layout(db, draft) == [("front", ["b", "a"]), ("back", ["c", "d"])]
    step(client, admin, draft, "move_item", "b", direction="down")
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]
    # Across a section edge: the first item of back moves up to the end of front, and back again.
    step(client, admin, draft, "move_item", "c", direction="up")
    assert layout(db, draft) == [("front", ["a", "b", "c"]), ("back", ["d"])]
    step(client, admin, draft, "move_item", "c", direction="down")
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]
    step(client, admin, draft, "move_item", "b", direction="down")
    assert layout(db, draft) == [("front", ["a"]), ("back", ["b", "c", "d"])]
    # The last item of a section does not leave it empty; the first item of the first section stays.
    step(client, admin, draft, "move_item", "a", direction="down")
    step(client, admin, draft, "move_item", "a", direction="up")
    assert layout(db, draft) == [("front", ["a"]), ("back", ["b", "c", "d"])]
    step(client, admin, draft, "remove_item", "b")
    assert layout(db, draft) == [("front", ["a"]), ("back", ["c", "d"])]
    step(client, admin, draft, "move_section", "back", direction="up")
    assert layout(db, draft) == [("back", ["c", "d"]), ("front", ["a"])]
    step(client, admin, draft, "move_section", "back", direction="down")
    assert layout(db, draft) == [("front", ["a"]), ("back", ["c", "d"])]
    step(client, admin, draft, "update_section", "front", label_zh="新前台", label_en="New front")
    version = stored(db, draft)
    assert version.definition["sections"][0]["label"] == {"zh": "新前台", "en": "New front"}
    assert version.item_count == 3 and version.status == DRAFT
    assert version.content_hash == content_hash(version.definition)


def test_a_step_that_breaks_the_checklist_is_refused(client, db, admin, draft):
    before = stored(db, draft).content_hash
    # d's condition names c: removing c would leave a condition naming an unknown item.
    response = step(client, admin, draft, "remove_item", "c")
    assert response.status_code == 302
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]
    page = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "引用了不存在的检查项“c”" in page
    # An empty section is refused too.
    step(client, admin, draft, "remove_item", "d")
    step(client, admin, draft, "remove_item", "c")
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c"])]
    assert stored(db, draft).content_hash != before
    assert step(client, admin, draft, "rename_everything", "a").status_code == 400


def test_steps_on_a_published_version_change_nothing(client, db, users, admin):
    ident = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"]).id
    before = stored(db, ident).definition
    response = step(client, admin, ident, "remove_item", "a")
    assert response.status_code == 302
    assert stored(db, ident).definition == before and stored(db, ident).status == PUBLISHED
    assert "此版本已发布，不再更改" in client.get(f"{BASE}/versions/{ident}").get_data(as_text=True)


def test_publish_through_the_page(client, db, admin, draft):
    response = client.post(f"{BASE}/versions/{draft}/publish", data={"csrf_token": admin})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/versions/{draft}")
    version = stored(db, draft)
    assert version.status == PUBLISHED and version.published_at is not None
    assert client.post(f"{BASE}/versions/{draft}/publish", data={"csrf_token": admin}).status_code == 409


def test_new_draft_and_discard_through_the_pages(client, db, users, admin):
    v1 = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"])
    response = client.post(f"{BASE}/templates/{v1.template_id}/draft", data={"csrf_token": admin})
    assert response.status_code == 302
    v2 = db.session.execute(select(ChecklistVersion).where(ChecklistVersion.version == 2)).scalar_one()
    assert response.headers["Location"].endswith(f"/versions/{v2.id}")
    assert checklist_counts(db) == (1, 2)
    assert client.post(f"{BASE}/versions/{v2.id}/discard", data={"csrf_token": admin}).status_code == 302
    assert checklist_counts(db) == (1, 1)


@pytest.mark.parametrize("published", [False, True])
def test_export_links(client, db, users, admin, published):
    version = operations.import_checklist(small(), users["admin"])
    if published:
        operations.publish(version, users["admin"])
    ident, canonical = version.id, stored(db, version.id).definition
    as_yaml = client.get(f"{BASE}/versions/{ident}/export?format=yaml")
    assert as_yaml.status_code == 200 and as_yaml.mimetype == "application/yaml"
    assert as_yaml.headers["Content-Disposition"] == "attachment; filename=pages-test-v1.yaml"
    assert textio.load(as_yaml.data, "yaml") == canonical
    as_xlsx = client.get(f"{BASE}/versions/{ident}/export?format=xlsx")
    assert as_xlsx.status_code == 200
    assert as_xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert definition.dump(definition.parse(xlsx_io.read(as_xlsx.data))) == canonical
    as_json = client.get(f"{BASE}/versions/{ident}/export?format=json")
    assert textio.load(as_json.data, "json") == canonical
    assert client.get(f"{BASE}/versions/{ident}/export?format=pdf").status_code == 404


# --- not for other roles -------------------------------------------------------------------------------

def test_pages_need_a_login(client, draft):
    for path in (f"{BASE}/", f"{BASE}/versions/{draft}", f"{BASE}/versions/{draft}/export?format=yaml"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path


@pytest.mark.parametrize("role", ["inspector", "viewer", "outlet_manager"])
def test_other_roles_get_403(client, db, users, login, default_doc, role):
    admin = users["admin"]
    published = operations.publish(operations.import_checklist(default_doc("onsite.yaml"), admin), admin)
    draft = operations.import_checklist(small(), admin)
    pid, did, tid = published.id, draft.id, published.template_id
    before = (checklist_counts(db), stored(db, did).content_hash)
    token = login(users[role])
    attempts = {
        "index": client.get(f"{BASE}/"),
        "import": post_file(client, token, textio.dump_yaml(small()).encode(), "x.yaml"),
        "published version page": client.get(f"{BASE}/versions/{pid}"),
        "draft version page": client.get(f"{BASE}/versions/{did}"),
        "step": step(client, token, did, "remove_item", "a"),
        "item form": client.get(f"{BASE}/versions/{did}/items/a"),
        "item form post": client.post(f"{BASE}/versions/{did}/items/a",
                                      data=form(token, key="a", label_zh="甲", label_en="A", points="1")),
        "new item": client.post(f"{BASE}/versions/{did}/sections/front/new-item",
                                data=form(token, key="e", label_zh="戊", label_en="E", points="1")),
        "publish": client.post(f"{BASE}/versions/{did}/publish", data={"csrf_token": token}),
        "discard": client.post(f"{BASE}/versions/{did}/discard", data={"csrf_token": token}),
        "new draft": client.post(f"{BASE}/templates/{tid}/draft", data={"csrf_token": token}),
        "export yaml": client.get(f"{BASE}/versions/{pid}/export?format=yaml"),
        "export xlsx": client.get(f"{BASE}/versions/{did}/export?format=xlsx"),
    }
    assert {name: r.status_code for name, r in attempts.items()} == {name: 403 for name in attempts}
    assert (checklist_counts(db), stored(db, did).content_hash) == before
    assert stored(db, did).status == DRAFT
    assert db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.code == "pages-test")).scalar_one()
