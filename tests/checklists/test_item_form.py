"""The checklist editor's item form: create and edit items of each type, errors beside their fields,
English for who asks, and the item's own rectification requirement."""
from __future__ import annotations

import re

import pytest

from checklists import definition, operations, xlsx_io
from tests.checklists.pages import BASE, form, layout, stored


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
