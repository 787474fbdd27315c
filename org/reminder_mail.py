"""Reminder mail, person by person: each person's reminder is recorded and sent in one unit of work, so that a mail
the server refuses rolls its record back and the next run tries again; a reminder repeats only every
REMIND_EVERY_DAYS days."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from core import mail, unit_of_work
from core.extensions import db
from org.models import User

log = logging.getLogger(__name__)

Remind = Callable[[smtplib.SMTP, int, list, date], int]


def repeat_after(today: date) -> date:
    """The first day whose reminders still count as recent: one sent on or after it is not sent again today."""
    return today - timedelta(days=max(1, current_app.config["REMIND_EVERY_DAYS"]) - 1)


def mail_each(due: dict[int, list], remind: Remind, today: date, what: str) -> list[tuple[str, int]]:
    """`remind(smtp, user_id, items, today)` records and sends one person's mail and returns how many items it
    names; it runs for every active person with an address. Returns (address, items) per mail sent."""
    if not due or not mail.configured():
        return []
    addresses = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_(list(due)), User.active.is_(True), User.email != "")).tuples().all())
    sent = []
    with mail.connection() as smtp:
        for user_id, items in due.items():
            if user_id not in addresses:
                continue
            try:
                count = unit_of_work.committed(remind)(smtp, user_id, items, today)
            except smtplib.SMTPRecipientsRefused:
                log.warning("%s to %s refused by the mail server", what, addresses[user_id])
                continue
            sent.append((addresses[user_id], count))
    return sent
