"""Reminder mail person by person: a mail the server refuses rolls back that person's record (so the next run tries
again) and the others still go; people without an address or no longer active are left out."""
from __future__ import annotations

import email
import email.policy
import smtplib
from datetime import date

from aiosmtpd.controller import Controller
from sqlalchemy import select

from core import audit, mail
from core.audit import AuditEntry
from org import reminder_mail
from tests.rectification.conftest import free_port

REFUSED = "gone@example.com"


class RefusingOne:
    def __init__(self):
        self.received: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(parsed["To"])
        return "250 OK"


def _remind(smtp: smtplib.SMTP, user_id: int, items: list, today: date) -> int:
    audit.record_now("test.reminded", object_type="user", object_id=str(user_id))
    smtp.send_message(mail.message([items[0]], "提醒", "正文"))  # items name the address, for the test
    return len(items)


def test_a_refused_mail_rolls_its_record_back_and_the_others_go(app, db, org, users, monkeypatch):
    users["inspector"].email, users["viewer"].email = "inspector@example.com", REFUSED
    users["admin"].email = "admin@example.com"
    users["admin"].active = False
    db.session.commit()
    handler = RefusingOne()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    try:
        due = {users["inspector"].id: ["inspector@example.com", "second"], users["viewer"].id: [REFUSED],
               users["admin"].id: ["admin@example.com"], users["remote_monitor"].id: ["nobody@example.com"]}
        sent = reminder_mail.mail_each(due, _remind, date(2026, 3, 10), "test reminder")
        db.session.commit()
    finally:
        controller.stop()
    assert sent == [("inspector@example.com", 2)]
    assert handler.received == ["inspector@example.com"]
    recorded = db.session.execute(select(AuditEntry.object_id).where(AuditEntry.action == "test.reminded")).scalars()
    assert list(recorded) == [str(users["inspector"].id)]  # the refused one's record was rolled back


def test_nothing_is_sent_without_a_mail_server_or_anyone_due(app, users, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "")
    assert reminder_mail.mail_each({users["inspector"].id: ["x"]}, _remind, date(2026, 3, 10), "test") == []
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:9")  # never reached: nobody is due
    assert reminder_mail.mail_each({}, _remind, date(2026, 3, 10), "test") == []


def test_a_reminder_counts_as_recent_for_remind_every_days(app, monkeypatch):
    monkeypatch.setitem(app.config, "REMIND_EVERY_DAYS", 3)
    assert reminder_mail.repeat_after(date(2026, 3, 10)) == date(2026, 3, 8)
    monkeypatch.setitem(app.config, "REMIND_EVERY_DAYS", 0)
    assert reminder_mail.repeat_after(date(2026, 3, 10)) == date(2026, 3, 10)
