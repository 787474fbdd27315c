"""Findings with their history, for the API and the pages."""
from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from sqlalchemy import select

from checklists.document import Checklist
from checklists.requirements import requirement_text
from checklists.store import published_checklist
from core.clock import local_today
from core.extensions import db
from inspections.models import Photo
from rectification import lateness
from rectification.models import Finding, Notice, Response, Verification


def with_overdue(finding: Finding, today: date | None = None) -> Finding:
    """The finding with whose lateness it carries: `overdue` is the outlet's (网点逾期), apart from
    `answered_late` and the verifier's `verification_overdue` (验证逾期)."""
    today = today or local_today()
    finding.overdue = lateness.is_outlet_overdue(finding, today)
    finding.answered_late = lateness.is_answered_late(finding)
    finding.verification_overdue = lateness.is_verification_overdue(finding, today)
    return finding


def _requirements(findings: list[Finding]) -> None:
    """Each finding's requirement in the reader's language: in Chinese as the notice prints it, in
    another language from the item of the checklist version the inspection was made with."""
    locale = str(get_locale() or "zh")
    checklists: dict[int, Checklist | None] = {}
    for finding in findings:
        finding.shown_requirement = finding.requirement
        if locale == "zh" or finding.inspection_id is None:  # a complaint's is written as given
            continue
        version_id = finding.inspection.checklist_version_id
        if version_id not in checklists:
            try:
                checklists[version_id] = published_checklist(version_id)[0]
            except LookupError:
                checklists[version_id] = None
        checklist = checklists[version_id]
        item = checklist.item(finding.item_key) if checklist is not None else None
        if item is not None:
            finding.shown_requirement = requirement_text(item, locale)


def _sources(findings: list[Finding]) -> None:
    """Each finding's notice, and for a complaint's the complaint (its id and number as its notice prints it)."""
    inspections = {f.inspection_id for f in findings if f.inspection_id is not None}
    complaints = {f.complaint_id for f in findings if f.complaint_id is not None}
    by_inspection, by_complaint = {}, {}
    if inspections or complaints:
        for notice in db.session.execute(select(Notice).where(
                Notice.inspection_id.in_(inspections) | Notice.complaint_id.in_(complaints))).scalars():
            if notice.inspection_id is not None:
                by_inspection[notice.inspection_id] = notice
            else:
                by_complaint[notice.complaint_id] = notice
    for finding in findings:
        notice = by_inspection.get(finding.inspection_id) if finding.inspection_id is not None else \
            by_complaint.get(finding.complaint_id)
        finding.notice_id = notice.id if notice is not None else None
        finding.complaint = None if finding.complaint_id is None else {
            "id": finding.complaint_id, "number": (notice.source or {}).get("number", "") if notice else ""}


def listed(findings: list[Finding]) -> list[Finding]:
    """Findings for a list: overdue or not, their requirement in the reader's language, and for an
    open one whose last answer was rejected, the reason (one query for the whole list)."""
    reopened = [f.id for f in findings if f.status == "open"]
    last_verdicts: dict[int, Verification] = {}
    if reopened:
        for verdict in db.session.execute(select(Verification).where(Verification.finding_id.in_(reopened))
                                          .order_by(Verification.id)).scalars():
            last_verdicts[verdict.finding_id] = verdict
    for finding in findings:
        with_overdue(finding)
        verdict = last_verdicts.get(finding.id)
        finding.rejection_reason = verdict.reason if verdict is not None and not verdict.accepted else None
    _requirements(findings)
    _sources(findings)
    return findings


def detail(finding: Finding) -> Finding:
    listed([finding])
    finding.responses = db.session.execute(select(Response).where(Response.finding_id == finding.id)
                                           .order_by(Response.id)).scalars().all()
    finding.verifications = db.session.execute(select(Verification).where(Verification.finding_id == finding.id)
                                               .order_by(Verification.id)).scalars().all()
    finding.after_photo_ids = db.session.execute(select(Photo.uuid).where(Photo.finding_id == finding.id)
                                                 .order_by(Photo.id)).scalars().all()
    return finding


def history(finding: Finding) -> list[dict]:
    """The finding's thread, newest first: each response with its after-photos and each verdict with
    its reason, down to the finding being raised. The raiser is not named (a mystery shopper stays
    unknown to the outlet)."""
    events = [{"kind": "raised", "at": finding.created_at, "text": finding.note or "",
               "photo_ids": list(finding.photo_ids or []), "by": None}]
    for response in db.session.execute(select(Response).where(Response.finding_id == finding.id)).scalars():
        events.append({"kind": "response", "at": response.created_at, "text": response.text,
                       "photo_ids": list(response.photo_ids or []), "by": response.author.display_name})
    for verdict in db.session.execute(select(Verification).where(Verification.finding_id == finding.id)).scalars():
        events.append({"kind": "accepted" if verdict.accepted else "rejected", "at": verdict.created_at,
                       "text": verdict.reason, "photo_ids": [], "by": verdict.inspector.display_name})
    order = {"raised": 0, "response": 1, "accepted": 2, "rejected": 2}
    return sorted(events, key=lambda event: (event["at"], order[event["kind"]]), reverse=True)


def finding_photo(finding: Finding, photo_uuid: str) -> Photo | None:
    """A photo belonging to this finding: its evidence or an after-photo."""
    photo = db.session.execute(select(Photo).where(Photo.uuid == photo_uuid.lower())).scalar()
    if photo is not None and photo.finding_id != finding.id and photo.uuid not in finding.photo_ids:
        return None
    return photo
