"""A complaint moved on through its page's forms: each step's form shown only to who may take it, a step refused
beside its field in Chinese, a reopen on an unhappy callback, escalation, a new handler, and a stale form answered
with a friendly 409."""
from __future__ import annotations

from sqlalchemy import select

from complaints.models import Complaint, ComplaintEvent
from tests.complaints.helpers import CUSTOMER_NAME, Browser, record, text_of


def _stored(db, ident: int) -> Complaint:
    db.session.expire_all()
    return db.session.get(Complaint, ident)


def _step(browser, complaint, step: str, **fields):
    return browser.post(f"/complaints/{complaint.id}", {"action": "step", "step": step, **fields})


def test_the_handler_takes_every_step_through_the_forms_with_a_reopen(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    handler = Browser(app, users["outlet_manager"])
    page = handler.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'name="step" value="acknowledge"' in page
    assert _step(handler, complaint, "acknowledge").status_code == 302
    refused = _step(handler, complaint, "investigate", note="")
    assert refused.status_code == 422
    assert "请说明投诉是否属实。" in refused.get_data(as_text=True)
    assert '<span class="field-error">请填写调查结果、处理情况或回访内容。</span>' in refused.get_data(as_text=True)
    assert _stored(db, complaint.id).status == "acknowledged"
    assert 'value="1"' in handler.get(f"/complaints/{complaint.id}").get_data(as_text=True)  # 是否属实 offered
    assert _step(handler, complaint, "investigate", upheld="1", note="监控显示柜员语气生硬").status_code == 302
    assert _step(handler, complaint, "resolve", note="网点负责人当面致歉").status_code == 302
    assert _step(handler, complaint, "call_back", satisfied="0", note="客户仍不满意").status_code == 302
    reopened = _stored(db, complaint.id)
    assert (reopened.status, reopened.reopen_count, reopened.upheld) == ("acknowledged", 1, True)
    page = text_of(handler.get(f"/complaints/{complaint.id}"))
    assert "重新处理：客户不满意" in page and "客户仍不满意" in page and "已重新处理 1 次" in page
    assert _step(handler, complaint, "investigate", upheld="1", note="再次核实").status_code == 302
    assert _step(handler, complaint, "resolve", note="补充说明").status_code == 302
    assert _step(handler, complaint, "call_back", satisfied="1", note="客户表示满意").status_code == 302
    assert _step(handler, complaint, "close").status_code == 302
    closed = _stored(db, complaint.id)
    assert closed.status == "closed"
    assert [e.action for e in closed.events] == ["received", "acknowledged", "investigated", "resolved", "reopened",
                                                 "investigated", "resolved", "called_back", "closed"]
    page = handler.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'name="action" value="step"' not in page and 'value="escalate"' not in page and "已关闭" in page


def test_a_stale_step_is_answered_with_a_friendly_conflict_and_the_page_as_stored(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    handler = Browser(app, users["outlet_manager"])
    assert _step(handler, complaint, "acknowledge").status_code == 302
    again = _step(handler, complaint, "acknowledge")  # a second tab's form
    assert again.status_code == 409
    text = text_of(again)
    assert "此投诉刚被他人处理，请刷新后再试。" in text and "刷新" in text and "已受理" in text
    assert len(_stored(db, complaint.id).events) == 2


def test_a_reader_who_may_not_handle_sees_no_form_and_is_refused_the_post(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    for role in ("viewer",):
        browser = Browser(app, users[role])
        assert 'value="step"' not in browser.get(f"/complaints/{complaint.id}").get_data(as_text=True)
        assert _step(browser, complaint, "acknowledge").status_code == 403
    deputy = Browser(app, org.user("outlet_manager", "deputy", outlet=org.outlet_a))
    page = deputy.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'value="step"' not in page and 'value="escalate"' in page  # the own outlet's people may escalate
    assert _step(deputy, complaint, "acknowledge").status_code == 403
    stranger = Browser(app, org.user("outlet_manager", "manager_b", outlet=org.outlet_b))
    assert _step(stranger, complaint, "acknowledge").status_code == 404
    for role in ("inspector", "remote_monitor", "mystery_shopper"):
        assert _step(Browser(app, users[role]), complaint, "acknowledge").status_code == 403
    assert _stored(db, complaint.id).status == "received"
    admin = Browser(app, users["admin"])  # the admin supervises every complaint
    assert 'value="step"' in admin.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert _step(admin, complaint, "acknowledge").status_code == 302


def test_an_outlet_escalates_to_the_sub_branch_with_a_reason(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    manager = Browser(app, users["outlet_manager"])
    refused = manager.post(f"/complaints/{complaint.id}", {"action": "escalate", "reason": "  "})
    assert refused.status_code == 422 and "请说明上报支行的原因。" in refused.get_data(as_text=True)
    assert _stored(db, complaint.id).level == "outlet"
    assert manager.post(f"/complaints/{complaint.id}", {"action": "escalate", "reason": "客户要求支行答复"}
                        ).status_code == 302
    escalated = _stored(db, complaint.id)
    assert escalated.level == "branch" and escalated.handler_id == users["admin"].id
    page = manager.get(f"/complaints/{complaint.id}")
    assert page.status_code == 200 and "已上报支行" in text_of(page) and "支行台账" in text_of(page)
    assert 'value="escalate"' not in page.get_data(as_text=True)
    assert CUSTOMER_NAME not in page.get_data(as_text=True)  # no longer the handler
    in_branch = text_of(Browser(app, users["viewer"]).get("/complaints/?level=branch"))
    assert complaint.number in in_branch
    assert complaint.number not in text_of(Browser(app, users["viewer"]).get("/complaints/?level=outlet"))


def test_the_admin_hands_a_complaint_to_another_handler(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    deputy = org.user("outlet_manager", "deputy", outlet=org.outlet_a)
    stranger = org.user("outlet_manager", "manager_b", outlet=org.outlet_b)
    admin = Browser(app, users["admin"])
    page = admin.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert f'<option value="{deputy.id}"' in page and f'<option value="{stranger.id}"' not in page
    refused = admin.post(f"/complaints/{complaint.id}", {"action": "reassign", "handler_id": str(stranger.id)})
    assert refused.status_code == 422 and "请选择可以经办此投诉的在用账号。" in refused.get_data(as_text=True)
    assert admin.post(f"/complaints/{complaint.id}", {"action": "reassign", "handler_id": "x"}).status_code == 422
    assert admin.post(f"/complaints/{complaint.id}", {"action": "reassign", "handler_id": str(deputy.id)}
                      ).status_code == 302
    assert _stored(db, complaint.id).handler_id == deputy.id
    assert CUSTOMER_NAME in Browser(app, deputy).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert CUSTOMER_NAME not in Browser(app, users["outlet_manager"]).get(f"/complaints/{complaint.id}"
                                                                          ).get_data(as_text=True)
    manager = Browser(app, users["outlet_manager"])
    assert 'value="reassign"' not in manager.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert manager.post(f"/complaints/{complaint.id}", {"action": "reassign", "handler_id": str(deputy.id)}
                        ).status_code == 403


def test_an_unknown_action_is_refused_in_chinese(app, db, org, users):
    complaint = record(db, org, users["outlet_manager"])
    response = Browser(app, users["admin"]).post(f"/complaints/{complaint.id}", {"action": "delete"})
    assert response.status_code == 400 and "表单内容与本页不符，请刷新页面后重试。" in text_of(response)
    assert db.session.execute(select(ComplaintEvent.action)).scalars().all() == ["received"]


def test_the_admin_opens_a_finding_from_the_complaint_page(app, db, org, users):
    from rectification.models import Finding

    complaint = record(db, org, users["admin"], level="branch")
    outlet = Browser(app, users["outlet_manager"])
    assert 'value="open_finding"' not in outlet.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert outlet.post(f"/complaints/{complaint.id}", {"action": "open_finding", "title": "x", "severity": "major"}
                       ).status_code == 403
    admin = Browser(app, users["admin"])
    page = admin.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'value="open_finding"' in page and "从此投诉发起的整改" in page
    refused = admin.post(f"/complaints/{complaint.id}", {"action": "open_finding", "title": "", "severity": "major",
                                                         "due_date": "明天"})
    assert refused.status_code in (400, 422)
    assert "2026-11-30" in refused.get_data(as_text=True) or "日期" in refused.get_data(as_text=True)
    assert db.session.query(Finding).count() == 0
    opened = admin.post(f"/complaints/{complaint.id}", {"action": "open_finding", "title": "柜员服务用语不规范",
                                                        "requirement": "组织柜员服务礼仪复训", "severity": "major",
                                                        "staff_id": str(org.staff_a[0].id)})
    assert opened.status_code == 302
    page = text_of(admin.get(f"/complaints/{complaint.id}"))
    assert "柜员服务用语不规范" in page and "已发起整改" in page
    db.session.expire_all()
    finding = db.session.query(Finding).one()
    assert finding.complaint_id == complaint.id and finding.staff_id == org.staff_a[0].id
