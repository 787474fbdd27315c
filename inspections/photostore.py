"""Photo files: the original kept as received; the display copy and thumbnail made during the upload,
or, for a picture that takes long to decode (a 12-megapixel HEIC has no reduced-scale decoding),
just after the response. Whoever needs them first (a viewer, the submit, a notice) makes them if
they are not there yet, so a lost job costs time, never a picture.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from flask import current_app
from sqlalchemy import update

from core import jobs
from core.extensions import db
from core.storage import new_key, storage
from inspections import evidence
from inspections.models import Photo

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
    """After the commit that recorded the photo: have its derivatives made if they are still missing."""
    if photo.display_key is None and photo.unreadable is None:
        jobs.enqueue(DERIVE_JOB, photo_id=photo.id)


@jobs.job(DERIVE_JOB)
def _derive_job(photo_id: int) -> None:
    photo = db.session.get(Photo, photo_id)
    if photo is not None:
        try:
            ensure_derivatives(photo)
        except evidence.EvidenceError:
            pass  # recorded on the photo; the submit names it


def ensure_derivatives(photo: Photo) -> Photo:
    """The photo with its display copy and thumbnail, made now if missing (and committed at once).
    Raises EvidenceError (422) for a picture that would not decode."""
    if photo.display_key is not None:
        return photo
    if photo.unreadable:
        raise evidence.EvidenceError(photo.unreadable, status=422)
    photo_id, original_key = photo.id, photo.original_key
    db.session.commit()  # no transaction is held while the picture is decoded
    prefix = original_key.rsplit("/", 2)[0]
    try:
        derived = evidence.derive(storage().get(original_key), max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
                                  decode_budget=current_app.config["PHOTO_DECODE_BYTES"])
    except evidence.EvidenceError as error:
        db.session.execute(update(Photo).where(Photo.id == photo_id, Photo.display_key.is_(None))
                           .values(unreadable=f"Photo {photo.uuid} cannot be read: {error.message}"[:300]))
        db.session.commit()
        db.session.refresh(photo)
        raise
    written: list[str] = []
    try:
        display_key, thumb_key, dhash = _put_derivatives(prefix, derived, written)
        made = db.session.execute(
            update(Photo).where(Photo.id == photo_id, Photo.display_key.is_(None))
            .values(display_key=display_key, thumb_key=thumb_key, dhash=dhash)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard(written)
        raise
    if not made:  # someone else made them at the same time; theirs are kept
        discard(written)
    db.session.refresh(photo)
    return photo
