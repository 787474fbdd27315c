"""A mystery visit's own record (MysteryVisit): read beside its inspection, and kept at each submit;
and the visit's window, which its start and its submit keep to."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, case, select

from checklists.store import published_checklist
from core.clock import local_today
from core.errors import OperationError
from core.extensions import db
from inspections.models import DRAFT, Assignment, Inspection
from inspections.validation import item_name
from mystery.attribution import to_attribute
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
                                                                       revision_reason="", not_attributable=[])


def visits_of(inspections: list[Inspection]) -> dict[int, MysteryVisit]:
    """The records of several visits by inspection id, read at once (drafts never submitted have none)."""
    ids = [inspection.id for inspection in inspections]
    return {visit.inspection_id: visit for visit in db.session.execute(
        select(MysteryVisit).where(MysteryVisit.inspection_id.in_(ids))).scalars()} if ids else {}


def attribution_rows(inspection: Inspection) -> list[dict]:
    """The report's items to attribute (failed or lost points) and whom each names, for the bank."""
    if inspection.status == DRAFT:
        return []
    checklist, _hash = published_checklist(inspection.checklist_version_id)
    marked = set(visit_of(inspection).not_attributable or [])
    return [{"item_key": item.key, "label": item_name(item), "failed": bool(answer.failed),
             "staff_description": answer.staff_description or "", "staff_id": answer.staff_id,
             "not_attributable": item.key in marked}
            for item, answer in to_attribute(checklist, inspection.answers)]


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


# The window is judged by the server's clock, on the days of the bank's zone (Asia/Shanghai), its first
# and last days included whole: a phone's clock, and the times a draft reports, are the shopper's to set.

def _window_state(assignment: Assignment) -> tuple[str, dict]:
    """"before", "open" or "after" the window today, and the window's days for a message."""
    today = local_today()
    days = {"start": assignment.window_start.isoformat(), "end": assignment.window_end.isoformat()}
    if today < assignment.window_start:
        return "before", days
    return ("after" if today > assignment.window_end else "open"), days


def refuse_start_outside_window(assignment: Assignment) -> None:
    """Before a visit's draft is first stored: only while its window is open."""
    state, days = _window_state(assignment)
    if state == "before":
        raise OperationError(_("The window of this visit is %(start)s – %(end)s and has not opened yet: the visit "
                               "cannot be started before it.", **days), problem="outside_window")
    if state == "after":
        raise OperationError(_("The window of this visit was %(start)s – %(end)s and has closed: the visit can no "
                               "longer be started.", **days), problem="outside_window")


def refuse_submit_outside_window(inspection: Inspection) -> None:
    """Before a report is filed: only while its visit's window is open, but for a revision."""
    assignment = inspection.assignment
    # A report the bank sent back is corrected whenever the bank asked: its visit was made and first
    # filed in the window, and the correction only answers the bank's request.
    if assignment is None or visit_of(inspection).revision_reason:
        return
    state, days = _window_state(assignment)
    if state == "before":
        raise OperationError(_("The window of this visit is %(start)s – %(end)s and has not opened yet: the report "
                               "cannot be submitted before it.", **days), problem="outside_window")
    if state == "after":
        raise OperationError(_("The window of this visit was %(start)s – %(end)s and has closed: the report can no "
                               "longer be submitted.", **days), problem="outside_window")
