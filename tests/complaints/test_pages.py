"""The ledger's pages as every role sees them: who may open which, the outlet manager kept to the own outlet, the
customer masked on every page but for the handler, and the menu entry."""
from __future__ import annotations

import pytest

from tests.complaints.helpers import (
    CUSTOMER_NAME,
    CUSTOMER_PHONE,
    MASKED_NAME,
    MASKED_PHONE,
    Browser,
    record,
    rows_of,
    text_of,
)

REFUSED = ("inspector", "remote_monitor", "mystery_shopper")
PAGES = {  # page → the roles that may open it
    "/complaints/": {"admin", "viewer", "outlet_manager"},
    "/complaints/{id}": {"admin", "viewer", "outlet_manager"},
    "/complaints/new": {"admin", "outlet_manager"},
    "/complaints/contacts": {"admin", "viewer"},
    "/complaints/figures": {"admin", "viewer"},
}


@pytest.fixture
def complaint(db, org, users):
    return record(db, org, users["outlet_manager"])


@pytest.mark.parametrize("role", ["admin", "viewer", "outlet_manager", *REFUSED])
def test_each_page_opens_for_its_roles_and_refuses_the_others(app, users, complaint, role):
    browser = Browser(app, users[role])
    for page, allowed in PAGES.items():
        response = browser.get(page.format(id=complaint.id))
        assert response.status_code == (200 if role in allowed else 403), (page, role)
        if role in allowed:
            assert "投诉" in text_of(response)


@pytest.mark.parametrize("role", ["admin", "viewer", "outlet_manager", *REFUSED])
def test_the_menu_offers_the_ledger_to_its_readers_only(app, users, role):
    home = Browser(app, users[role]).get("/account/password").get_data(as_text=True)
    assert ('href="/complaints/"' in home) == (role in ("admin", "viewer", "outlet_manager"))


def test_a_visitor_not_logged_in_is_sent_to_the_login(client, complaint):
    for page in PAGES:
        response = client.get(page.format(id=complaint.id))
        assert response.status_code == 302 and "/login" in response.location


def test_an_outlet_manager_sees_the_own_outlets_complaints_only(app, db, org, users, complaint):
    other_manager = org.user("outlet_manager", "manager_b", outlet=org.outlet_b)
    other = record(db, org, users["admin"], outlet_id=org.outlet_b.id, staff_id=org.staff_b[0].id,
                   customer_name="周国平")
    own = Browser(app, users["outlet_manager"])
    ledger = own.get("/complaints/")
    assert complaint.number in text_of(ledger) and other.number not in text_of(ledger)
    assert "全部网点" not in text_of(ledger)  # no outlet to choose
    assert own.get(f"/complaints/{other.id}").status_code == 404
    assert rows_of(own.get(f"/complaints/?outlet_id={org.outlet_b.id}")) == []
    theirs = Browser(app, other_manager)
    assert theirs.get(f"/complaints/{complaint.id}").status_code == 404
    assert other.number in text_of(theirs.get("/complaints/"))


def test_the_leadership_sees_both_outlets(app, db, org, users, complaint):
    other = record(db, org, users["admin"], outlet_id=org.outlet_b.id, staff_id=None)
    for role in ("admin", "viewer"):
        page = text_of(Browser(app, users[role]).get("/complaints/"))
        assert complaint.number in page and other.number in page and "共 2 条" in page


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_the_customer_is_masked_on_every_page_for_a_reader_who_is_not_the_handler(app, users, complaint, role):
    assert complaint.handler_id == users["outlet_manager"].id
    browser = Browser(app, users[role])
    for page in PAGES:
        html = browser.get(page.format(id=complaint.id)).get_data(as_text=True)
        assert CUSTOMER_NAME not in html and CUSTOMER_PHONE not in html, page
    ledger, detail = (text_of(browser.get(url)) for url in ("/complaints/", f"/complaints/{complaint.id}"))
    assert MASKED_NAME in ledger and MASKED_PHONE in ledger
    assert MASKED_NAME in detail and MASKED_PHONE in detail and "仅经办人可见完整客户信息" in detail


def test_an_outlet_manager_who_is_not_the_handler_reads_the_customer_masked(app, db, org, users, complaint):
    stand_in = org.user("outlet_manager", "deputy", outlet=org.outlet_a)
    browser = Browser(app, stand_in)
    for page in ("/complaints/", f"/complaints/{complaint.id}"):
        html = browser.get(page).get_data(as_text=True)
        assert CUSTOMER_NAME not in html and CUSTOMER_PHONE not in html and MASKED_NAME in html


def test_the_handler_reads_the_customer_whole(app, users, complaint):
    browser = Browser(app, users["outlet_manager"])
    ledger, detail = (text_of(browser.get(url)) for url in ("/complaints/", f"/complaints/{complaint.id}"))
    assert CUSTOMER_NAME in ledger and CUSTOMER_PHONE in ledger
    assert CUSTOMER_NAME in detail and CUSTOMER_PHONE in detail and "仅经办人可见完整客户信息" not in detail


def test_the_complaint_page_speaks_chinese_and_shows_its_deadlines_and_history(app, users, complaint):
    page = text_of(Browser(app, users["admin"]).get(f"/complaints/{complaint.id}"))
    for words in ("来访", "服务态度", "一般", "已登记", "网点台账", "环节期限", "办结期限", "王晓燕",
                  "柜员办理业务时态度生硬", "要求道歉", "处理记录", "受理"):
        assert words in page, words
    assert "walk_in" not in page and "attitude" not in page and "received" not in page
