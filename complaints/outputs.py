"""A complaint as one reader may see it: the customer masked unless the reader handles it, the words in the
reader's language, and what the reader may do with it."""
from __future__ import annotations

from flask import url_for

from complaints import finding_link, labels, lifecycle, masking, photos
from complaints.models import Complaint
from core.clock import local_today
from core.permissions import can
from org.models import User


def next_step(complaint: Complaint) -> str | None:
    return next((step for step, (starts, _) in lifecycle.STEPS.items() if complaint.status in starts), None)


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.display_name or user.username} if user else None


def view(complaint: Complaint, reader: User) -> dict:
    name, phone = masking.customer_of(reader, complaint)
    return {
        "id": complaint.id, "number": complaint.number, "level": complaint.level,
        "outlet": {"id": complaint.outlet.id, "code": complaint.outlet.code, "name": complaint.outlet.name},
        "staff": {"id": complaint.staff.id, "name": complaint.staff.name} if complaint.staff else None,
        "channel": complaint.channel, "category": complaint.category, "severity": complaint.severity,
        "customer_name": name, "customer_phone": phone, "description": complaint.description,
        "request": complaint.request, "status": complaint.status, "received_on": complaint.received_on,
        "step_due_on": complaint.step_due_on, "due_on": complaint.due_on,
        "overdue": lifecycle.is_overdue(complaint.status, complaint.step_due_on, local_today()),
        "handler": _person(complaint.handler), "upheld": complaint.upheld, "findings_text": complaint.findings_text,
        "resolution": complaint.resolution, "reopen_count": complaint.reopen_count,
        "escalated_at": complaint.escalated_at, "closed_at": complaint.closed_at,
        "photos": [{"uuid": photo.uuid,
                    "url": url_for("complaints.get_photo", ident=complaint.id, photo_uuid=photo.uuid),
                    "thumb_url": url_for("complaints.get_photo", ident=complaint.id, photo_uuid=photo.uuid,
                                         variant="thumb")}
                   for photo in photos.photos_of(complaint)],
        "labels": labels.labels_of(complaint),
        "can": {"handle": can(reader, "complaint.handle", complaint) and not complaint.is_closed,
                "escalate": can(reader, "complaint.escalate", complaint) and not complaint.is_closed,
                "reassign": can(reader, "complaint.reassign", complaint) and not complaint.is_closed,
                "open_finding": can(reader, "complaint.open_finding", complaint)},
        "next_step": next_step(complaint),
    }


def detail(complaint: Complaint, reader: User) -> dict:
    findings = [{"id": f.id, "title": f.title, "severity": f.severity, "status": f.status, "due_date": f.due_date,
                 "url": url_for("rectification_pages.finding_page", ident=f.id)}
                for f in finding_link.findings_of(complaint)]
    return {**view(complaint, reader), "findings": findings, "events": [
        {"action": event.action, "label": labels.label(labels.EVENTS, event.action),
         "actor": (event.actor.display_name or event.actor.username) if event.actor else None,
         "note": event.note, "at": event.at} for event in complaint.events]}


def contact(pair) -> dict:
    outlet = pair.outlet
    return {"id": pair.id, "a_user": _person(pair.a_user), "a_phone": pair.a_phone, "b_user": _person(pair.b_user),
            "b_phone": pair.b_phone, "a_away_until": pair.a_away_until,
            "outlet": {"id": outlet.id, "code": outlet.code, "name": outlet.name} if outlet else None}
