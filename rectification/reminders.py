"""Reminder mail, each in its recipient's language: an outlet's managers before their deadline and
once it has passed; the verifiers when an outlet's answer waits past its verification due date (the
inspector who raised the finding, or, when that person may not verify it, every inspector). Each
reminder sent is recorded, so that the daily run repeats one only every REMIND_EVERY_DAYS days."""
from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from core import mail
from core.extensions import db
from core.permissions import Role, can
from core.urls import public_url
from inspections.models import Inspection
from org import reminder_mail
from org.models import User
from rectification import lateness
from rectification.models import Finding, Reminder


@dataclass(frozen=True)
class Due:
    finding_id: int
    reason: str  # due_soon, overdue or verification_overdue


def _findings(condition) -> list[Finding]:
    return list(db.session.execute(
        select(Finding).where(Finding.published.is_(True), condition)
        .options(selectinload(Finding.outlet), selectinload(Finding.inspection).selectinload(Inspection.inspector),
                 selectinload(Finding.opened_by))
        .order_by(Finding.due_date, Finding.id)).scalars())


def _reachable(query) -> list[User]:
    return list(db.session.execute(query.where(User.active.is_(True), User.email != "").order_by(User.id)).scalars())


def _outlet_due(today: date) -> dict[int, list[Due]]:
    """Per outlet manager: the findings of the outlet past their deadline or soon due."""
    soon = today + timedelta(days=current_app.config["REMIND_DAYS_BEFORE"])
    wanted = [(finding, "overdue") for finding in _findings(lateness.outlet_overdue(today))]
    wanted += [(finding, "due_soon") for finding in _findings(
        and_(Finding.status == "open", Finding.due_date >= today, Finding.due_date <= soon))]
    managers: dict[int, list[User]] = defaultdict(list)
    for user in _reachable(select(User).where(User.role == Role.OUTLET_MANAGER.value,
                                              User.outlet_id.in_({finding.outlet_id for finding, _reason in wanted}))):
        managers[user.outlet_id].append(user)
    result: dict[int, list[Due]] = defaultdict(list)
    for finding, reason in wanted:
        for user in managers[finding.outlet_id]:
            if can(user, "finding.respond", finding):
                result[user.id].append(Due(finding.id, reason))
    return result


def _verifier_due(today: date) -> dict[int, list[Due]]:
    """Per verifier: the answers waiting past their verification due date. The inspector who raised
    the finding (a complaint's: who opened it) verifies it; when that person may not (a mystery shopper, a
    remote monitor, an outlet manager handling the complaint, someone gone), every inspector who may is
    reminded."""
    waiting = _findings(lateness.verification_overdue(today))
    if not waiting:
        return {}
    inspectors = _reachable(select(User).where(User.role == Role.INSPECTOR.value))
    result: dict[int, list[Due]] = defaultdict(list)
    for finding in waiting:
        raiser = finding.inspection.inspector if finding.inspection is not None else finding.opened_by
        if raiser is not None and raiser.email and can(raiser, "finding.verify", finding):
            result[raiser.id].append(Due(finding.id, "verification_overdue"))
            continue
        for user in inspectors:
            if can(user, "finding.verify", finding):
                result[user.id].append(Due(finding.id, "verification_overdue"))
    return result


def _not_repeated(due: dict[int, list[Due]], today: date) -> dict[int, list[Due]]:
    """Leave out what the same person was reminded of, for the same reason, in the last REMIND_EVERY_DAYS."""
    finding_ids = {item.finding_id for items in due.values() for item in items}
    if not finding_ids:
        return {}
    since = reminder_mail.repeat_after(today)
    recent = set(db.session.execute(select(Reminder.user_id, Reminder.finding_id, Reminder.reason).where(
        Reminder.finding_id.in_(finding_ids), Reminder.sent_on >= since)).tuples())
    kept = {user_id: [item for item in items if (user_id, item.finding_id, item.reason) not in recent]
            for user_id, items in due.items()}
    return {user_id: items for user_id, items in kept.items() if items}


def pending(today: date) -> dict[int, list[Due]]:
    """Who is to be reminded today of what (user id → findings with their reason)."""
    due: dict[int, list[Due]] = defaultdict(list)
    for part in (_outlet_due(today), _verifier_due(today)):
        for user_id, items in part.items():
            due[user_id].extend(items)
    return _not_repeated(due, today)


def _days(later: date, earlier: date | None) -> int:
    return (later - earlier).days if earlier else 0


def _outlet_body(findings: list[tuple[Finding, str]], today: date) -> str:
    lines = []
    overdue = [finding for finding, reason in findings if reason == "overdue"]
    soon = [finding for finding, reason in findings if reason == "due_soon"]
    if overdue:
        lines.append(_("Past the deadline and not yet rectified (outlet overdue):"))
        lines += [_("- %(title)s (deadline %(deadline)s, %(days)d day(s) overdue)", title=f.title,
                    deadline=f.due_date.isoformat(), days=_days(today, f.due_date)) for f in overdue]
        lines.append("")
    if soon:
        lines.append(_("Deadline coming soon:"))
        lines += [_("- %(title)s (deadline %(deadline)s)", title=f.title, deadline=f.due_date.isoformat())
                  for f in soon]
        lines.append("")
    lines.append(_("Please complete the rectification and upload photos taken after the fix: %(url)s",
                   url=public_url("rectification_pages.finding_list", status="open")))
    return "\n".join(lines)


def _verifier_body(findings: list[tuple[Finding, str]], today: date) -> str:
    lines = [_("These responses have waited past their verification due date (verification overdue):")]
    for finding, _reason in findings:
        lines.append(_("- %(outlet)s · %(title)s (answered %(answered)s, to be verified by %(due)s, "
                       "%(days)d day(s) overdue): %(url)s", outlet=finding.outlet.name, title=finding.title,
                       answered=lateness.local_day(finding.responded_at).isoformat() if finding.responded_at else "—",
                       due=finding.verification_due_date.isoformat(),
                       days=_days(today, finding.verification_due_date),
                       url=public_url("rectification_pages.finding_page", ident=finding.id)))
    return "\n".join(lines)


def _compose(user: User, findings: list[tuple[Finding, str]], today: date):
    with force_locale(user.locale if user.locale in ("zh", "en") else "zh"):
        if user.role == Role.OUTLET_MANAGER.value:
            subject = _("[Rectification reminder] %(outlet)s: %(count)d finding(s)",
                        outlet=findings[0][0].outlet.name, count=len(findings))
            return mail.message([user.email], subject, _outlet_body(findings, today))
        subject = _("[Verification reminder] %(count)d response(s) waiting for verification", count=len(findings))
        return mail.message([user.email], subject, _verifier_body(findings, today))


def _remind(smtp: smtplib.SMTP, user_id: int, items: list[Due], today: date) -> int:
    """One person's reminder: recorded, then sent, in one unit of work. A mail the server refuses rolls
    the record back, so the next run tries again."""
    user = db.session.get(User, user_id)
    findings = {f.id: f for f in db.session.execute(
        select(Finding).where(Finding.id.in_({item.finding_id for item in items}))).scalars()}
    chosen = [(findings[item.finding_id], item.reason) for item in items]
    order = {"overdue": 0, "verification_overdue": 0, "due_soon": 1}
    chosen.sort(key=lambda pair: (order[pair[1]], pair[0].due_date or today, pair[0].id))
    for finding, reason in chosen:
        db.session.add(Reminder(finding_id=finding.id, user_id=user_id, reason=reason, sent_on=today))
    db.session.flush()
    smtp.send_message(_compose(user, chosen, today))
    return len(chosen)


def send_reminders(today: date) -> list[tuple[str, int]]:
    """Mail everyone who is to be reminded today; returns (address, number of findings) per mail sent."""
    if not mail.configured():
        return []
    return reminder_mail.mail_each(pending(today), _remind, today, "reminder")
