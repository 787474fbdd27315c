"""A mystery visit's own record (MysteryVisit): read beside its inspection, and kept at each submit."""
from __future__ import annotations

from sqlalchemy import Select, case, select

from core.extensions import db
from inspections.models import Inspection
from mystery.models import MysteryVisit


def review_queue(filters: dict) -> Select:
    """Filed mystery visits, those awaiting a decision first, then the latest filed (QueueArgs narrow it)."""
    query = select(Inspection).where(Inspection.kind == "mystery", Inspection.status != "draft")
    for name in ("status", "outlet_id"):
        if filters.get(name):
            query = query.where(getattr(Inspection, name) == filters[name])
    if filters.get("period"):
        query = query.where(Inspection.submitted_at >= filters["period"].start,
                            Inspection.submitted_at < filters["period"].end)
    awaiting_first = case((Inspection.status == "submitted", 0), else_=1)
    return query.order_by(awaiting_first, Inspection.submitted_at.desc(), Inspection.id.desc())


def visit_of(inspection: Inspection) -> MysteryVisit:
    """The visit's record; for a draft never submitted, an empty one that is not stored."""
    return db.session.get(MysteryVisit, inspection.id) or MysteryVisit(inspection_id=inspection.id, flags=[],
                                                                       revision_reason="")


def visits_of(inspections: list[Inspection]) -> dict[int, MysteryVisit]:
    """The records of several visits by inspection id, read at once (drafts never submitted have none)."""
    ids = [inspection.id for inspection in inspections]
    return {visit.inspection_id: visit for visit in db.session.execute(
        select(MysteryVisit).where(MysteryVisit.inspection_id.in_(ids))).scalars()} if ids else {}


def stored_visit(inspection: Inspection) -> MysteryVisit:
    """The visit's record, made now if it has none yet, for a change to it."""
    visit = visit_of(inspection)
    db.session.add(visit)
    return visit


def keep_submit_checks(inspection: Inspection, flags: list[dict]) -> None:
    """In the submit's write: the flags its checks found. A submit answers the bank's request for a
    revision, so the request is done with."""
    visit = stored_visit(inspection)
    visit.flags, visit.revision_reason = flags, ""


def revision_reason(inspection: Inspection) -> str:
    return visit_of(inspection).revision_reason
