"""Overdue findings, reminders by mail, and closure figures per outlet and month."""
from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from flask import current_app
from sqlalchemy import select

from core.clock import local_zone
from core.extensions import db
from core.urls import public_url
from org.models import Outlet, User
from rectification.models import Finding


def overdue_by_outlet(today: date) -> dict[Outlet, list[Finding]]:
    rows = db.session.execute(
        select(Finding).where(Finding.published.is_(True), Finding.status != "closed", Finding.due_date < today)
        .order_by(Finding.outlet_id, Finding.due_date)).scalars().all()
    result: dict[Outlet, list[Finding]] = defaultdict(list)
    for finding in rows:
        result[finding.outlet].append(finding)
    return dict(result)


def _reminder(outlet: Outlet, findings: list[Finding], today: date) -> str:
    lines = [f"{outlet.name}：以下 {len(findings)} 项整改已超过期限，请尽快完成并上传整改照片。", ""]
    for finding in findings:
        days = (today - finding.due_date).days
        lines.append(f"- {finding.title}（期限 {finding.due_date.isoformat()}，已逾期 {days} 天，状态 {finding.status}）")
    lines += ["", f"查看与回复：{public_url('rectification_pages.finding_list', status='open')}"]
    return "\n".join(lines)


def send_reminders(today: date) -> list[tuple[str, int]]:
    """Mail each outlet's managers their overdue findings; returns (recipient, count) pairs."""
    url = current_app.config.get("SMTP_URL")
    overdue = overdue_by_outlet(today)
    if not url or not overdue:
        return []
    parsed = urlparse(url)
    sent = []
    smtp_class = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parsed.hostname, parsed.port or (465 if parsed.scheme == "smtps" else 25), timeout=20) as smtp:
        if parsed.scheme == "smtp+starttls":
            smtp.starttls()
        if parsed.username:
            smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
        for outlet, findings in overdue.items():
            recipients = [u.email for u in db.session.execute(
                select(User).where(User.outlet_id == outlet.id, User.role == "outlet_manager",
                                   User.active.is_(True), User.email != "")).scalars()]
            if not recipients:
                continue
            message = EmailMessage()
            message["Subject"] = f"【整改逾期提醒】{outlet.name} {len(findings)} 项"
            message["From"] = current_app.config["MAIL_FROM"]
            message["To"] = ", ".join(recipients)
            message.set_content(_reminder(outlet, findings, today))
            smtp.send_message(message)
            sent.extend((recipient, len(findings)) for recipient in recipients)
    return sent


@dataclass(frozen=True)
class ClosureFigures:
    outlet_id: int
    month: str
    total: int
    closed: int
    average_days_to_close: float | None

    @property
    def closure_rate(self) -> float:
        return round(self.closed / self.total * 100, 1) if self.total else 100.0


def closure_by_outlet_month(since: datetime | None = None, until: datetime | None = None,
                            outlet_id: int | None = None) -> list[ClosureFigures]:
    """Findings raised per outlet and month (local time) from `since` to before `until`, at one outlet
    or all, how many are closed, and how fast; by outlet, then month."""
    zone = local_zone()
    query = select(Finding.outlet_id, Finding.created_at, Finding.status, Finding.closed_at).where(
        Finding.published.is_(True))
    if since is not None:
        query = query.where(Finding.created_at >= since)
    if until is not None:
        query = query.where(Finding.created_at < until)
    if outlet_id is not None:
        query = query.where(Finding.outlet_id == outlet_id)
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for finding in db.session.execute(query):
        month = finding.created_at.astimezone(zone).strftime("%Y-%m")
        groups[(finding.outlet_id, month)].append(finding)
    figures = []
    for (outlet, month), findings in sorted(groups.items()):
        closed = [f for f in findings if f.status == "closed" and f.closed_at]
        days = [(f.closed_at - f.created_at).total_seconds() / 86400 for f in closed]
        figures.append(ClosureFigures(outlet, month, len(findings), len(closed),
                                      round(sum(days) / len(days), 1) if days else None))
    return figures
