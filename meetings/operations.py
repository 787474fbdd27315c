"""Recording a meeting: the admin writes its record as a draft, then records it as final; the record
may still be corrected after. Every change is audited."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.clock import local_today
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import CONCEALED, authorize
from meetings import quarters
from meetings.models import DRAFT, RECORDED, Meeting
from org.models import User

# What a final record must say; a draft may leave them empty.
REQUIRED_TO_RECORD = ("place", "chair", "attendees", "points", "decisions")


def load_meeting(ident: int, actor: User, action: str = "meeting.view") -> Meeting:
    authorize(action, user=actor)
    meeting = db.session.get(Meeting, ident)
    if meeting is None:
        raise NotFound(str(CONCEALED))
    return meeting


def _quarter_taken() -> Conflict:
    return Conflict(_("The meeting on this quarter is recorded already; open it to change it."),
                    {"quarter": [_("Another meeting reviewed this quarter.")]}, problem="already_used")


def _refuse(meeting: Meeting | None, data: dict, recorded: bool) -> None:
    taken = db.session.execute(select(Meeting.id).where(Meeting.quarter == data["quarter"])).scalar()
    if taken is not None and (meeting is None or taken != meeting.id):
        raise _quarter_taken()
    errors: dict[str, list[str]] = {}
    if data["held_on"] < quarters.first_day(data["quarter"]):
        errors["held_on"] = [_("A meeting is held after the quarter it reviews has begun.")]
    if recorded:
        if data["held_on"] > local_today():
            errors["held_on"] = [_("A meeting is recorded once it has been held: the day lies ahead.")]
        for name in REQUIRED_TO_RECORD:
            if not data.get(name):
                errors[name] = [_("Fill this in before recording the meeting.")]
    if errors:
        raise OperationError(_("The meeting record cannot be saved as it is; see each field."), errors)


def save_meeting(meeting: Meeting | None, data: dict, actor: User) -> Meeting:
    """Create (meeting None) or change a meeting from the fields of MeetingInSchema; `recorded` makes the
    record final. A recorded meeting stays recorded."""
    authorize("meeting.edit", user=actor)
    data = {**data, **{name: data.get(name, "").strip() for name in ("place", "chair", "points", "decisions")}}
    data["attendees"] = "\n".join(name.strip() for name in data.get("attendees", []) if name.strip())
    recording = bool(data.pop("recorded", False)) or (meeting is not None and meeting.status == RECORDED)
    _refuse(meeting, data, recording)
    before = audit.snapshot(meeting) if meeting is not None else None
    values = {name: data[name] for name in ("quarter", "held_on", "place", "chair", "attendees", "points",
                                            "decisions")}
    action = "meeting.create" if before is None else "meeting.update"
    if recording and (meeting is None or meeting.status == DRAFT):
        values.update(status=RECORDED, recorded_by_id=actor.id, recorded_at=utcnow())
        action = "meeting.record" if before is not None else "meeting.create"
    try:
        # A meeting on the same quarter written meanwhile by another request: 409, not 500.
        with db.session.begin_nested():
            if meeting is None:
                meeting = Meeting(status=DRAFT)
                db.session.add(meeting)
            for name, value in values.items():
                setattr(meeting, name, value)
            db.session.flush()
    except IntegrityError as error:
        raise _quarter_taken() from error
    audit.record(action, meeting, actor=actor, before=before, after=audit.snapshot(meeting))
    return meeting
