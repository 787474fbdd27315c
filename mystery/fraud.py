"""Validation flags on a mystery visit report, each with the evidence a reviewer needs to judge it.

Flags never block a submit; they tell the bank's reviewer where to look before accepting.
"""
from __future__ import annotations

import difflib
import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import Text, cast, func, or_, select

from core.audit import AuditEntry
from core.clock import local_zone
from core.extensions import db
from inspections.evidence import hash_distance
from inspections.models import Answer, Inspection, Photo

NEAR_DUPLICATE_BITS = 6
COPIED_TEXT_RATIO = 0.85
MIN_COMPARED_TEXT = 20


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    radius = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def _flag(code: str, **evidence) -> dict:
    """A flag keeps its code and evidence only: mystery.flag_texts says it in the reader's language when shown."""
    return {"code": code, "evidence": evidence}


def _window_flags(inspection: Inspection) -> list[dict]:
    assignment = inspection.assignment
    if assignment is None:
        return []
    zone = local_zone()
    flags = []
    for label, moment in (("arrival", inspection.started_at), ("departure", inspection.finished_at)):
        if moment is None:
            continue
        day = moment.astimezone(zone).date()
        if not assignment.window_start <= day <= assignment.window_end:
            flags.append(_flag("outside_window", moment_of=label, moment=moment.isoformat(),
                               window=[assignment.window_start.isoformat(), assignment.window_end.isoformat()]))
    return flags


def _distance_flags(inspection: Inspection, photos: list[Photo]) -> list[dict]:
    outlet = inspection.outlet
    if outlet.latitude is None or outlet.longitude is None:
        return []
    limit = current_app.config["MYSTERY_MAX_DISTANCE_M"]
    flags = []
    if inspection.latitude is not None and inspection.longitude is not None:
        metres = distance_m(inspection.latitude, inspection.longitude, outlet.latitude, outlet.longitude)
        if metres > limit:
            flags.append(_flag("far_from_outlet", metres=round(metres), limit=limit, source="phone"))
    for photo in photos:
        if photo.latitude is None or photo.longitude is None:
            continue
        metres = distance_m(photo.latitude, photo.longitude, outlet.latitude, outlet.longitude)
        if metres > limit:
            flags.append(_flag("photo_far_from_outlet", metres=round(metres), limit=limit, photo=photo.uuid))
    return flags


def _photo_time_flags(inspection: Inspection, photos: list[Photo]) -> list[dict]:
    start, end = inspection.started_at, inspection.finished_at or inspection.submitted_at
    if start is None or end is None:
        return []
    slack = timedelta(minutes=current_app.config["MYSTERY_PHOTO_TIME_SLACK_MIN"])
    return [
        _flag("photo_time_outside_visit", photo=photo.uuid, captured_at=photo.captured_at.isoformat(),
              visit=[start.isoformat(), end.isoformat()])
        for photo in photos
        if photo.captured_at is not None and not (start - slack <= photo.captured_at <= end + slack)
    ]


def _reused_photo_flags(inspection: Inspection, photos: list[Photo]) -> list[dict]:
    flags = []
    if not photos:
        return flags
    # Every other visit's evidence, read once for all of this visit's photos.
    others = db.session.execute(
        select(Photo.uuid, Photo.sha256, Photo.dhash, Inspection.uuid).join(Inspection)
        .where(Photo.inspection_id != inspection.id, Photo.purpose == "evidence",
               Inspection.kind == "mystery")).all()
    for photo in photos:
        for other_photo, sha256, dhash, other_inspection in others:
            same = sha256 == photo.sha256
            if same or (dhash and photo.dhash and hash_distance(dhash, photo.dhash) <= NEAR_DUPLICATE_BITS):
                flags.append(_flag("reused_photo", photo=photo.uuid, identical=same, other_photo=other_photo,
                                   other_inspection=other_inspection))
                break
    return flags


def _late_filing_flags(inspection: Inspection) -> list[dict]:
    visit_end = inspection.finished_at or inspection.started_at
    if visit_end is None or inspection.submitted_at is None:
        return []
    # A resubmission after a requested revision counts from the first filing: the time the bank
    # took to review is not the shopper's delay.
    first_filed = db.session.execute(select(func.min(AuditEntry.at)).where(
        AuditEntry.action == "inspection.submit", AuditEntry.object_type == Inspection.__tablename__,
        AuditEntry.object_id == str(inspection.id))).scalar()
    filed = min(first_filed, inspection.submitted_at) if first_filed else inspection.submitted_at
    hours = (filed - visit_end).total_seconds() / 3600
    limit = current_app.config["MYSTERY_MAX_FILING_HOURS"]
    if hours > limit:
        return [_flag("filed_late", hours=round(hours, 1), limit=limit)]
    return []


def _long_texts(rows) -> list[tuple[str, str, str]]:
    """(report, field, text) for the notes and free-text answers long enough to compare."""
    found = []
    for report, item_key, note, value in rows:
        if note and len(note.strip()) >= MIN_COMPARED_TEXT:
            found.append((report, f"note:{item_key}", note.strip()))
        if isinstance(value, str) and len(value.strip()) >= MIN_COMPARED_TEXT:
            found.append((report, f"text:{item_key}", value.strip()))
    return found


def _answer_texts(*where):
    # Check values are short words and choices are keys: only notes and text answers pass the length.
    return select(Inspection.uuid, Answer.item_key, Answer.note, Answer.value).join(
        Answer, Answer.inspection_id == Inspection.id).where(
        *where, or_(Answer.note != "", func.length(cast(Answer.value, Text)) >= MIN_COMPARED_TEXT))


def _copied_text_flags(inspection: Inspection) -> list[dict]:
    mine = {"narrative": (inspection.narrative or "").strip()}
    mine.update({field: text for _, field, text in _long_texts(db.session.execute(
        _answer_texts(Inspection.id == inspection.id)).all())})
    texts = {k: v for k, v in mine.items() if len(v) >= MIN_COMPARED_TEXT}
    if not texts:
        return []
    filed = (Inspection.kind == "mystery", Inspection.id != inspection.id, Inspection.status != "draft")
    others = db.session.execute(select(Inspection.uuid, Inspection.narrative).where(*filed)).all()
    corpus = [(u, t) for u, t in others if t and len(t) >= MIN_COMPARED_TEXT] + \
             [(u, t) for u, _, t in _long_texts(db.session.execute(_answer_texts(*filed)).all())]
    flags = []
    for where, text in texts.items():
        for other_uuid, other_text in corpus:
            ratio = difflib.SequenceMatcher(None, text, other_text).ratio()
            if ratio >= COPIED_TEXT_RATIO:
                flags.append(_flag("copied_text", field=where, other_inspection=other_uuid,
                                   similarity=round(ratio, 2)))
                break
    return flags


def flags_for(inspection: Inspection) -> list[dict]:
    photos = db.session.execute(select(Photo).where(Photo.inspection_id == inspection.id,
                                                    Photo.purpose == "evidence")).scalars().all()
    return (_window_flags(inspection) + _distance_flags(inspection, photos) + _photo_time_flags(inspection, photos)
            + _reused_photo_flags(inspection, photos) + _late_filing_flags(inspection)
            + _copied_text_flags(inspection))
