"""Error pages and API messages speak the reader's language; the API's status names stay stable."""
from __future__ import annotations

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
    ("zh-CN", "此项必填。", "未知字段。", "长度须在 1 到 80 之间。"),
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
