"""The meetings' pages in Chinese: the list, a meeting's record with its items and those carried over, the
admin's form, the action items list with its filters, an item closed by its outlet's head; refusals in
Chinese with nothing written."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import local_today
from meetings import quarters
from meetings.models import ActionItem, Meeting
from tests.core.page_text import read_page
from tests.core.test_language_of_pages import ALLOWED_IN_CHINESE, KEY, LATIN_WORD
from tests.meetings.helpers import item_of, last_quarter, meeting_on
from tests.support import csrf_token_of, row_counts

ZH = {"Accept-Language": "zh-CN"}


def _english(html: str) -> list[str]:
    text = " ".join(read_page(html).parts)
    return [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_IN_CHINESE] + KEY.findall(text)


@pytest.fixture(autouse=True)
def chinese_names(db, users):
    """Names are data, shown as typed: the test accounts get the Chinese ones the bank's would have."""
    for role, name in (("admin", "服务领导小组管理员"), ("viewer", "支行行长"), ("outlet_manager", "元和支行负责人")):
        users[role].display_name = name
    db.session.commit()


@pytest.fixture
def two_meetings(db, org, users):
    admin = users["admin"]
    earlier = meeting_on(admin, quarter=quarters.before(last_quarter()),
                         held_on=quarters.first_day(last_quarter()) + timedelta(days=5))
    days_late = (local_today() - earlier.held_on).days - 3
    carried = item_of(earlier, admin, outlet=org.outlet_a, days=days_late, text="提高理财经理客户联系率")
    later = meeting_on(admin)
    own = item_of(later, admin, user=users["viewer"], days=90, text="服务红黑榜纳入BSC考核")
    db.session.commit()
    return {"earlier": earlier.id, "later": later.id, "carried": carried.id, "own": own.id}


def _get(client, path):
    response = client.get(path, headers=ZH)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    assert _english(html) == []
    return html


def test_the_meeting_page_shows_its_record_items_and_those_carried_over(client, login, users, two_meetings):
    login(users["viewer"])
    html = _get(client, f"/meetings/{two_meetings['later']}")
    year, number = quarters.parse(last_quarter())
    for text in (f"{year}年第{number}季度服务质量分析会", "参会人员", "支行行长、分管副行长、各网点负责人", "点评内容",
                 "会议决定", "本次会议的督办事项", "服务红黑榜纳入BSC考核", "以前会议结转的督办事项", "提高理财经理客户联系率",
                 "元和支行", "责任人逾期", "完成期限", "已定稿", 'data-label="责任人"'):
        assert text in html, text
    assert "添加督办事项" not in html and "编辑会议纪要" not in html  # the viewer reads


def test_the_list_newest_first_and_the_items_most_urgent_first(client, login, users, two_meetings):
    login(users["admin"])
    html = _get(client, "/meetings/")
    year, number = quarters.parse(last_quarter())
    earlier_year, earlier_number = quarters.parse(quarters.before(last_quarter()))
    assert html.index(f"{year}年第{number}季度") < html.index(f"{earlier_year}年第{earlier_number}季度")
    assert "新建会议纪要" in html and "共 1 项，未办结 1 项" in html
    items = _get(client, "/meetings/items/")
    assert items.index("提高理财经理客户联系率") < items.index("服务红黑榜纳入BSC考核")  # overdue first
    assert "服务红黑榜" not in _get(client, "/meetings/items/?status=overdue")
    assert "理财经理" not in _get(client, f"/meetings/items/?quarter={last_quarter()}")
    refused = client.get("/meetings/items/?status=late&quarter=2026Q9", headers=ZH)
    assert refused.status_code == 400 and "不是季度" in refused.get_data(as_text=True)


def test_the_admin_records_a_meeting_and_adds_an_item_through_the_pages(db, client, login, users, org):
    login(users["admin"])
    token = csrf_token_of(client.get("/meetings/new").data)
    quarter = last_quarter()
    held_on = str(local_today() - timedelta(days=1))
    fields = {"csrf_token": token, "quarter": quarter, "held_on": held_on, "place": "三楼会议室", "chair": "行长",
              "attendees": "行长\n副行长\n第三方暗访机构代表", "points": "客户投诉七笔，办结率100%",
              "decisions": "完善投诉台账", "action": "record"}
    before = row_counts()
    bad = client.post("/meetings/new", data={**fields, "held_on": "明天", "decisions": ""}, headers=ZH)
    assert bad.status_code == 422
    assert "不是有效的日期" in bad.get_data(as_text=True) or "日期" in bad.get_data(as_text=True)
    assert _english(bad.get_data(as_text=True)) == []
    unwritten = client.post("/meetings/new", data={**fields, "decisions": ""}, headers=ZH)
    assert unwritten.status_code == 422 and "定稿前请填写此项" in unwritten.get_data(as_text=True)
    assert row_counts() == before
    created = client.post("/meetings/new", data=fields)
    assert created.status_code == 302
    meeting = db.session.query(Meeting).one()
    assert meeting.status == "recorded" and meeting.attendee_names[-1] == "第三方暗访机构代表"
    page = f"/meetings/{meeting.id}"
    item = {"csrf_token": token, "text": "营业部完善投诉台账", "owner_user_id": str(users["outlet_manager"].id),
            "owner_outlet_id": str(org.outlet_a.id), "deadline": str(local_today() + timedelta(days=20))}
    no_owner = client.post(page, data={**item, "owner_user_id": "", "owner_outlet_id": ""}, headers=ZH)
    assert no_owner.status_code == 422 and "请选择责任人账号或责任网点" in no_owner.get_data(as_text=True)
    assert db.session.query(ActionItem).count() == 0
    assert client.post(page, data=item).status_code == 302
    assert db.session.query(ActionItem).one().owner_outlet_id == org.outlet_a.id
    again = client.post("/meetings/new", data=fields, headers=ZH)
    assert again.status_code == 409 and "该季度已有会议纪要" in again.get_data(as_text=True)


def test_the_outlet_head_closes_the_own_item_on_its_page(db, client, login, users, org, two_meetings):
    login(users["outlet_manager"])
    listed = _get(client, "/meetings/items/")
    assert "提高理财经理客户联系率" in listed and "服务红黑榜" not in listed
    assert "责任人（账号）" not in listed  # no owner filter for an outlet's head: the items are the own
    path = f"/meetings/items/{two_meetings['carried']}"
    html = _get(client, path)
    assert "办结督办事项" in html and "重新督办" not in html
    assert client.get(f"/meetings/items/{two_meetings['own']}").status_code == 404
    token = csrf_token_of(client.get(path).data)
    empty = client.post(path, data={"csrf_token": token, "action": "close", "note": " "}, headers=ZH)
    assert empty.status_code == 422 and "办结督办事项须写明办理情况" in empty.get_data(as_text=True)
    assert db.session.get(ActionItem, two_meetings["carried"]).status == "open"
    assert client.post(path, data={"csrf_token": token, "action": "close", "note": "已建立客户联系台账"}).status_code == 302
    done = _get(client, path)
    assert "已办结" in done and "已建立客户联系台账" in done and "办结督办事项" not in done
    refused = client.post(path, data={"csrf_token": token, "action": "reopen", "reason": "不行"})
    assert refused.status_code == 403


def test_the_admin_reopens_with_a_reason_on_the_page(db, client, login, users, two_meetings):
    login(users["admin"])
    path = f"/meetings/items/{two_meetings['own']}"
    token = csrf_token_of(client.get(path).data)
    assert client.post(path, data={"csrf_token": token, "action": "close", "note": "细则已下发"}).status_code == 302
    no_reason = client.post(path, data={"csrf_token": token, "action": "reopen", "reason": ""}, headers=ZH)
    assert no_reason.status_code == 422 and "请写明重新督办的原因" in no_reason.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": token, "action": "reopen", "reason": "细则未覆盖大堂经理"}
                       ).status_code == 302
    html = _get(client, path)
    assert "重新督办原因" in html and "细则未覆盖大堂经理" in html and "此前的办结说明：细则已下发" in html


@pytest.mark.parametrize("role", ("admin", "viewer", "outlet_manager"))
def test_the_menu_leads_there(client, login, users, role):
    login(users[role])
    html = client.get("/", headers=ZH).get_data(as_text=True)
    if role == "outlet_manager":
        assert 'href="/meetings/items/">督办事项' in html and 'href="/meetings/"' not in html
    else:
        assert 'href="/meetings/">服务质量分析会' in html
