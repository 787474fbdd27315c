"""Why a teller could not be checked remotely in a cycle: recorded by the monitor, withdrawn when wrong.

An excused teller is left out of the cycle's expected checks (so 100 % coverage is reachable when a teller
is absent, on leave or their window is closed); a check made after all counts as covered. A reason is
recorded and withdrawn only while its cycle runs: once the cycle is over it is part of the cycle's record.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.clock import local_today
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.inputs import unstorable_text
from core.permissions import CONCEALED, authorize
from inspections.models import CANCELLED, DONE, EXCUSE_REASONS, Assignment, Excuse
from org.models import User

NOTE_LENGTH = 500
REASON_NAMES = {"absent": _l("Absent from the counter"), "on_leave": _l("On leave"),
                "window_closed": _l("Window closed")}


def reason_name(reason: str) -> str:
    return str(REASON_NAMES.get(reason, reason))


def _in_cycle(assignment: Assignment, today: date) -> bool:
    return assignment.window_start <= today <= assignment.window_end


def _cycle_over() -> OperationError:
    return OperationError(_("This cycle is over: its reasons are part of its record and no longer change."))


def active_excuse(assignment_id: int) -> Excuse | None:
    return db.session.execute(select(Excuse).where(Excuse.assignment_id == assignment_id,
                                                   Excuse.withdrawn_at.is_(None))).scalar()


def record_excuse(assignment_id: int, reason: str, day: date | None, note: str, actor: User) -> Excuse:
    """Record why the teller of `assignment_id` cannot be checked on `day` (None: the whole cycle)."""
    # The assignment's row is held until the commit: a second reason, or a check, waits and then sees this one.
    assignment = db.session.execute(select(Assignment).where(Assignment.id == assignment_id)
                                    .with_for_update()).scalar()
    if assignment is None:
        raise NotFound(str(CONCEALED))
    authorize("remote.excuse", assignment, conceal=True, user=actor)
    today = local_today()
    if not _in_cycle(assignment, today):
        raise _cycle_over()
    name = assignment.staff.name if assignment.staff else ""
    if assignment.status == DONE:
        raise Conflict(_("%(name)s has already been checked in this cycle.", name=name))
    if assignment.status == CANCELLED:
        raise Conflict(_("This teller is no longer in the cycle."))
    errors = _problems(assignment, reason, day, note)
    if errors:
        raise OperationError(_("The reason cannot be recorded; see the notes beside the fields."), errors)
    if active_excuse(assignment.id) is not None:
        raise Conflict(_("A reason is already recorded for %(name)s in this cycle; withdraw it first to record "
                         "another.", name=name))
    excuse = Excuse(assignment_id=assignment.id, staff_id=assignment.staff_id, reason=reason,
                    first_day=day or assignment.window_start, last_day=day or assignment.window_end,
                    note=note, recorded_by_id=actor.id)
    db.session.add(excuse)
    audit.record("remote_excuse.record", excuse, actor=actor, after=audit.snapshot(excuse))
    return excuse


def _problems(assignment: Assignment, reason: str, day: date | None, note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reason not in EXCUSE_REASONS:
        errors["reason"] = [_("Choose one of the reasons offered.")]
    if day is not None and not _in_cycle(assignment, day):
        errors["day"] = [_("Choose a day of this cycle (%(first)s to %(last)s).", first=assignment.window_start,
                           last=assignment.window_end)]
    if len(note) > NOTE_LENGTH:
        errors["note"] = [_("At most %(count)d characters.", count=NOTE_LENGTH)]
    elif unstorable_text(note):
        errors["note"] = [_("No control characters or incomplete Unicode characters.")]
    return errors


def withdraw_excuse(excuse_id: int, actor: User) -> Excuse:
    """The reason no longer holds (recorded by mistake, the teller came back): the teller is due again."""
    excuse = db.session.execute(select(Excuse).where(Excuse.id == excuse_id).with_for_update()).scalar()
    if excuse is None:
        raise NotFound(str(CONCEALED))
    authorize("remote.excuse", excuse.assignment, conceal=True, user=actor)
    if excuse.withdrawn_at is not None:
        raise Conflict(_("This reason has already been withdrawn."))
    if not _in_cycle(excuse.assignment, local_today()):
        raise _cycle_over()
    before = audit.snapshot(excuse)
    excuse.withdrawn_at, excuse.withdrawn_by_id = utcnow(), actor.id
    audit.record("remote_excuse.withdraw", excuse, actor=actor, before=before, after=audit.snapshot(excuse))
    return excuse
