"""Photo files: the original kept as received; the display copy and thumbnail made during the upload,
or, for a picture that takes long to decode (a 12-megapixel HEIC has no reduced-scale decoding),
just after the response. Whoever needs them first (a viewer, the submit, a notice) makes them if
they are not there yet, so a lost job costs time, never a picture.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import audit, jobs, unit_of_work
from core.clock import local_zone
from core.db import rowcount
from core.errors import Conflict
from core.extensions import db
from core.storage import new_key, storage
from core.unit_of_work import end_read_transaction
from inspections import evidence
from inspections.models import Photo
from org.models import User

DERIVE_JOB = "photo.derivatives"


@dataclass
class StoredPhoto:
    """Files written for one upload, not yet recorded in the database."""
    facts: evidence.PhotoFacts
    byte_size: int
    original_key: str
    display_key: str | None = None
    thumb_key: str | None = None
    dhash: str | None = None
    written: list[str] = field(default_factory=list)

    def columns(self) -> dict:
        facts = self.facts
        return {"sha256": facts.sha256, "mime_type": facts.mime_type, "byte_size": self.byte_size,
                "width": facts.width, "height": facts.height, "captured_at": facts.captured_at,
                "latitude": facts.latitude, "longitude": facts.longitude, "original_key": self.original_key,
                "display_key": self.display_key, "thumb_key": self.thumb_key, "dhash": self.dhash}

    def discard(self) -> None:
        discard(self.written)


def discard(keys: list[str]) -> None:
    media = storage()
    for key in keys:
        media.delete(key)


def store(data: bytes, prefix: str, local_tz: tzinfo) -> StoredPhoto:
    """Check the upload and write its files; nothing is written for a refused picture."""
    config = current_app.config
    facts = evidence.inspect(data, max_bytes=config["PHOTO_MAX_BYTES"], max_pixels=config["PHOTO_MAX_PIXELS"],
                             local_tz=local_tz, decode_budget=config["PHOTO_DECODE_BYTES"])
    derived = evidence.derive(data, max_pixels=config["PHOTO_MAX_PIXELS"], decode_budget=config["PHOTO_DECODE_BYTES"]) \
        if evidence.quick_to_derive(facts, config["PHOTO_INLINE_PIXELS"]) else None
    stored = StoredPhoto(facts=facts, byte_size=len(data),
                         original_key=new_key(prefix, evidence.EXTENSIONS[facts.format]))
    media = storage()
    try:
        media.put(stored.original_key, data)
        stored.written.append(stored.original_key)
        if derived is not None:
            stored.display_key, stored.thumb_key, stored.dhash = _put_derivatives(prefix, derived, stored.written)
    except BaseException:
        stored.discard()
        raise
    return stored


def _put_derivatives(prefix: str, derived: evidence.Derivatives, written: list[str]) -> tuple[str, str, str]:
    media = storage()
    display_key, thumb_key = new_key(prefix, ".jpg"), new_key(prefix, ".jpg")
    media.put(display_key, derived.display)
    written.append(display_key)
    media.put(thumb_key, derived.thumbnail)
    written.append(thumb_key)
    return display_key, thumb_key, derived.dhash


def derive_later(photo: Photo) -> None:
    """Once the photo is stored: have its derivatives made if they are still missing."""
    if photo.display_key is None and photo.unreadable is None:
        jobs.enqueue(DERIVE_JOB, photo_id=photo.id)


@jobs.job(DERIVE_JOB)
def make_derivatives(photo_id: int) -> None:
    """Make a photo's display copy and thumbnail if they are still missing; a picture that will not
    decode is marked unreadable instead (the submit names it)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.display_key is not None or photo.unreadable:
        return
    original_key, photo_uuid = photo.original_key, photo.uuid
    end_read_transaction()  # no transaction is held while the picture is decoded
    try:
        derived = evidence.derive(storage().get(original_key), max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
                                  decode_budget=current_app.config["PHOTO_DECODE_BYTES"])
    except evidence.EvidenceError as error:
        db.session.execute(update(Photo).where(Photo.id == photo_id, Photo.display_key.is_(None))
                           .values(unreadable=f"Photo {photo_uuid} cannot be read: {error.message}"[:300]))
        return
    written: list[str] = []
    unit_of_work.on_rollback(functools.partial(discard, written))
    display_key, thumb_key, dhash = _put_derivatives(original_key.rsplit("/", 2)[0], derived, written)
    made = rowcount(db.session.execute(
        update(Photo).where(Photo.id == photo_id, Photo.display_key.is_(None))
        .values(display_key=display_key, thumb_key=thumb_key, dhash=dhash)
        .execution_options(synchronize_session=False)))
    if not made:  # someone else made them at the same time; theirs are kept
        discard(written)


def ensure_derivatives(photo: Photo) -> Photo:
    """The photo with its display copy and thumbnail, made now if missing. They are a cache of the
    original, so they are made apart from the caller's unit of work, which they leave as it was;
    only a unit that has written already (and on SQLite holds the one write lock) makes them itself.
    Raises EvidenceError (422) for a picture that will not decode."""
    if photo.display_key is None and photo.unreadable is None:
        if unit_of_work.has_written():
            make_derivatives(photo.id)
        else:
            end_read_transaction()  # nor is the caller's held while the picture is decoded
            with unit_of_work.apart():
                make_derivatives(photo.id)
        db.session.refresh(photo)
    if photo.unreadable:
        raise evidence.EvidenceError(photo.unreadable, status=422, problem="photo_damaged")
    return photo


def previous_upload(photo_uuid: str, digest: str, belongs: Callable[[Photo], bool]) -> Photo | None:
    """The photo already stored under this UUID when these are the same bytes for the same owner (a
    phone's retry); other bytes under a known UUID are a conflict."""
    existing = db.session.execute(select(Photo).where(Photo.uuid == photo_uuid)).scalar()
    if existing is None:
        return None
    if existing.sha256 == digest and belongs(existing):
        return existing
    raise Conflict(_("Photo %(photo)s already exists with other content; give new bytes a new UUID.",
                     photo=photo_uuid), problem="photo_uuid_taken")


def record_once(data: bytes, photo_uuid: str, *, prefix: str, owner: dict, belongs: Callable[[Photo], bool],
                audit_action: str, audit_details: dict, actor: User, still_open: Callable[[], bool] = lambda: True,
                closed: Conflict | None = None) -> tuple[Photo, bool]:
    """Check and store an upload's files, then record it exactly once: (photo, created). The caller has
    checked that it may; the transaction ends first, so that no lock is held while the picture is
    decoded. `still_open()` runs with the write and refuses (raises `closed`, 409) when the owner has moved
    on meanwhile. Nothing stays behind of a refused upload, nor of the loser of two at once."""
    digest = evidence.sha256_hex(data)
    end_read_transaction()
    stored = store(data, prefix, local_zone())
    try:
        photo = record(stored, photo_uuid, owner=owner, actor=actor)
    except IntegrityError:
        winner = previous_upload(photo_uuid, digest, belongs)  # the same UUID arrived twice at once
        if winner is None:
            raise
        return winner, False
    if not still_open():
        raise closed or Conflict(_("This photo can no longer be added."))
    audit.record(audit_action, photo, actor=actor, details={**audit_details, "sha256": digest})
    derive_later(photo)
    return photo, True


def store_all(uploads: Iterable[bytes], prefix: str) -> list[StoredPhoto]:
    """Check and store several uploads' files before any is recorded; a refused one leaves none."""
    stored: list[StoredPhoto] = []
    try:
        for data in uploads:
            stored.append(store(data, prefix, local_zone()))
    except BaseException:
        for done in stored:
            done.discard()
        raise
    return stored


def record(stored: StoredPhoto, photo_uuid: str, *, owner: dict, actor) -> Photo:
    """The row of a photo whose files are stored; the files go again if the row does not stay (its
    insert fails here, or the unit of work rolls back later)."""
    photo = Photo(uuid=photo_uuid, uploaded_by_id=actor.id, **owner, **stored.columns())
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except BaseException:
        stored.discard()
        raise
    unit_of_work.on_rollback(stored.discard)
    return photo
