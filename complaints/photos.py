"""A complaint's evidence photos through the same checks as inspection photos: uploaded one by one under the
phone's UUID before the complaint is sent (a retry of the same bytes is the same photo), or several at once with
the web form; the display copy and thumbnail are made on upload, so every reader gets a picture at once."""
from __future__ import annotations

import io
import uuid as uuids
from collections.abc import Iterable

from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from complaints.models import Complaint, ComplaintPhoto
from core import audit, unit_of_work
from core.clock import local_zone
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.storage import storage
from core.unit_of_work import end_read_transaction
from inspections import evidence, photostore
from org.models import User

PREFIX = "complaint"
VARIANTS = {"display": "display_key", "thumb": "thumb_key"}
MAX_PHOTOS = 9


def _stored_with_copies(data: bytes) -> photostore.StoredPhoto:
    stored = photostore.store(data, PREFIX, local_zone())
    if stored.display_key is None:  # a picture slow to decode (a large HEIC): its copies made now, once
        try:
            derived = evidence.derive(data, max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
                                      decode_budget=current_app.config["PHOTO_DECODE_BYTES"])
            stored.display_key, stored.thumb_key, stored.dhash = photostore._put_derivatives(
                PREFIX, derived, stored.written)
        except BaseException:
            stored.discard()
            raise
    return stored


def _record(stored: photostore.StoredPhoto, photo_uuid: str, actor: User) -> ComplaintPhoto:
    photo = ComplaintPhoto(uuid=photo_uuid, uploaded_by_id=actor.id, **stored.columns())
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except BaseException:
        stored.discard()
        raise
    unit_of_work.on_rollback(stored.discard)
    audit.record("complaint.photo", photo, actor=actor, details={"sha256": stored.facts.sha256})
    return photo


def put(photo_uuid: str, data: bytes, declared_sha256: str | None, actor: User) -> tuple[ComplaintPhoto, bool]:
    """Store one upload under its UUID: (photo, created). The same bytes again from the same person are the same
    photo; other bytes, or another person's UUID, are refused."""
    digest = evidence.sha256_hex(data)
    if declared_sha256 and declared_sha256.strip().lower() != digest:
        raise OperationError(_("The upload was damaged on the way (X-Content-SHA256 does not match); send it again."),
                             problem="photo_hash_mismatch")
    if (previous := _previous(photo_uuid, digest, actor)) is not None:
        return previous, False
    end_read_transaction()  # no transaction is held while the picture is checked and copied
    stored = _stored_with_copies(data)
    try:
        return _record(stored, photo_uuid, actor), True
    except IntegrityError:
        winner = _previous(photo_uuid, digest, actor)  # the same UUID twice at once
        if winner is None:
            raise
        return winner, False


def _previous(photo_uuid: str, digest: str, actor: User) -> ComplaintPhoto | None:
    existing = db.session.execute(select(ComplaintPhoto).where(ComplaintPhoto.uuid == photo_uuid)).scalar()
    if existing is None:
        return None
    if existing.sha256 == digest and existing.uploaded_by_id == actor.id:
        return existing
    raise Conflict(_("Photo %(photo)s already exists with other content; give new bytes a new UUID.",
                     photo=photo_uuid), problem="photo_uuid_taken")


def store_uploads(uploads: Iterable[bytes], actor: User) -> list[str]:
    """The web form's photos: all checked and stored before any is recorded, or none; their UUIDs."""
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise OperationError(_("At most %(count)d photos.", count=MAX_PHOTOS), {"photos": [_("Too many photos.")]})
    end_read_transaction()
    stored = []
    try:
        for data in uploads:
            stored.append(_stored_with_copies(data))
    except BaseException:
        for done in stored:
            done.discard()
        raise
    return [_record(files, str(uuids.uuid4()), actor).uuid for files in stored]


def attach(complaint: Complaint, photo_ids: list[str], actor: User) -> None:
    """Name the uploaded photos as the complaint's: only the uploader's own, not yet another complaint's."""
    if not photo_ids:
        return
    wanted = [p.lower() for p in photo_ids]
    if len(wanted) > MAX_PHOTOS:
        raise OperationError(_("At most %(count)d photos.", count=MAX_PHOTOS), {"photo_ids": [_("Too many photos.")]})
    photos = db.session.execute(select(ComplaintPhoto).where(ComplaintPhoto.uuid.in_(wanted))).scalars().all()
    usable = {p.uuid for p in photos if p.uploaded_by_id == actor.id and p.complaint_id in (None, complaint.id)}
    missing = [p for p in wanted if p not in usable]
    if missing:
        raise Conflict(_("%(count)d photo(s) not uploaded yet.", count=len(missing)), {"missing_photos": missing},
                       problem="photos_missing")
    for photo in photos:
        photo.complaint_id = complaint.id
    complaint.photo_ids = wanted


def photos_of(complaint: Complaint) -> list[ComplaintPhoto]:
    if not complaint.photo_ids:
        return []
    found = {p.uuid: p for p in db.session.execute(
        select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id)).scalars()}
    return [found[u] for u in complaint.photo_ids if u in found]


def send(complaint: Complaint, photo_uuid: str, variant: str):
    """The caller has checked that the reader may see the complaint."""
    photo = next((p for p in photos_of(complaint) if p.uuid == photo_uuid.lower()), None)
    if photo is None or variant not in VARIANTS:
        raise NotFound(_("No such photo."))
    response = send_file(io.BytesIO(storage().get(getattr(photo, VARIANTS[variant]))), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
