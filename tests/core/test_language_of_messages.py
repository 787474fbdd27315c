"""Error pages and API messages speak the reader's language; the API's status names stay stable."""
from __future__ import annotations

import io
import re

import pytest

from tests.conftest import PASSWORD


def test_a_missing_page_says_so_in_chinese_and_in_english(client):
    chinese = client.get("/no-such-page").get_data(as_text=True)
    assert "404 · 页面不存在" in chinese and "此地址下没有内容" in chinese
    assert "Not Found" not in chinese and "requested URL" not in chinese
    english = client.get("/no-such-page?lang=en").get_data(as_text=True)
    assert "404 · Not found" in english and "There is nothing at this address" in english


def test_the_api_answers_in_the_language_the_caller_asks_for(client, org):
    wrong = {"username": org.user("inspector").username, "password": PASSWORD + "x"}
    english = client.post("/api/v1/auth/tokens", json=wrong, headers={"Accept-Language": "en-GB,en;q=0.9"})
    chinese = client.post("/api/v1/auth/tokens", json=wrong, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert english.status_code == chinese.status_code == 401
    assert english.get_json()["message"] == "Wrong username or password, or the account is deactivated."
    assert chinese.get_json()["message"] == "用户名或密码错误，或账号已停用。"
    assert english.get_json()["status"] == chinese.get_json()["status"] == "Unauthorized"  # the stable name
    missing = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"})
    assert missing.status_code == 404 and missing.get_json()["message"].startswith("此地址下没有内容")


def test_usernames_are_data_and_roles_are_words(client, org, login):
    login(org.user("admin", username="admin"))
    org.user("inspector", username="inspector")
    page = client.get("/admin/users/").get_data(as_text=True)
    assert re.search(r"<td[^>]*>admin</td>", page) and re.search(r"<td[^>]*>inspector</td>", page)  # as typed, never 管理员
    assert re.search(r"<td[^>]*>管理员</td>", page) and re.search(r"<td[^>]*>检查员</td>", page)


def test_rule_settings_read_as_yes_or_no_and_head_counts_as_whole_numbers(client, org, login):
    login(org.user("admin"))
    page = client.get("/reports/rules").get_data(as_text=True)
    assert "1 = " not in page and "（1 = 是）" not in page
    assert '<select name="critical_means_black"' in page and '<option value="1" selected>是</option>' in page
    assert 'name="outlet_red_count" value="1"' in page and 'value="1.0"' not in page


@pytest.mark.parametrize("language, required, unknown, too_long", [
    ("zh-CN", "此项必填。", "未知的字段。", "长度须在 1 到 80 之间。"),
    ("en", "Missing data for required field.", "Unknown field.", "Length must be between 1 and 80.")])
def test_the_frameworks_own_field_messages_are_in_the_callers_language(client, language, required, unknown, too_long):
    headers = {"Accept-Language": language}
    missing = client.post("/api/v1/auth/tokens", json={"username": "x", "stray": 1}, headers=headers).get_json()
    assert missing["errors"]["json"] == {"password": [required], "stray": [unknown]}
    long_name = client.post("/api/v1/auth/tokens", json={"username": "x" * 81, "password": "y"}, headers=headers)
    assert long_name.get_json()["errors"]["json"]["username"] == [too_long]


def test_a_new_account_left_on_the_default_language_is_saved_in_chinese(client, org, login):
    login(org.user("admin", username="admin"))
    form = client.get("/admin/users/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    saved = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "wangdz", "display_name": "王店长", "email": "", "role": "outlet_manager",
        "outlet_id": str(org.outlet_a.id), "vendor_id": "", "locale": "", "password": "Outlet-manager-2026"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "wangdz" in page


def test_a_date_out_of_the_service_years_is_one_sentence(client, org, token_for):
    headers = {**token_for(org.user("inspector")), "Accept-Language": "zh-CN"}
    refused = client.put("/api/v1/inspections/8a1c4d52-5f7e-4a53-9d84-3c9e0c1f2b7a", headers=headers,
                         json={"started_at": "2100-06-01T00:00:00+00:00"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["started_at"] == ["日期必须在2000年至2100年之间。"]


# --- checklist, import and flag messages: in the reader's language, items by their labels ------------

ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){1,}\b")


def _english_phrases(text: str) -> list[str]:
    """Runs of two or more English words: a sentence that escaped the catalog (single words may be the
    file format's own names, such as a column)."""
    return ENGLISH_PHRASE.findall(text)


def _checklist(**changes) -> dict:
    label = {"zh": "主动问候", "en": "Greets first"}
    item = {"key": "greet_first", "type": "check", "label": label, "points": 2, **changes}
    return {"kind": "onsite", "code": "lang-test", "name": {"zh": "语言测试", "en": "Language test"},
            "sections": [{"key": "front", "label": {"zh": "前台", "en": "Front"}, "items": [item]}]}


def _workbook(points) -> bytes:
    from openpyxl import load_workbook

    from checklists import xlsx_io

    book = load_workbook(io.BytesIO(xlsx_io.export(_checklist())))
    book["items"].cell(row=2, column=xlsx_io.ITEM_COLUMNS.index("points") + 1).value = points
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(client, token, content: bytes, filename: str, lang: str = "zh"):
    return client.post(f"/admin/checklists/import?lang={lang}", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)})


def _alert(page: str) -> str:
    return re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.DOTALL).group(1)


def test_checklist_import_problems_read_in_chinese_with_items_by_label(client, org, login):
    from checklists import textio

    token = login(org.user("admin"))
    cases = {
        "bad.yaml": (textio.dump_yaml(_checklist(points=500, condition="ghost = pass")).encode(),
                     ["检查项“主动问候”的 points：须介于 0 和 100 之间", "引用了不存在的检查项“ghost”"]),
        "broken.yaml": (b"kind: onsite\ncode: x\nname: zh: y\n", ["YAML 格式有误：请查看第 3 行"]),
        "broken.json": (b'{"kind": "onsite",\n "code": }', ["JSON 格式有误：请查看第 2 行"]),
        "bad.xlsx": (_workbook("三"), ["工作表 items 第 2 行（检查项“主动问候”）points 列：“三”不是数字"]),
        "bad.txt": (b"kind: onsite\n", ["请上传 .yaml、.yml、.json 或 .xlsx 格式的检查表。"]),
    }
    for filename, (content, expected) in cases.items():
        response = _import(client, token, content, filename)
        assert response.status_code in (400, 415, 422), filename
        alert = _alert(response.get_data(as_text=True))
        for text in expected:
            assert text in alert, (filename, alert)
        assert _english_phrases(alert) == [], (filename, alert)
        assert "greet_first" not in alert and "sections[" not in alert  # labels, never keys or paths
    english = _alert(_import(client, token, _workbook("three"), "bad.xlsx", lang="en").get_data(as_text=True))
    assert "Sheet items, row 2 (item “Greets first”), column points: “three” is not a number" in english


def test_checklist_edits_are_refused_in_chinese(client, db, org, login):
    from checklists import operations

    version = operations.import_checklist(_checklist(), org.user("admin"))
    db.session.commit()
    token = login(org.user("admin", username="editor"))
    response = client.post(f"/admin/checklists/versions/{version.id}/step", data={
        "csrf_token": token, "change": "remove_item", "key": "greet_first"})
    assert response.status_code == 302
    page = client.get(f"/admin/checklists/versions/{version.id}").get_data(as_text=True)
    alert = re.search(r'class="flash error"[^>]*>(.*?)</', page, re.DOTALL).group(1)
    assert "每个部分至少要有一个检查项" in alert and _english_phrases(alert) == []


def test_checklist_api_refusals_follow_accept_language(client, org, bearer):
    from checklists import textio

    headers = bearer(org.user("admin"))
    bodies = {}
    for language in ("zh-CN", "en"):
        response = client.post("/api/v1/checklist-templates/import", headers={**headers, "Accept-Language": language},
                               data={"file": (io.BytesIO(textio.dump_yaml(_checklist(points=500)).encode()), "c.yaml")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        bodies[language] = response.get_json()
    assert bodies["zh-CN"]["problem"] == bodies["en"]["problem"] == "checklist_invalid"
    assert bodies["zh-CN"]["errors"] == {"sections[0].items[0].points": ["检查项“主动问候”的 points：须介于 0 和 100 之间"]}
    assert bodies["en"]["errors"] == {"sections[0].items[0].points": ["Item “Greets first”, points: must be between 0 and 100"]}
    assert bodies["zh-CN"]["message"] == "检查表有 1 处问题，未保存任何内容。"


def test_outlet_import_rows_read_in_chinese(client, org, login):
    token = login(org.user("admin"))
    content = f"code,name,branch_code\nZ01,新网点,NOPE\nZ02,,{org.branch.code}\n".encode()
    response = client.post("/admin/outlets/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(content), "outlets.csv")})
    assert response.status_code == 422
    alert = _alert(response.get_data(as_text=True))
    assert "第 2 行 branch_code 列：没有编号为“NOPE”的支行。" in alert and "第 3 行 name 列" in alert
    assert "row " not in alert and "no branch" not in alert


def test_report_refusals_read_in_chinese(client, org, bearer):
    response = client.get("/api/v1/reports/league?period=2026-13", headers={**bearer(org.user("viewer")),
                                                                              "Accept-Language": "zh-CN"})
    assert response.status_code in (400, 422)
    body = response.get_json()
    assert "不是有效的期间" in body["message"] and _english_phrases(body["message"]) == []


FLAGS = [
    {"code": "outside_window", "evidence": {"moment_of": "arrival", "moment": "2026-11-30T11:41:00+00:00",
                                            "window": ["2026-11-20", "2026-11-26"]}},
    {"code": "far_from_outlet", "evidence": {"metres": 2002, "limit": 500, "source": "phone"}},
    {"code": "photo_far_from_outlet", "evidence": {"metres": 900, "limit": 500, "photo": "9215e8b6-0000"}},
    {"code": "photo_time_outside_visit", "evidence": {"photo": "9215e8b6-0000",
                                                      "captured_at": "2026-11-29T02:00:00+00:00"}},
    {"code": "reused_photo", "evidence": {"photo": "9215e8b6-0000", "identical": False,
                                          "other_inspection": "6ace2f6b-0000"}},
    {"code": "filed_late", "evidence": {"hours": 72.0, "limit": 48}},
    {"code": "copied_text", "evidence": {"similarity": 0.91, "other_inspection": "6ace2f6b-0000"}},
    # Stored before flags kept only their evidence: its English log line is never what a reader sees.
    {"code": "far_from_outlet", "message": "The phone reported a position 800 m from the outlet.",
     "evidence": {"metres": 800, "limit": 500, "source": "phone"}},
]


def test_flags_are_told_in_the_readers_language_when_shown(app):
    from flask_babel import refresh

    from mystery.flag_texts import flag_shown

    for lang in ("zh", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the test's app context outlives one request's choice of language
            shown = [flag_shown(flag) for flag in FLAGS]
        for flag, told in zip(FLAGS, shown, strict=True):
            assert told["code"] == flag["code"] and told["evidence"] == flag["evidence"]
            if lang == "zh":
                assert _english_phrases(told["title"] + told["message"]) == [], told
            else:
                assert not re.search(r"[\u4e00-\u9fff]", told["title"] + told["message"]), told
    with app.test_request_context("/?lang=zh"):
        refresh()
        assert flag_shown(FLAGS[0])["message"].startswith("到达时间（2026-11-30 19:41）")
        assert "2002 米" in flag_shown(FLAGS[1])["message"] and "几乎相同" in flag_shown(FLAGS[4])["message"]
        assert flag_shown(FLAGS[-1])["message"] == "手机定位距网点 800 米（允许 500 米）。"


def test_field_errors_of_the_api_speak_the_callers_language(client):
    bodies = {language: client.post("/api/v1/auth/tokens", json={"username": "x" * 500},
                                    headers={"Accept-Language": language}).get_json()
              for language in ("zh-CN", "en")}
    assert bodies["zh-CN"]["problem"] == bodies["en"]["problem"] == "validation_failed"
    assert bodies["zh-CN"]["errors"]["json"]["password"] == ["此项必填。"]
    assert bodies["en"]["errors"]["json"]["password"] == ["Missing data for required field."]
    assert "Longer than" not in str(bodies["zh-CN"]["errors"]) and "Missing data" not in str(bodies["zh-CN"])
