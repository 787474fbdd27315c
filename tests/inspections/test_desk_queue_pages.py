"""The remote desk's pages: the reason a teller cannot be checked recorded and withdrawn from the desk,
the queue paged most urgent first with its total, the coverage lowest first, all in Chinese."""
from __future__ import annotations

import html
import re

import pytest

from checklists.store import checklist_of
from inspections import excuses, scheduling
from inspections.models import Assignment, Excuse, Inspection
from org.models import Outlet, Staff
from tests.core.page_text import read_page
from tests.core.test_language_of_pages import ALLOWED_IN_CHINESE, KEY, LATIN_WORD
from tests.inspections.conftest import CYCLE_FIRST_DAY
from tests.inspections.helpers import count, rows
from tests.inspections.test_pages import all_answered, coverage_of, desk_form

PERIOD = f"C{CYCLE_FIRST_DAY.isoformat()}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def assignment_of(staff) -> Assignment:
    [assignment] = rows(Assignment, staff_id=staff.id, period=PERIOD)
    return assignment


def queue_names(body: str) -> list[str]:
    queue = re.search(r'<ol class="queue"[^>]*>(.*?)</ol>', body, re.DOTALL).group(1)
    return [name.strip() for name in re.findall(r'<a href="[^"]*assignment=\d+"[^>]*>([^<·]+)·', queue)]


def foreign_words(body: str) -> list[str]:
    """English words and internal keys a Chinese reader would see (the test users' names are data)."""
    text = " ".join(read_page(body).parts)
    return [word for word in LATIN_WORD.findall(text) + KEY.findall(text)
            if word not in ALLOWED_IN_CHINESE and word != "remote_monitor"]


@pytest.fixture
def monitor_session(users, login, cycle_plan):
    return login(users["remote_monitor"])


def test_the_monitor_records_a_leave_and_the_coverage_stops_expecting_the_check(db, org, monitor_session, client):
    first, second = org.staff_a[0], org.staff_a[1]
    page = client.get("/remote/")
    body = text_of(page)
    assert f"<b>{first.name}</b>" in body and "无法检查？登记原因" in body
    excuse_form = re.search(r'<form[^>]*id="excuse-form">.*?</form>', body, re.DOTALL).group(0)
    assert re.findall(r'<option value="[\w-]+"[^>]*>([^<]+)</option>', excuse_form) == \
        ["不在岗", "休假", "窗口关闭", "整个循环", "2026-12-01（今天）", "2026-12-02"]
    assert coverage_of(body, org.outlet_a.name) == "0/2"

    assignment = assignment_of(first)
    response = client.post(f"/remote/assignments/{assignment.id}/excuse", data={
        "csrf_token": monitor_session, "reason": "on_leave", "day": "cycle", "note": "年假至12月5日"})
    assert response.status_code == 302 and response.location.endswith("/remote/")
    [excuse] = rows(Excuse)
    assert (excuse.reason, excuse.first_day, excuse.note) == ("on_leave", CYCLE_FIRST_DAY, "年假至12月5日")

    after = client.get("/remote/")
    body = text_of(after)
    assert f"已登记：{first.name}，休假。" in body
    assert coverage_of(body, org.outlet_a.name) == "0/1"
    row = re.search(rf'<tr><td data-label="网点">{org.outlet_a.name}</td>.*?</tr>', body).group(0)
    assert re.findall(r'<td class="num"[^>]*>([^<]+)</td>', row) == ["0/1", "1", "1"]  # checked, excused, missing
    assert f"<b>{second.name}</b>" in body  # the next one due is at the desk
    assert queue_names(body)[-1] == first.name  # the excused teller last, with the reason
    assert re.search(r'<li class="excused">.*?<span class="badge excused">休假</span> <small>年假至12月5日</small>',
                     body, re.DOTALL)
    assert foreign_words(after.get_data(as_text=True)) == []

    opened = text_of(client.get(f"/remote/?assignment={assignment.id}"))
    assert "无法检查（2026-12-01 至 2026-12-02），由 remote_monitor 登记。" in opened.replace("\n", "")
    assert "无法检查？登记原因" not in opened  # one reason at a time

    withdrawn = client.post(f"/remote/excuses/{excuse.id}/withdraw", data={"csrf_token": monitor_session})
    assert withdrawn.status_code == 302
    body = text_of(client.get(withdrawn.location))
    assert f"已撤回：{first.name} 重新列为待检查。" in body and coverage_of(body, org.outlet_a.name) == "0/2"
    assert rows(Excuse)[0].withdrawn_at is not None


@pytest.mark.parametrize("form, field, message", [
    ({"reason": "sick", "day": "cycle"}, "reason", "请从列出的原因中选择。"),
    ({"reason": "absent", "day": "2026-11-29"}, "day", "请从列出的日期中选择。"),
    ({"reason": "absent", "day": "cycle", "note": "长" * 501}, "note", "最多 500 个字符。"),
])
def test_a_refused_reason_is_said_beside_its_field(db, org, monitor_session, client, form, field, message):
    assignment = assignment_of(org.staff_a[0])
    response = client.post(f"/remote/assignments/{assignment.id}/excuse",
                           data={"csrf_token": monitor_session, **form})
    assert response.status_code == 422
    body = text_of(response)
    assert re.search(rf'name="{field}".*?<span class="field-error">{message}</span>', body, re.DOTALL)
    assert "<details class=\"excuse\" open>" in body and 'role="alert"' in body
    assert count(Excuse) == 0


def test_a_second_reason_is_refused_in_chinese(db, org, monitor_session, client):
    assignment = assignment_of(org.staff_a[0])
    data = {"csrf_token": monitor_session, "reason": "absent", "day": "2026-12-01"}
    assert client.post(f"/remote/assignments/{assignment.id}/excuse", data=data).status_code == 302
    again = client.post(f"/remote/assignments/{assignment.id}/excuse", data=data)
    assert again.status_code == 409
    assert f"本循环已为 {org.staff_a[0].name} 登记了原因" in text_of(again)
    assert count(Excuse) == 1


@pytest.mark.parametrize("role", ["inspector", "outlet_manager", "mystery_shopper", "viewer"])
def test_other_roles_cannot_record_or_withdraw(db, org, users, login, client, cycle_plan, role):
    assignment = assignment_of(org.staff_a[0])
    excuse = excuses.record_excuse(assignment.id, "absent", None, "", users["remote_monitor"])
    db.session.commit()
    token = login(users[role])
    assert client.post(f"/remote/assignments/{assignment.id}/excuse",
                       data={"csrf_token": token, "reason": "on_leave", "day": "cycle"}).status_code == 403
    assert client.post(f"/remote/excuses/{excuse.id}/withdraw", data={"csrf_token": token}).status_code == 403
    assert count(Excuse, Excuse.withdrawn_at.is_(None)) == 1


def test_a_monitor_cannot_touch_another_monitors_tellers(db, org, users, login, client, cycle_plan):
    other = org.user("remote_monitor", "monitor2")
    assignment = assignment_of(org.staff_a[0])
    excuse = excuses.record_excuse(assignment.id, "absent", None, "", users["remote_monitor"])
    db.session.commit()
    token = login(other)
    assert client.post(f"/remote/assignments/{assignment.id}/excuse",
                       data={"csrf_token": token, "reason": "on_leave", "day": "cycle"}).status_code == 404
    assert client.post(f"/remote/excuses/{excuse.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert count(Excuse, Excuse.withdrawn_at.is_(None)) == 1


def test_the_queue_shows_every_teller_in_pages_with_the_total(db, org, users, login, client, cycle_plan):
    outlet = Outlet(branch_id=org.branch.id, code="C01", name="渭塘支行")
    db.session.add(outlet)
    db.session.flush()
    db.session.add_all(Staff(outlet_id=outlet.id, employee_no=f"C01-{n:02d}", name=f"柜员{n:02d}", position="teller")
                       for n in range(1, 37))
    db.session.commit()
    scheduling.generate(cycle_plan, CYCLE_FIRST_DAY)
    db.session.commit()
    login(users["remote_monitor"])

    first = text_of(client.get("/remote/"))
    assert "共 40 条 · 第 1 / 2 页" in first and "尚有 40 人待查" in first
    assert len(queue_names(first)) == 30
    assert "最紧急的排在最前" in first and 'rel="next"' in first
    second = text_of(client.get("/remote/?page=2"))
    assert len(queue_names(second)) == 10 and '<ol class="queue" start="31">' in second
    assert set(queue_names(first)).isdisjoint(queue_names(second))
    assert client.get("/remote/?page=0").status_code == 400


def test_the_coverage_is_lowest_first(db, org, users, login, client, checklists, cycle_plan):
    token = login(users["remote_monitor"])
    page = client.get("/remote/")
    assert re.findall(r'<td data-label="网点">([^<]+)</td>', text_of(page)) == [org.outlet_a.name, org.outlet_b.name]
    data = desk_form(page.get_data(as_text=True), all_answered(checklists["remote"]))
    assert client.post("/remote/", data=data, content_type="multipart/form-data").status_code == 302
    body = text_of(client.get("/remote/"))
    assert re.findall(r'<td data-label="网点">([^<]+)</td>', body) == [org.outlet_b.name, org.outlet_a.name]
    assert "覆盖率最低的网点排在最前" in body and token


def test_an_incomplete_check_names_the_items_by_their_labels(db, org, monitor_session, client, checklists):
    page = client.get("/remote/")
    answers = all_answered(checklists["remote"])
    del answers["remote_farewell"]
    response = client.post("/remote/", data=desk_form(page.get_data(as_text=True), answers),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    body = text_of(response)
    label = checklist_of(checklists["remote"]).item("remote_farewell").label.zh
    assert "检查尚未完成。" in body and f"请回答“{label}”（允许时可选不适用）。" in body
    assert foreign_words(response.get_data(as_text=True)) == []
    assert rows(Inspection) == []
