"""The rectification loop's state changes: an outlet responds, an inspector accepts or rejects.

Findings move open → responded → closed, or back to open with the reason when rejected (with time
to fix it again when the rejected answer came in time, rectification.lateness).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from core import audit, transitions
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import CONCEALED, authorize, require_login
from core.unit_of_work import end_read_transaction
from inspections import evidence, photostore
from inspections.models import Photo
from inspections.operations import load as load_inspection
from org.models import User
from rectification import lateness
from rectification.models import Finding, Notice, Response, Verification
from rectification.policies import visible_notices


def load_finding(ident: int, actor: User, action: str = "finding.view") -> Finding:
    require_login(actor)
    finding = db.session.get(Finding, ident)
    if finding is None:
        raise NotFound(str(CONCEALED))
    authorize("finding.view", finding, conceal=True, user=actor)
    if action != "finding.view":
        authorize(action, finding, user=actor)
    return finding


def load_notice(ident: int, actor: User) -> Notice:
    """A notice by its id, to one who may see it: an inspection's only with its inspection (a mystery visit's
    once published), a complaint's to the bank and the outlet's own."""
    require_login(actor)
    authorize("finding.list", user=actor)
    notice = db.session.execute(visible_notices(actor, select(Notice)).where(Notice.id == ident)).scalar()
    if notice is None:
        raise NotFound(str(CONCEALED))
    if notice.inspection_id is not None:
        load_inspection(notice.inspection.uuid, actor)
    return notice


def add_after_photo(finding_id: int, photo_uuid: str, data: bytes, declared_sha256: str | None, actor: User):
    """An outlet's proof of rectification; stored exactly once per UUID, like inspection photos."""
    finding = load_finding(finding_id, actor, "finding.respond")
    digest = evidence.sha256_hex(data)
    if declared_sha256 and declared_sha256.strip().lower() != digest:
        raise OperationError(_("The upload was damaged on the way (X-Content-SHA256 does not match); send it again."),
                             problem="photo_hash_mismatch")
    finding_key = finding.id
    belongs = lambda photo: photo.finding_id == finding_key
    if (previous := photostore.previous_upload(photo_uuid, digest, belongs)) is not None:
        return previous, False
    if finding.status == "closed":
        raise Conflict(_("This finding is closed."), problem="finding_closed")
    return photostore.record_once(data, photo_uuid, prefix="after",
                                  owner={"inspection_id": finding.inspection_id, "finding_id": finding_key,
                                         "purpose": "after"},
                                  belongs=belongs, audit_action="finding.after_photo",
                                  audit_details={"finding": finding_key}, actor=actor)


def _refuse_response(finding: Finding, text: str) -> None:
    if finding.status != "open":
        if finding.status == "responded":
            raise Conflict(_("Only an open finding takes a response; this one is waiting for verification."),
                           problem="already_responded")
        raise Conflict(_("Only an open finding takes a response; this one is closed."), problem="finding_closed")
    if not (text or "").strip():
        raise OperationError(_("Say what was done."), {"text": [_("Describe the fix here.")]})


def respond_with_photos(finding_id: int, text: str, uploads: Iterable[bytes], actor: User) -> Response:
    """The page's response: its text and after-photos in one form, all stored or none. The response
    is checked before the photos are, and the photos before anything is written."""
    _refuse_response(load_finding(finding_id, actor, "finding.respond"), text)
    end_read_transaction()  # no transaction is held while the pictures are checked
    stored = photostore.store_all(uploads, "after")
    finding = load_finding(finding_id, actor, "finding.respond")
    photo_ids = []
    for files in stored:
        photo = photostore.record(files, str(uuid.uuid4()), actor=actor,
                                  owner={"inspection_id": finding.inspection_id, "finding_id": finding.id,
                                         "purpose": "after"})
        audit.record("finding.after_photo", photo, actor=actor,
                     details={"finding": finding.id, "sha256": files.facts.sha256})
        photostore.derive_later(photo)
        photo_ids.append(photo.uuid)
    return respond(finding_id, text, photo_ids, actor)


def respond(finding_id: int, text: str, photo_ids: list[str], actor: User) -> Response:
    finding = load_finding(finding_id, actor, "finding.respond")
    _refuse_response(finding, text)
    text = text.strip()
    photo_ids = [p.lower() for p in photo_ids]  # stored lower-case, as add_after_photo's caller gives them
    uploaded = set(db.session.execute(select(Photo.uuid).where(Photo.finding_id == finding.id,
                                                                Photo.purpose == "after")).scalars())
    missing = [p for p in photo_ids if p not in uploaded]
    if missing:
        raise Conflict(_("%(count)d after-photo(s) not uploaded yet.", count=len(missing)), {"missing_photos": missing},
                       problem="photos_missing")
    if not photo_ids:
        raise OperationError(_("Add at least one photo taken after the fix."),
                             {"photo_ids": [_("Add a photo taken after the fix.")]})
    before = audit.snapshot(finding)
    now = utcnow()
    # Only one of several concurrent responses wins the open finding; the others get 409.
    transitions.move(finding, "open", _("This finding has already been answered; it is waiting for verification."),
                     problem="already_responded",
                     status="responded", responded_at=now, **lateness.judge_answer(finding, now))
    response = Response(finding_id=finding.id, author_id=actor.id, text=text[:4000], photo_ids=list(photo_ids))
    db.session.add(response)
    audit.record("finding.respond", finding, actor=actor, before=before, after=audit.snapshot(finding))
    db.session.flush()
    return response


def verify(finding_id: int, accepted: bool, reason: str, actor: User) -> Verification:
    finding = load_finding(finding_id, actor, "finding.verify")
    if finding.status != "responded":
        raise Conflict(_("Only a finding the outlet has responded to can be verified."), problem="wrong_status")
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise OperationError(_("Say why the fix is not accepted."),
                             {"reason": [_("A rejection needs its reason, for the outlet to act on.")]},
                             problem="reason_required")
    response = db.session.execute(select(Response).where(Response.finding_id == finding.id)
                                  .order_by(Response.id.desc()).limit(1)).scalar_one()
    before = audit.snapshot(finding)
    # Accept and reject may arrive together: exactly one decides, the others get 409.
    now = utcnow()
    outcome = {"status": "closed", "closed_at": now} if accepted else \
        {"status": "open", "due_date": lateness.deadline_after_rejection(finding, now)}
    transitions.move(finding, "responded", _("This response has already been verified."), **outcome)
    verification = Verification(finding_id=finding.id, response_id=response.id, inspector_id=actor.id,
                                accepted=accepted, reason=reason[:2000])
    db.session.add(verification)
    audit.record("finding.accept" if accepted else "finding.reject", finding, actor=actor, before=before,
                 after=audit.snapshot(finding), details={"reason": reason[:200]} if reason else None)
    db.session.flush()
    return verification
