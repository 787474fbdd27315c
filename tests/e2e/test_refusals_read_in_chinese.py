"""Refusals a person reads in the browser are Chinese, without a word of the server's English: a checklist
workbook with a bad row, an outlet file with bad rows, a wrong password in the app. Screenshots at 390
and 1366 px."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from checklists import xlsx_io
from tests.e2e.conftest import screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, web_login

pytestmark = pytest.mark.e2e

ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,})+\b")


def _bad_workbook() -> bytes:
    checklist = {"kind": "7s", "code": "e2e-refusal", "name": {"zh": "整改演示", "en": "Refusal demo"},
                 "sections": [{"key": "desk", "label": {"zh": "桌面", "en": "Desk"}, "items": [
                     {"key": "tidy_desk", "type": "check", "label": {"zh": "桌面整洁", "en": "Tidy desk"},
                      "points": 2}]}]}
    book = load_workbook(io.BytesIO(xlsx_io.export(checklist)))
    book["items"].cell(row=2, column=xlsx_io.ITEM_COLUMNS.index("points") + 1).value = 500
    book["items"].cell(row=2, column=xlsx_io.ITEM_COLUMNS.index("allow_na") + 1).value = "也许"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _refused(page, base_url: str, path: str, name: str, filename: str, content: bytes) -> str:
    alerts = []
    for size, suffix in ((PHONE, "390"), (DESKTOP, "1366")):
        page.set_viewport_size(size)
        page.goto(base_url + path)
        page.set_input_files("input[type=file]", {"name": filename, "mimeType": "application/octet-stream",
                                                  "buffer": content})
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector(".flash.error")
        screenshot(page, f"{name}-{suffix}")
        assert horizontal_overflow(page) == 0, name
        alerts.append(page.inner_text(".flash.error"))
    assert alerts[0] == alerts[1]
    return alerts[0]


def test_import_refusals_are_chinese_and_name_rows_and_items(chromium, demo, live_server):
    demo["org"].user("admin", username="admin")
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = web_login(context, live_server, "admin")
    checklist = _refused(page, live_server, "/admin/checklists/", "web-checklist-import-refused", "bad.xlsx",
                         _bad_workbook())
    assert "工作簿有 1 处问题，未保存任何内容。" in checklist
    assert "工作表 items 第 2 行（检查项“桌面整洁”）allow_na 列：“也许”不是“是”或“否”" in checklist
    outlets = _refused(page, live_server, "/admin/outlets/import", "web-outlet-import-refused", "outlets.csv",
                       "code,name,branch_code\nZ01,新网点,NOPE\n".encode())
    assert "第 2 行 branch_code 列：没有编号为“NOPE”的支行。" in outlets
    for alert in (checklist, outlets):
        assert ENGLISH_PHRASE.findall(alert) == [], alert
    context.close()


def test_the_app_says_why_a_login_failed_in_one_language(chromium, demo, live_server):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/app/")
    page.fill("input[name=username]", "inspector")
    page.fill("input[name=password]", "not the password")
    page.click("#login-button")
    alert = page.wait_for_selector("p.error[role=alert]").inner_text()
    screenshot(page, "app-login-refused-390")
    assert alert == "用户名或密码错误，或账号已停用。"  # the server's sentence alone, never "登录失败: Wrong…"
    context.close()
