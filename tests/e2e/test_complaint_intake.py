"""投诉登记 in the app on a 390 px phone: the outlet manager records a complaint with a photo while offline, it
waits on the phone as 已保存，待发送, goes out once the phone is online (a double tap records it once), is listed
with its step deadline, and its handler acknowledges it. A complaint whose answer was lost on the way is not
recorded twice. Every Chinese screen is free of English and of axe-core's serious violations; once the
complaint is escalated the manager, no longer its handler, sees the customer masked."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from complaints.models import Complaint, ComplaintPhoto
from core.extensions import db as _db
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.pages import DESKTOP, PHONE, horizontal_overflow, serious_accessibility_violations, small_touch_targets
from tests.factories import jpeg

pytestmark = pytest.mark.e2e

LATIN = re.compile(r"[A-Za-z_]{2,}")
DESCRIPTION = "客户办理转账时柜员态度生硬，等候四十分钟无人解释。"


@pytest.fixture
def phone(chromium):
    """A 390 px phone whose pages axe-core can be added to (the app's CSP allows no inline script)."""
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1, has_touch=True, locale="zh-CN",
                                   bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _manager(org):
    manager = org.user("outlet_manager", "manager_a", outlet=org.outlet_a)
    manager.display_name = "周经理"
    _db.session.commit()
    return manager


def _log_in(page, base_url, username, ready):
    page.goto(f"{base_url}/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector(ready)


def _chinese_only(page, where: str) -> None:
    text = page.locator("#screen").inner_text()
    assert not LATIN.findall(text), f"{where}: {LATIN.findall(text)} in {text!r}"


def _accessible(page, where: str) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"{where}: {violations}"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-390-full.png"), full_page=True)
    assert horizontal_overflow(page) == 0, name
    assert small_touch_targets(page) == [], (name, small_touch_targets(page))


def _fill_intake(page, *, photo: bool) -> None:
    page.select_option("#c-staff", label="王晓燕")
    page.select_option("#c-channel", "walk_in")
    page.select_option("#c-category", "attitude")
    page.fill("#c-customer", "陈美玲")
    page.fill("#c-phone", "13812345678")
    page.fill("#c-description", DESCRIPTION)
    page.fill("#c-request", "要求网点道歉并说明原因")
    if photo:
        page.set_input_files("#c-photo", files=[{"name": "counter.jpg", "mimeType": "image/jpeg",
                                                 "buffer": jpeg((1600, 1200), seed=7)}])
        page.wait_for_function("() => document.querySelectorAll('#c-photo-strip img.thumb').length === 1")


def _complaints():
    _db.session.rollback()  # see what the live server committed, and hold no transaction while it works
    found = _db.session.execute(select(Complaint)).scalars().all()
    _db.session.rollback()
    return found


def test_a_complaint_recorded_offline_is_sent_listed_and_acknowledged(live_server, phone, org, chromium):
    manager = _manager(org)
    org.user("admin").display_name = "钱主任"
    _db.session.commit()
    page = phone
    _log_in(page, live_server, manager.username, ".outlet-home")
    screenshot(page, "complaint-01-home-390")
    assert page.locator("#record-complaint").inner_text() == "＋ 投诉登记"
    _chinese_only(page, "home")

    # 投诉登记: the outlet is the manager's own, the staff come from the outlet's list; nothing missing is saved.
    page.click("#record-complaint")
    page.wait_for_selector("#complaint-form")
    assert page.locator("#c-outlet").inner_text() == "网点：元和支行"
    assert page.locator("#c-staff option").all_inner_texts() == ["不涉及具体员工", "王晓燕", "李志强", "张文静"]
    assert "来访" in page.locator("#c-channel option").all_inner_texts()
    page.click("#c-save")
    assert page.locator("#c-customer-error").inner_text() == "请填写客户姓名"
    assert page.locator("#c-description-error").inner_text() == "请填写投诉内容"
    assert page.locator("#c-channel-error").inner_text() == "请选择"
    _chinese_only(page, "form with its errors")
    _accessible(page, "form with its errors")
    assert _complaints() == []

    # Offline: saved on the phone, shown as waiting, counted in the outbox; a double tap saves it once.
    page.context.set_offline(True)
    _fill_intake(page, photo=True)
    _shot(page, "complaint-02-form")
    page.locator("#c-save").dblclick()
    page.wait_for_selector("article.intake[data-state=waiting]")
    assert page.locator("article.intake").count() == 1
    assert "已保存，待发送" in page.locator("article.intake").inner_text()
    assert page.locator("#outbox").get_attribute("data-count") == "1"
    _chinese_only(page, "list, offline")
    _shot(page, "complaint-03-waiting-offline")
    assert _complaints() == []

    # Online again: the photo, then the complaint, go out without a reload; the list says it was sent.
    page.context.set_offline(False)
    page.wait_for_selector("article.complaint[data-sent-here='1']", timeout=30000)
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'")
    assert page.locator("article.intake").count() == 0
    [complaint] = _complaints()
    assert (complaint.customer_name, complaint.outlet_id, complaint.staff_id) == (
        "陈美玲", org.outlet_a.id, org.staff_a[0].id)
    assert complaint.description == DESCRIPTION and complaint.channel == "walk_in"
    assert _db.session.execute(select(func.count()).select_from(ComplaintPhoto)
                               .where(ComplaintPhoto.complaint_id == complaint.id)).scalar() == 1
    _db.session.rollback()
    card = page.locator(f"article.complaint[data-id='{complaint.id}']")
    assert "已登记" in card.inner_text() and "已发送" in card.inner_text()
    assert f"本步期限 {complaint.step_due_on.isoformat()}" in card.inner_text()
    assert page.locator("#complaint-count").inner_text() == "共 1 件，已显示 1 件"
    _chinese_only(page, "list")
    _accessible(page, "list")
    _shot(page, "complaint-04-list")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "complaint-04-list-1366")
    assert horizontal_overflow(page) == 0
    page.set_viewport_size(PHONE)
    # In English the same list speaks the server's English words for the complaint.
    page.click("#lang")
    page.wait_for_selector("h1:has-text('Complaints')")
    page.wait_for_selector(f"article.complaint[data-id='{complaint.id}']")
    assert "Service attitude · Walk-in" in card.inner_text() and "Step due" in card.inner_text()
    page.click("#lang")
    page.wait_for_selector("h1:has-text('我的投诉')")
    page.wait_for_selector(f"article.complaint[data-id='{complaint.id}']")

    # The handler (the outlet's own manager) reads the customer whole, the photo, the timeline; acknowledges.
    card.locator("button.open-complaint").click()
    page.wait_for_selector("#step-form[data-step=acknowledge]")
    assert page.locator("#complaint-customer dd").inner_text() == "陈美玲"
    assert page.locator("#complaint-phone dd").inner_text() == "13812345678"
    page.wait_for_selector("#complaint-photos img.thumb")
    page.click("#complaint-photos button.photo-open")
    page.wait_for_function("() => document.querySelector('dialog.photo-view img')?.naturalWidth > 1000")
    page.click("dialog.photo-view button")
    assert page.locator("#timeline li").count() == 1
    _chinese_only(page, "complaint")
    _accessible(page, "complaint")
    _shot(page, "complaint-05-detail")
    page.click("#take-step")
    page.wait_for_selector("#complaint-status[data-status=acknowledged]")
    assert page.locator("#timeline li").count() == 2
    assert "已受理" in page.locator("#timeline li").first.inner_text()
    # The investigation asks whether it is upheld and what was found, before anything is sent.
    page.wait_for_selector("#step-form[data-step=investigate]")
    page.click("#take-step")
    assert page.locator("#upheld-error").inner_text() == "请选择是或否"
    assert page.locator("#step-note-error").inner_text() == "请填写说明"
    assert [c.status for c in _complaints()] == ["acknowledged"]
    _chinese_only(page, "investigation form")
    _accessible(page, "investigation form")
    _shot(page, "complaint-06-acknowledged")

    # Upheld, resolved, and the customer called back unhappy: the complaint opens again.
    page.click("#upheld button[data-value=true]")
    page.fill("#step-note", "监控显示柜员未按规范解释等候原因，属实。")
    page.click("#take-step")
    page.wait_for_selector("#step-form[data-step=resolve]")
    page.fill("#step-note", "网点负责人当面致歉，柜员已接受服务规范再培训。")
    page.click("#take-step")
    page.wait_for_selector("#step-form[data-step=call_back]")
    assert "客户不满意时，投诉将重新打开" in page.locator("#step-form").inner_text()
    page.click("#satisfied button[data-value=false]")
    page.fill("#step-note", "客户认为致歉不够诚恳。")
    page.click("#take-step")
    page.wait_for_selector("#step-form[data-step=investigate]")
    assert "重开 1 次" in page.locator("#complaint-status").inner_text()
    assert page.locator("#complaint-status").get_attribute("data-status") == "acknowledged"
    [reopened] = _complaints()
    assert (reopened.status, reopened.reopen_count, reopened.upheld) == ("acknowledged", 1, True)

    # Escalated with a reason: it goes to the sub-branch's ledger, and out of the manager's hands.
    page.click("details.escalation summary")
    page.click("#escalate")
    assert page.locator("#escalation-reason-error").inner_text() == "请填写上报原因"
    page.fill("#escalation-reason", "客户表示将向监管部门反映。")
    page.click("#escalate")
    page.wait_for_selector("#complaint-status:has-text('支行台账')")
    assert page.locator("#step-form").count() == 0 and page.locator("details.escalation").count() == 0
    assert [c.level for c in _complaints()] == ["branch"]
    # No longer its handler, the manager reads the customer masked.
    assert page.locator("#complaint-customer dd").inner_text() == "陈**"
    assert page.locator("#complaint-phone dd").inner_text() == "138****5678"
    assert page.locator("#complaint-handler dd").inner_text() == "钱主任"
    _chinese_only(page, "escalated")
    _shot(page, "complaint-07-escalated")
    assert page.errors == []

    page.click("text=‹ 我的投诉")
    page.wait_for_selector(f"article.complaint[data-id='{complaint.id}']")
    assert "陈**" in page.locator("#complaint-list").inner_text()
    assert "陈美玲" not in page.locator("#complaint-list").inner_text()

    # The sub-branch's administrator, its handler now, reads the customer whole and takes the next step.
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    admin = context.new_page()
    _log_in(admin, live_server, "admin", "#open-complaints")
    admin.click("#open-complaints")
    admin.wait_for_selector(f"article.complaint[data-id='{complaint.id}']")
    assert "陈美玲" in admin.locator("#complaint-list").inner_text()
    admin.locator("article.complaint button.open-complaint").click()
    admin.wait_for_selector("#step-form[data-step=investigate]")
    assert admin.locator("#complaint-phone dd").inner_text() == "13812345678"
    # An administrator records for any outlet: the form offers them, and the staff of the one chosen.
    admin.goto(f"{live_server}/app/#/complaints/new")
    admin.wait_for_selector("#complaint-form select")
    outlets = admin.locator("#complaint-form label select").first
    assert outlets.locator("option").all_inner_texts() == ["A01 元和支行", "B01 黄埭支行"]
    assert admin.locator("#c-outlet").count() == 0
    outlets.select_option(label="B01 黄埭支行")
    b_staff = [str(member.id) for member in org.staff_b]
    admin.wait_for_function(f"() => [...document.querySelectorAll('#c-staff option')].slice(1).map((o) => o.value).join() === '{','.join(b_staff)}'")
    context.close()


def test_a_complaint_whose_answer_was_lost_is_recorded_once(live_server, phone, org):
    """The server records the complaint but its answer never reaches the phone: the next flush finds it there
    instead of sending it again."""
    manager = _manager(org)
    page = phone
    _log_in(page, live_server, manager.username, ".outlet-home")
    page.goto(f"{live_server}/app/#/complaints/new")
    page.wait_for_selector("#complaint-form")
    _fill_intake(page, photo=False)
    lost = []

    def answer_lost(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server records it...
            lost.append(True)
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    page.route("**/api/v1/complaints", answer_lost)
    page.click("#c-save")
    for _ in range(200):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost and len(_complaints()) == 1
    # Whichever flush comes next (this one, or one the app started itself) finds it instead of sending it again.
    page.unroute("**/api/v1/complaints")
    page.click("#sync-now")
    page.wait_for_selector("article.complaint[data-sent-here='1']", timeout=30000)
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'")
    assert len(_complaints()) == 1
    assert page.locator("article.complaint").count() == 1


def test_an_intake_the_server_refuses_is_shown_and_corrected_on_the_phone(live_server, phone, org):
    """Recorded offline naming a teller who has meanwhile moved to another outlet: the server refuses it, the
    phone says so on the intake, and the corrected intake is sent."""
    manager = _manager(org)
    moved = org.staff_a[0]
    page = phone
    _log_in(page, live_server, manager.username, ".outlet-home")
    page.goto(f"{live_server}/app/#/complaints/new")
    page.wait_for_selector("#complaint-form")
    page.context.set_offline(True)
    _fill_intake(page, photo=True)
    page.click("#c-save")
    page.wait_for_selector("article.intake[data-state=waiting]")
    moved.outlet_id = org.outlet_b.id
    _db.session.commit()

    page.context.set_offline(False)
    page.wait_for_selector("article.intake[data-state=failed]", timeout=30000)
    intake = page.locator("article.intake")
    assert "未被受理，请修改" in intake.inner_text()
    assert "员工" in intake.locator("ul.reason").inner_text()  # the server's word on the field, in Chinese
    assert page.locator("#outbox").get_attribute("data-count") == "1"  # not sent, and said so
    _chinese_only(page, "refused intake")
    _shot(page, "complaint-08-refused")
    assert _complaints() == []

    page.click("article.intake button.fix-intake")
    page.wait_for_selector("#complaint-form")
    assert page.locator("#c-staff-error").is_visible()
    assert page.locator("#c-customer").input_value() == "陈美玲"
    assert page.locator("#c-photo-strip img.thumb").count() == 1
    assert "王晓燕" not in page.locator("#c-staff option").all_inner_texts()  # the outlet's list as it is now
    page.select_option("#c-staff", label="李志强")
    assert page.locator("#c-staff-error").is_hidden()
    page.click("#c-save")
    page.wait_for_selector("article.complaint[data-sent-here='1']", timeout=30000)
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'")
    assert page.locator("article.intake").count() == 0
    [complaint] = _complaints()
    assert complaint.staff_id == org.staff_a[1].id and complaint.customer_name == "陈美玲"
    assert page.errors == []
