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

BASE = "/admin/checklists"


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def small() -> dict:
    """front: a, b; back: c, d (d shown when c = pass)."""
    return {"kind": "7s", "code": "pages-test", "name": T("页面测试", "Pages test"), "sections": [
        {"key": "front", "label": T("前台", "Front"), "items": [
            {"key": "a", "type": "check", "label": T("甲项", "Item A"), "points": 1},
            {"key": "b", "type": "check", "label": T("乙项", "Item B"), "points": 2}]},
        {"key": "back", "label": T("后台", "Back"), "items": [
            {"key": "c", "type": "check", "label": T("丙项", "Item C"), "points": 3},
            {"key": "d", "type": "check", "label": T("丁项", "Item D"), "points": 4, "condition": "c = pass"}]},
    ]}


@pytest.fixture
def admin(users, login):
    return login(users["admin"])  # the CSRF token of the logged-in session


@pytest.fixture
def draft(db, users):
    return operations.import_checklist(small(), users["admin"]).id


def layout(db, ident: int) -> list[tuple[str, list[str]]]:
    db.session.expire_all()
    data = db.session.get(ChecklistVersion, ident).definition
    return [(s["key"], [i["key"] for i in s["items"]]) for s in data["sections"]]


def stored(db, ident: int) -> ChecklistVersion:
    db.session.expire_all()
    return db.session.get(ChecklistVersion, ident)


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


# --- the item form -------------------------------------------------------------------------------------

def form(token: str, **fields) -> dict:
    data = {"csrf_token": token, "key": "", "type": "check", "label_zh": "", "label_en": "", "points": "",
            "allow_na": "yes", "required": "yes"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_item_form_creates_a_choice_item(client, db, admin, draft):
    url = f"{BASE}/versions/{draft}/sections/back/new-item"
    assert client.get(url).status_code == 200
    response = client.post(url, data=form(admin, key="attitude", type="choice", label_zh="服务态度",
                                          label_en="Attitude", points="3", severity="major",
                                          guidance_zh="观察", guidance_en="Watch",
                                          options="warm | 热情 | Warm | 3\nok | 一般 | OK | 1.5\nrude | 粗鲁 | Rude | 0 | fail",
                                          photo_on_fail="yes"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/versions/{draft}#attitude")
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d", "attitude"])]
    item = definition.parse(stored(db, draft).definition).item("attitude")
    assert (item.type, item.points, item.severity, item.photo_on_fail, item.multiple, item.allow_na) == \
        ("choice", 3, "major", True, False, True)
    assert [(o.key, o.label.zh, o.label.en, o.points, o.fail) for o in item.options] == [
        ("warm", "热情", "Warm", 3, False), ("ok", "一般", "OK", 1.5, False), ("rude", "粗鲁", "Rude", 0, True)]
    assert item.guidance.en == "Watch"
    assert stored(db, draft).item_count == 5


def test_item_form_edits_an_item(client, db, admin, draft):
    url = f"{BASE}/versions/{draft}/items/d"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="label_zh" value="丁项"' in html and 'value="c = pass"' in html
    assert 'name="points" inputmode="decimal" value="4"' in html
    response = client.post(url, data=form(admin, key="d", label_zh="丁项（改）", label_en="Item D, changed",
                                          points="5", condition="c != fail", allow_na=None))
    assert response.status_code == 302
    item = definition.parse(stored(db, draft).definition).item("d")
    assert (item.label.zh, item.points, item.condition.text, item.allow_na) == ("丁项（改）", 5, "c != fail", False)
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]  # in place


def test_item_form_edits_a_scale_through_its_option_lines(client, db, users, admin, default_doc):
    ident = operations.import_checklist(default_doc("onsite.yaml"), users["admin"]).id
    url = f"{BASE}/versions/{ident}/items/lobby_order_overall"
    html = client.get(url).get_data(as_text=True)
    assert "0 | 混乱" in html
    row = xlsx_io.item_to_row("lobby", stored(db, ident).definition["sections"][0]["items"][6])
    fields = {k: ("" if v is None else str(v)) for k, v in row.items() if k not in xlsx_io.BOOLEAN_COLUMNS}
    fields.update({flag: "yes" for flag in xlsx_io.BOOLEAN_COLUMNS if row[flag] == "yes"})
    fields["pass_min"] = "3"
    response = client.post(url, data={"csrf_token": admin, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    item = definition.parse(stored(db, ident).definition).item("lobby_order_overall")
    assert (item.scale_max, item.pass_min, len(item.scale_labels), item.photo_on_fail) == (4, 3, 5, True)


@pytest.mark.parametrize("fields,field,message", [
    ({"points": "500"}, "points", "请输入 0 到 100 之间的数字。"),
    ({"points": "abc"}, "points", "请输入数字。"),
    ({"min": "nan"}, "min", "请输入数字。"),
    ({"type": "choice", "options": "only | 唯一 | Only"}, "options",
     "每个选项请写成 key | 中文 | English | points [| fail]；以下各行不符：only | 唯一 | Only"),
    ({"type": "scale", "options": "0 | 差 | Poor\n2 | 好 | Good"}, "options",
     "第 2 行请写成 1 | 中文 | English，而不是：2 | 好 | Good"),
    ({"options": "a | 甲 | A | 1"}, "options", "只有选择题和评分项才有选项。"),
    ({"type": "tick"}, "type", "请从列出的类型中选择。"),
    ({"severity": "fatal"}, "severity", "请从列出的严重程度中选择。"),
    ({"key": "E"}, "key", "只能用小写字母、数字和 _，并以字母开头。"),
    ({"label_en": " "}, "label_en", "请填写英文标签。"),
    # Refused when the draft is saved: the whole checklist's rules, beside the field they are about.
    ({"key": "a"}, "key", "检查项“戊项”的 key：检查项键“a”用了两次"),
    ({"condition": "zz = pass"}, "condition", "检查项“戊项”的 condition：引用了不存在的检查项“zz”"),
])
def test_item_form_shows_each_error_beside_its_field(client, db, admin, draft, fields, field, message):
    before = stored(db, draft).content_hash
    response = client.post(f"{BASE}/versions/{draft}/sections/front/new-item",
                           data=form(admin, **{"key": "e", "label_zh": "戊项", "label_en": "Item E", "points": "1",
                                               **fields}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    beside = re.search(rf'<label>(?:(?!<label>).)*name="{field}".*?</label>', html, re.DOTALL).group(0)
    assert f'<span class="field-error">{message}</span>' in beside, beside
    assert html.count('class="field-error"') == 1
    # The form keeps what was typed.
    assert 'name="label_zh" value="戊项"' in html
    assert stored(db, draft).content_hash == before


def test_item_form_speaks_english_to_who_asks_for_it(client, db, admin, draft):
    response = client.post(f"{BASE}/versions/{draft}/new-section?lang=en",
                           data=form(admin, section_key="front", section_label_zh="", section_label_en="Extra",
                                     key="e", label_zh="戊项", label_en="Item E", points="1.5.0"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'name="section_label_zh"[^\n]*<span class="field-error">Write the label in Chinese.</span>', html)
    assert re.search(r'name="points"[^\n]*<span class="field-error">Enter a number.</span>', html)
    # A section key that is taken is the draft's refusal, above the form (it names no field of the item).
    right = client.post(f"{BASE}/versions/{draft}/new-section?lang=en",
                        data=form(admin, section_key="front", section_label_zh="附加", section_label_en="Extra",
                                  key="e", label_zh="戊项", label_en="Item E", points="1"))
    assert right.status_code == 422
    assert "The section “Front” has the key “front” already." in right.get_data(as_text=True)
    assert layout(db, draft) == [("front", ["a", "b"]), ("back", ["c", "d"])]


def test_item_form_for_an_unknown_item_is_404(client, admin, draft):
    assert client.get(f"{BASE}/versions/{draft}/items/nope").status_code == 404


def test_new_section_form(client, db, admin, draft):
    response = client.post(f"{BASE}/versions/{draft}/new-section",
                           data=form(admin, section_key="extra", section_label_zh="附加", section_label_en="Extra",
                                     key="e", label_zh="戊项", label_en="Item E", points="2"))
    assert response.status_code == 302
    assert layout(db, draft)[-1] == ("extra", ["e"])
    again = client.post(f"{BASE}/versions/{draft}/new-section",
                        data=form(admin, section_key="extra", section_label_zh="附加", section_label_en="Extra",
                                  key="f", label_zh="己项", label_en="Item F", points="2"))
    assert again.status_code == 422
    assert "部分“附加”已使用键“extra”。" in again.get_data(as_text=True)
    assert layout(db, draft)[-1] == ("extra", ["e"])


# --- publish, export, drafts ---------------------------------------------------------------------------

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


def test_item_form_saves_shows_and_previews_a_requirement(client, db, admin, draft):
    url = f"{BASE}/versions/{draft}/sections/back/new-item"
    response = client.post(url, data=form(admin, key="seating", label_zh="爱心座椅", label_en="Priority seating",
                                          points="1", guidance_zh="观察等候区", requirement_zh="设置爱心座椅并张贴标识。",
                                          requirement_en="Provide and mark priority seating."))
    assert response.status_code == 302, response.get_data(as_text=True)
    item = definition.parse(stored(db, draft).definition).item("seating")
    assert (item.requirement.zh, item.requirement.en) == ("设置爱心座椅并张贴标识。", "Provide and mark priority seating.")
    assert item.guidance.zh == "观察等候区"
    edit = client.get(f"{BASE}/versions/{draft}/items/seating").get_data(as_text=True)
    assert ">设置爱心座椅并张贴标识。</textarea>" in edit and ">Provide and mark priority seating.</textarea>" in edit
    preview = client.get(f"{BASE}/versions/{draft}").get_data(as_text=True)
    assert "整改要求</b>: 设置爱心座椅并张贴标识。" in preview
    # Emptied, the item has none (and the notice words one from its label).
    client.post(f"{BASE}/versions/{draft}/items/seating", data=form(admin, key="seating", label_zh="爱心座椅",
                                                                     label_en="Priority seating", points="1",
                                                                     requirement_zh="", requirement_en=""))
    assert definition.parse(stored(db, draft).definition).item("seating").requirement is None
