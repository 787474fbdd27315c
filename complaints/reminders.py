"""Reminder mail about the ledger's deadlines, each in its recipient's language and without the customer: the
handler a working day before a step's deadline and after it has passed; once it has passed, the other of the A/B
pair too; and once an outlet's complaint is past its resolution deadline, the sub-branch's contact. Each reminder
is recorded, so that the daily run repeats one only every REMIND_EVERY_DAYS days."""
from __future__ import annotations

import smtplib
from collections import defaultdict
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from complaints import contacts, labels, lifecycle
from complaints.models import BRANCH, OUTLET, Complaint, ComplaintReminder
from core import mail
from core.extensions import db
from core.urls import public_url
from core.working_days import add_working_days
from org import reminder_mail
from org.models import User


def _open() -> list[Complaint]:
    return list(db.session.execute(
        select(Complaint).where(Complaint.status.in_(lifecycle.OPEN_STATUSES))
        .options(selectinload(Complaint.outlet)).order_by(Complaint.step_due_on, Complaint.id)).scalars())


def pending(today: date) -> dict[int, list[tuple[int, str]]]:
    """Who is to be reminded today of what: user id → (complaint id, reason)."""
    soon = add_working_days(today, lifecycle.DUE_SOON_DAYS)
    due: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for complaint in _open():
        if complaint.step_due_on < today:
            people = {complaint.handler_id}
            pair = contacts.pair_for(complaint.level, complaint.branch_id, complaint.outlet_id)
            people.add(contacts.stand_in(pair, complaint.handler_id, today))
            for user_id in people - {None}:
                due[user_id].append((complaint.id, "overdue"))
            if complaint.level == OUTLET and lifecycle.is_past_resolution(complaint.status, complaint.due_on, today):
                branch_handler = contacts.handler_for(BRANCH, complaint.branch_id, None, today)
                if branch_handler is not None and branch_handler not in people:
                    due[branch_handler].append((complaint.id, "escalated"))
        elif complaint.step_due_on <= soon and complaint.handler_id is not None:
            due[complaint.handler_id].append((complaint.id, "due_soon"))
    return _not_repeated(due, today)


def _not_repeated(due, today: date):
    ids = {complaint_id for items in due.values() for complaint_id, _reason in items}
    if not ids:
        return {}
    since = reminder_mail.repeat_after(today)
    recent = set(db.session.execute(select(ComplaintReminder.user_id, ComplaintReminder.complaint_id,
                                           ComplaintReminder.reason).where(
        ComplaintReminder.complaint_id.in_(ids), ComplaintReminder.sent_on >= since)).tuples())
    kept = {user_id: [item for item in items if (user_id, *item) not in recent] for user_id, items in due.items()}
    return {user_id: items for user_id, items in kept.items() if items}


def _line(complaint: Complaint, reason: str, today: date) -> str:
    values = {"number": complaint.number, "outlet": complaint.outlet.name,
              "category": labels.label(labels.CATEGORIES, complaint.category),
              "status": labels.label(labels.STATUSES, complaint.status), "due": complaint.step_due_on.isoformat(),
              "resolve_by": complaint.due_on.isoformat(),
              "url": public_url("complaints_pages.complaint_page", ident=complaint.id)}
    if reason == "due_soon":
        return _("- %(number)s · %(outlet)s · %(category)s (%(status)s): next step due %(due)s: %(url)s", **values)
    if reason == "escalated":
        return _("- %(number)s · %(outlet)s · %(category)s (%(status)s): the outlet has not resolved it by "
                 "%(resolve_by)s: %(url)s", **values)
    return _("- %(number)s · %(outlet)s · %(category)s (%(status)s): overdue since %(due)s: %(url)s", **values)


def _compose(user: User, chosen: list[tuple[Complaint, str]], today: date):
    with force_locale(user.locale if user.locale in ("zh", "en") else "zh"):
        subject = _("[Complaint reminder] %(count)d complaint(s) need your attention", count=len(chosen))
        body = "\n".join([_("These complaints have a deadline coming or past (deadlines in working days):"),
                          *(_line(complaint, reason, today) for complaint, reason in chosen)])
        return mail.message([user.email], subject, body)


def _remind(smtp: smtplib.SMTP, user_id: int, items: list[tuple[int, str]], today: date) -> int:
    """One person's reminder, recorded and sent in one unit of work: a refused mail is tried again next run."""
    user = db.session.get(User, user_id)
    found = {c.id: c for c in db.session.execute(
        select(Complaint).where(Complaint.id.in_({complaint_id for complaint_id, _r in items}))).scalars()}
    chosen = sorted(((found[complaint_id], reason) for complaint_id, reason in items),
                    key=lambda pair: (pair[1] == "due_soon", pair[0].step_due_on, pair[0].id))
    for complaint, reason in chosen:
        db.session.add(ComplaintReminder(complaint_id=complaint.id, user_id=user_id, reason=reason, sent_on=today))
    db.session.flush()
    smtp.send_message(_compose(user, chosen, today))
    return len(chosen)


def send_reminders(today: date) -> list[tuple[str, int]]:
    """Mail everyone to be reminded today who has an address: (address, number of complaints) per mail."""
    if not mail.configured():
        return []
    return reminder_mail.mail_each(pending(today), _remind, today, "complaint reminder")
