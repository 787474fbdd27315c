"""The mystery-shopper flow under /api/v1/mystery: hand out visits, review, attribute, publish."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from core.clock import local_today
from core.extensions import db
from core.permissions import authorize
from inspections.models import Assignment, Inspection
from inspections.policies import visible_assignments
from inspections.presenting import assignment_rows
from inspections.schemas import AssignmentSchema
from mystery import operations, vendor_stats
from mystery.schemas import (
    AttributionInSchema,
    MysteryReportSchema,
    PublishInSchema,
    ReviewInSchema,
    ShopperInSchema,
    VendorPerformanceSchema,
)

blp = Blueprint("mystery", __name__, url_prefix="/api/v1/mystery",
                description="Mystery visits: the vendor's coordinator hands them out; the bank reviews and "
                            "publishes the reports. Nothing here is visible to outlets or inspectors.")


@blp.route("/assignments")
@blp.response(200, AssignmentSchema(many=True))
def vendor_assignments():
    """The vendor's visits (a coordinator) or all of them (admin)."""
    authorize("mystery.coordinate")
    query = visible_assignments(current_user, select(Assignment).where(Assignment.kind == "mystery"))
    return assignment_rows(query, local_today())


@blp.route("/assignments/<int:ident>/shopper", methods=["POST"])
@blp.arguments(ShopperInSchema)
@blp.response(200, AssignmentSchema)
def assign(data, ident):
    """Hand a visit to one of the vendor's shoppers (null hands it back to the pool)."""
    authorize("mystery.coordinate")
    assignment = operations.assign_shopper(ident, data["shopper_id"], current_user)
    return next(r for r in assignment_rows(select(Assignment).where(Assignment.id == assignment.id), local_today()))


@blp.route("/reports")
@blp.response(200, MysteryReportSchema(many=True))
def reports():
    """Filed reports with their validation flags, for the bank's review (admin)."""
    authorize("mystery.review")
    query = select(Inspection).where(Inspection.kind == "mystery", Inspection.status != "draft") \
        .order_by(Inspection.submitted_at.desc())
    return db.session.execute(query).scalars().all()


@blp.route("/reports/<uuid>/review", methods=["POST"])
@blp.arguments(ReviewInSchema)
@blp.response(200, MysteryReportSchema)
def review(data, uuid):
    """Accept, ask the shopper for a revision (with a reason), or reject (with a reason)."""
    authorize("mystery.review")
    return operations.review(uuid, data["decision"], data["reason"], current_user)


@blp.route("/reports/<uuid>/attribution", methods=["POST"])
@blp.arguments(AttributionInSchema)
@blp.response(200, MysteryReportSchema)
def attribute(data, uuid):
    """Map "the teller at window 2" to the real staff member, per failed or marked-down item, or mark an
    item as not attributable to a person."""
    authorize("mystery.review")
    return operations.attribute(uuid, data["staff"], data["not_attributable"], current_user)


@blp.route("/reports/<uuid>/publish", methods=["POST"])
@blp.arguments(PublishInSchema)
@blp.response(200, MysteryReportSchema)
def publish(data, uuid):
    """Publish to the outlet: findings and the notice follow. Refused (422, naming the items) while a
    failed item names nobody and is not marked as not attributable to a person."""
    authorize("mystery.review")
    return operations.publish(uuid, data["blacklist_confirmed"], current_user)


@blp.route("/vendor-performance")
@blp.response(200, VendorPerformanceSchema(many=True))
def performance():
    """Visits on time, rejection rate and flags per shopper."""
    authorize("mystery.performance")
    return vendor_stats.performance()
