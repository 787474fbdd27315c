"""Admins' confirmations that a published visit's findings about a person stand on their own, so that
the visit alone may put them on the black list. The admin gives one at publication for everyone the
visit names, or later for one person (reports: from a red/black list that holds them)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from core.extensions import db
from inspections.events import Failure
from inspections.models import PUBLISHED, Answer, Inspection
from mystery.models import MysteryConfirmation


def confirm_everyone_named(inspection: Inspection, failures: list[Failure], moment: datetime, actor) -> None:
    """At publication: each person the visit's findings name."""
    for staff_id in sorted({failure.staff_id for failure in failures if failure.staff_id is not None}):
        db.session.add(MysteryConfirmation(inspection_id=inspection.id, staff_id=staff_id, confirmed_by_id=actor.id,
                                           confirmed_at=moment))


def confirmed_for_everyone_named(inspection: Inspection) -> bool:
    """Whether the visit names someone and is confirmed for each of them (the people of its failed
    answers, whom its findings name once it is published)."""
    if inspection.status != PUBLISHED:
        return False  # confirmations are given at publication or after it
    named, confirmed = db.session.execute(
        select(func.count(Answer.staff_id.distinct()), func.count(MysteryConfirmation.staff_id.distinct()))
        .outerjoin(MysteryConfirmation, and_(MysteryConfirmation.inspection_id == Answer.inspection_id,
                                             MysteryConfirmation.staff_id == Answer.staff_id))
        .where(Answer.of(inspection), Answer.failed.is_(True))).one()
    return named > 0 and named == confirmed
