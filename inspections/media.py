"""Serving photos: only through here, only to those who may see the inspection they belong to."""
from __future__ import annotations

import io

from flask import abort, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import NotFound
from core.extensions import db
from core.permissions import can
from core.storage import storage
from inspections.models import Photo
from inspections.operations import load
from inspections.photostore import ensure_derivatives
from org.models import User

VARIANTS = {"display": "display_key", "thumb": "thumb_key", "original": "original_key"}


def photo_response(uuid: str, photo_uuid: str, variant: str, user: User):
    inspection = load(uuid, user)
    photo = db.session.execute(select(Photo).where(Photo.uuid == photo_uuid.lower(),
                                                   Photo.inspection_id == inspection.id)).scalar()
    return send_photo(photo, variant, user)


def send_photo(photo: Photo | None, variant: str, user: User):
    """The caller has checked that the user may see this photo; the original file (with the camera's
    EXIF: its owner's name, make, model, GPS) only goes to those who review evidence."""
    if photo is None or variant not in VARIANTS:
        raise NotFound(_("No such photo."))
    if variant == "original" and not can(user, "photo.original", photo):
        abort(403, description=_("Only reviewers of the evidence get the original file; ask for variant=display."))
    if variant != "original":
        ensure_derivatives(photo)  # not made yet (a large HEIC just uploaded): made now
    data = storage().get(getattr(photo, VARIANTS[variant]))
    mimetype = photo.mime_type if variant == "original" else "image/jpeg"
    response = send_file(io.BytesIO(data), mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
