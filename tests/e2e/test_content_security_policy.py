"""The main pages and the app run under the Content-Security-Policy without a single violation."""
from __future__ import annotations

import re

from tests.conftest import PASSWORD

PAGES = ["/", "/admin/outlets/", "/admin/users/", "/api/docs", "/app/"]


def test_main_pages_run_without_csp_violations(chromium, demo, org, db, live_server):
    org.user("admin")
    db.session.commit()  # the test holds no transaction while the server works
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    for path in PAGES:
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # the docs page still starts
    context.close()
    assert violations == []
