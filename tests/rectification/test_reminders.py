"""The daily reminder mail: outlet managers before and after their deadlines, the verifiers of answers
waiting past their verification due date; each in the recipient's language, sent once and repeated
only every REMIND_EVERY_DAYS, never to anyone who may not act on the finding."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rectification.models import Reminder
from rectification.reminders import send_reminders
from tests.inspections.helpers import rows


@pytest.fixture
def people(org, users, db):
    """Reachable people of every kind, and some who must never be reminded."""
    def reachable(user, address, locale="zh"):
        user.email, user.locale = address, locale
        return user

    found = {
        "manager_a": reachable(users["outlet_manager"], "a.manager@example.com"),
        "manager_a_en": reachable(org.user("outlet_manager", "manager_a_en", outlet=org.outlet_a),
                                  "a.deputy@example.com", "en"),
        "manager_b": reachable(org.user("outlet_manager", "manager_b", outlet=org.outlet_b), "b.manager@example.com"),
        "inspector": reachable(users["inspector"], "inspector@example.com"),
        "inspector_2": reachable(org.user("inspector", "inspector_2"), "inspector2@example.com", "en"),
        "monitor": reachable(users["remote_monitor"], "monitor@example.com"),
        "viewer": reachable(users["viewer"], "viewer@example.com"),
        "admin": reachable(users["admin"], "admin@example.com"),
        "shopper": reachable(users["mystery_shopper"], "shopper@example.com"),
    }
    org.user("outlet_manager", "manager_a_no_mail", outlet=org.outlet_a)
    gone = reachable(org.user("inspector", "inspector_gone"), "gone@example.com")
    gone.active = False
    db.session.commit()
    return found


@pytest.fixture
def waiting(org, add_finding, bare, people, db):
    """On 10 March: at A one finding past its deadline, one due tomorrow, one answered in time whose
    verification is overdue (raised by the inspector); at B one answered in time, verification overdue,
    raised by the remote monitor (who may not verify it), and one answered in time, still in its time."""
    a, b = org.outlet_a, org.outlet_b
    bare[b.id].inspector_id = people["monitor"].id
    db.session.commit()
    return {
        "a_overdue": add_finding(a, "叫号机故障", due=date(2026, 3, 8)),
        "a_soon": add_finding(a, "填单台缺笔", due=date(2026, 3, 11)),
        "a_waiting": add_finding(a, "地面有水渍", due=date(2026, 3, 9), status="responded",
                                 responded_at=datetime(2026, 3, 4, 2, tzinfo=UTC), verify_by=date(2026, 3, 7)),
        "a_later": add_finding(a, "宣传折页过期", due=date(2026, 3, 20)),
        "b_waiting": add_finding(b, "利率牌未更新", due=date(2026, 3, 12), status="responded",
                                 responded_at=datetime(2026, 3, 5, 2, tzinfo=UTC), verify_by=date(2026, 3, 8)),
        "b_in_time": add_finding(b, "饮水机无水", due=date(2026, 3, 12), status="responded",
                                 responded_at=datetime(2026, 3, 9, 2, tzinfo=UTC), verify_by=date(2026, 3, 12)),
        "b_secret": add_finding(b, "暗访发现", due=date(2026, 3, 1), published=False),
    }


def mails(sink) -> dict[str, tuple[str, str]]:
    return {recipients[0]: (message["Subject"], message.get_content()) for recipients, message in sink.messages}


def test_each_person_gets_one_mail_about_what_they_can_act_on_in_their_language(waiting, smtp_sink, people):
    sent = send_reminders(date(2026, 3, 10))
    assert dict(sent) == {"a.deputy@example.com": 2, "a.manager@example.com": 2, "inspector@example.com": 2,
                          "inspector2@example.com": 1}
    got = mails(smtp_sink)
    assert set(got) == {"a.manager@example.com", "a.deputy@example.com", "inspector@example.com",
                        "inspector2@example.com"}  # nobody at B has anything to do; viewer, admin, monitor: nothing

    subject, body = got["a.manager@example.com"]
    assert subject == "【整改提醒】元和支行 2 项"
    assert "以下问题已超过整改期限仍未整改（网点逾期）：\n- 叫号机故障（整改期限 2026-03-08，已逾期 2 天）" in body
    assert "以下问题即将到整改期限：\n- 填单台缺笔（整改期限 2026-03-11）" in body
    assert "地面有水渍" not in body and "宣传折页过期" not in body  # answered in time; due later
    subject, body = got["a.deputy@example.com"]
    assert subject == "[Rectification reminder] 元和支行: 2 finding(s)"
    assert "- 叫号机故障 (deadline 2026-03-08, 2 day(s) overdue)" in body

    # A's waiting answer goes to the inspector who raised it; B's, raised by the monitor, to every inspector.
    subject, body = got["inspector@example.com"]
    assert subject == "【验证提醒】2 项整改回复待验证"
    assert "- 元和支行 · 地面有水渍（回复于 2026-03-04，验证期限 2026-03-07，已逾期 3 天）：http" in body
    assert f"/findings/{waiting['a_waiting'].id}\n" in body
    assert "黄埭支行 · 利率牌未更新" in body and "饮水机无水" not in body
    subject, body = got["inspector2@example.com"]
    assert subject == "[Verification reminder] 1 response(s) waiting for verification"
    assert "黄埭支行 · 利率牌未更新 (answered 2026-03-05, to be verified by 2026-03-08, 2 day(s) overdue)" in body
    assert "地面有水渍" not in body  # raised by the other inspector, who is reachable

    recorded = {(r.user_id, r.finding_id, r.reason) for r in rows(Reminder)}
    assert (people["inspector"].id, waiting["a_waiting"].id, "verification_overdue") in recorded
    assert (people["manager_a"].id, waiting["a_soon"].id, "due_soon") in recorded
    assert len(recorded) == 2 + 2 + 2 + 1


def test_a_reminder_is_repeated_only_after_the_cadence(waiting, smtp_sink, app):
    assert send_reminders(date(2026, 3, 10))
    smtp_sink.messages.clear()
    assert send_reminders(date(2026, 3, 10)) == []  # the same day again: nothing
    # Two days later, within REMIND_EVERY_DAYS (3), only what is new: the finding due on the 11th is overdue.
    assert dict(send_reminders(date(2026, 3, 12))) == {"a.manager@example.com": 1, "a.deputy@example.com": 1}
    body = mails(smtp_sink)["a.manager@example.com"][1]
    assert "填单台缺笔（整改期限 2026-03-11，已逾期 1 天）" in body and "叫号机故障" not in body
    smtp_sink.messages.clear()

    again = dict(send_reminders(date(2026, 3, 13)))
    # Three days on, what was overdue on the 10th is repeated; the answer to be verified by the 12th is new.
    assert again == {"a.manager@example.com": 1, "a.deputy@example.com": 1, "inspector@example.com": 3,
                     "inspector2@example.com": 2}
    assert "叫号机故障" in mails(smtp_sink)["a.manager@example.com"][1]
    assert "饮水机无水" in mails(smtp_sink)["inspector@example.com"][1]


def test_nothing_is_sent_or_recorded_without_a_mail_server(waiting, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "")
    assert send_reminders(date(2026, 3, 10)) == []
    assert rows(Reminder) == []


def test_the_daily_command_sends_them(waiting, smtp_sink, runner):
    result = runner.invoke(args=["overdue-findings", "--date", "2026-03-10"])
    assert result.exit_code == 0, result.output
    assert "mailed a.manager@example.com: 2" in result.output
    assert "mailed inspector@example.com: 2" in result.output
    assert "A01 元和支行: 1 waiting for verification past due" in result.output
    assert len(smtp_sink.messages) == 4
    rerun = runner.invoke(args=["overdue-findings", "--date", "2026-03-10"])
    assert rerun.exit_code == 0 and "mailed" not in rerun.output and len(smtp_sink.messages) == 4
