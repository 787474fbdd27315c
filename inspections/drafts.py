"""A person's open drafts, wherever they were started: listed for any device of their owner, and one
draft per assignment and owner, however many devices start it at once."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from core.errors import Conflict
from core.extensions import db
from inspections.models import DRAFT, Assignment, Inspection
from org.models import User


def open_drafts(owner: User) -> Select:
    """The owner's drafts, reports sent back for revision among them; the latest change first."""
    return (select(Inspection).where(Inspection.inspector_id == owner.id, Inspection.status == DRAFT)
            .options(selectinload(Inspection.answers), selectinload(Inspection.photos),
                     selectinload(Inspection.outlet))
            .order_by(Inspection.updated_at.desc(), Inspection.id.desc()))


def lock_assignment(assignment_id: int) -> Assignment | None:
    """The assignment, locked until the end of the transaction: those starting it queue here, so that
    each sees the draft the one before it made (SQLite: the write lock; PostgreSQL: the row's lock)."""
    return db.session.execute(select(Assignment).where(Assignment.id == assignment_id).with_for_update()).scalar()


def open_draft_of(assignment_id: int, owner: User) -> Inspection | None:
    return db.session.execute(
        select(Inspection).where(Inspection.assignment_id == assignment_id, Inspection.inspector_id == owner.id,
                                 Inspection.status == DRAFT).order_by(Inspection.id)).scalars().first()


def refuse_second_draft(assignment_id: int, owner: User, uuid: str) -> None:
    """Called before the draft `uuid` is made for an assignment, with the assignment locked. The same
    draft sent twice at once is not a second one: its copy waits here, then updates the first."""
    held = open_draft_of(assignment_id, owner)
    if held is not None and held.uuid != uuid:
        raise Conflict(_("You already have an open draft for this assignment; continue that one."),
                       {"assignment_id": [_("Has your open draft already.")], "open_draft": held.uuid})
