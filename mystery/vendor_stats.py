"""How each shopper of each vendor performs: visits on time, rejections, revisions, flags."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from core.clock import local_zone
from core.extensions import db
from inspections.models import REJECTED, Assignment, Inspection
from mystery.models import MysteryReview, MysteryVisit
from org.models import User, Vendor


def performance() -> list[dict]:
    zone = local_zone()
    reports = db.session.execute(
        select(Inspection, Assignment, User, Vendor, MysteryVisit.flags)
        .join(User, User.id == Inspection.inspector_id)
        .outerjoin(Vendor, Vendor.id == User.vendor_id)
        .outerjoin(Assignment, Assignment.id == Inspection.assignment_id)
        .outerjoin(MysteryVisit, MysteryVisit.inspection_id == Inspection.id)
        .where(Inspection.kind == "mystery", Inspection.status != "draft")).all()
    revisions = defaultdict(int)
    for inspection_id, in db.session.execute(select(MysteryReview.inspection_id).where(MysteryReview.decision == "revise")):
        revisions[inspection_id] += 1
    rows: dict[int, dict] = {}
    for inspection, assignment, shopper, vendor, flags in reports:
        row = rows.setdefault(shopper.id, {"shopper": shopper.display_name or shopper.username,
                                           "vendor": vendor.name if vendor else "", "reports": 0, "on_time": 0,
                                           "rejected": 0, "revisions": 0, "flags": 0})
        row["reports"] += 1
        visit = inspection.finished_at or inspection.started_at or inspection.submitted_at
        if assignment is not None and visit is not None and \
                assignment.window_start <= visit.astimezone(zone).date() <= assignment.window_end:
            row["on_time"] += 1
        row["rejected"] += inspection.status == REJECTED
        row["revisions"] += revisions[inspection.id]
        row["flags"] += len(flags or [])
    for row in rows.values():
        row["on_time_rate"] = round(row["on_time"] / row["reports"] * 100, 1)
        row["rejection_rate"] = round(row["rejected"] / row["reports"] * 100, 1)
        row["flags_per_report"] = round(row["flags"] / row["reports"], 2)
    return sorted(rows.values(), key=lambda r: (r["vendor"], r["shopper"]))
